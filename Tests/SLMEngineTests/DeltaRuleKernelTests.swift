import SLMEngine
import SLMKernels
import SLMTestSupport
import Testing

/// Qwen3.5's gated delta rule: the SIMD version equals the portable one bit for bit, and
/// the portable one follows the rule as written (checked against a plain double-precision
/// version of it).
@Suite("Delta rule kernel")
struct DeltaRuleKernelTests {
    static func values(seed: UInt64, count: Int, scale: Double = 1) -> [Float] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in Float((generator.nextUnit() * 2 - 1) * scale) }
    }

    struct Run {
        let size: Int, rows: Int, stride: Int
        let query: [Float], key: [Float], value: [Float], decay: [Float], beta: [Float], state: [Float]

        init(size: Int, rows: Int) {
            self.size = size
            self.rows = rows
            stride = size + 3
            query = DeltaRuleKernelTests.values(seed: 1, count: rows * stride, scale: 0.3)
            key = DeltaRuleKernelTests.values(seed: 2, count: rows * stride, scale: 0.3)
            value = DeltaRuleKernelTests.values(seed: 3, count: rows * stride)
            decay = DeltaRuleKernelTests.values(seed: 4, count: rows).map { 0.75 + 0.25 * $0 }
            beta = DeltaRuleKernelTests.values(seed: 5, count: rows).map { 0.5 + 0.5 * $0 }
            state = DeltaRuleKernelTests.values(seed: 6, count: size * size, scale: 0.5)
        }

        func run(_ kernel: (UnsafeMutablePointer<Float>, Int64, Int64, UnsafePointer<Float>, UnsafePointer<Float>,
                            UnsafePointer<Float>, Int64, UnsafePointer<Float>, UnsafePointer<Float>, Int64, Float,
                            UnsafeMutablePointer<Float>, Int64) -> Void) -> (state: [Float], out: [Float]) {
            var state = self.state
            var out = [Float](repeating: .nan, count: rows * size)
            kernel(&state, Int64(size), Int64(rows), query, key, value, Int64(stride), decay, beta, 1, 0.25, &out,
                   Int64(size))
            return (state, out)
        }
    }

    @Test("every path and the active one equal the portable one", arguments: [(128, 5), (16, 3), (64, 1), (24, 2)])
    func matchesPortable(size: Int, rows: Int) {
        let run = Run(size: size, rows: rows)
        let portable = run.run { slm_delta_rule_portable($0, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) }
        let active = run.run { slm_delta_rule($0, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) }
        #expect(active.state == portable.state && active.out == portable.out, "active, \(size) × \(rows)")
        for path in KernelPath.available {
            let found = run.run { slm_delta_rule_on_path(path.rawValue, $0, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) }
            #expect(found.state == portable.state, "path \(path), \(size) × \(rows)")
            #expect(found.out == portable.out, "path \(path), \(size) × \(rows)")
        }
    }

    @Test("it decays the state, writes beta times the value's error along the key, and reads along the query")
    func definition() {
        let run = Run(size: 16, rows: 4)
        let found = run.run { slm_delta_rule_portable($0, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) }
        let n = run.size
        // s[i][j] (row j of the stored state holds column j)
        var s = (0..<n).map { i in (0..<n).map { j in Double(run.state[j * n + i]) } }
        var worst = 0.0
        for t in 0..<run.rows {
            let q = (0..<n).map { Double(run.query[t * run.stride + $0]) }
            let k = (0..<n).map { Double(run.key[t * run.stride + $0]) }
            let v = (0..<n).map { Double(run.value[t * run.stride + $0]) }
            for i in 0..<n { for j in 0..<n { s[i][j] *= Double(run.decay[t]) } }
            for j in 0..<n {
                let read = (0..<n).reduce(0.0) { $0 + s[$1][j] * k[$1] }
                let delta = (v[j] - read) * Double(run.beta[t])
                for i in 0..<n { s[i][j] += k[i] * delta }
            }
            for j in 0..<n {
                let out = (0..<n).reduce(0.0) { $0 + s[$1][j] * q[$1] } * 0.25
                worst = max(worst, abs(out - Double(found.out[t * n + j])))
            }
        }
        for i in 0..<n { for j in 0..<n { worst = max(worst, abs(s[i][j] - Double(found.state[j * n + i]))) } }
        #expect(worst < 1e-5, "max difference \(worst)")
    }
}
