import SLMEngine
import SLMKernels
import Testing

/// The attention kernel over a half-precision cache: the active (SIMD) version must give
/// exactly what the portable definition gives, and behave like softmax attention.
@Suite("Attention kernel")
struct AttentionKernelTests {
    static let headDim = 256, positions = 40, rowStride = 512

    static func inputs(seed: UInt64) -> (query: [Float], keys: [UInt16], values: [UInt16]) {
        var generator = SplitMix64(seed: seed)
        let query = (0..<headDim).map { _ in Float(generator.nextUnit() * 2 - 1) * 0.2 }
        let keys = (0..<positions * rowStride).map { _ in slm_fp32_to_fp16(Float(generator.nextUnit() * 6 - 3)) }
        let values = (0..<positions * rowStride).map { _ in slm_fp32_to_fp16(Float(generator.nextUnit() * 4 - 2)) }
        return (query, keys, values)
    }

    static func attend(_ portable: Bool, seed: UInt64, first: Int, last: Int, softcap: Float) -> [Float] {
        let (query, keys, values) = inputs(seed: seed)
        var scratch = [Float](repeating: 0, count: headDim)
        var out = [Float](repeating: .nan, count: headDim)
        if portable {
            slm_attend_f16_portable(query, keys, values, Int64(rowStride), Int64(headDim), Int64(first), Int64(last),
                                    0.0625, softcap, &scratch, &out)
        } else {
            slm_attend_f16(query, keys, values, Int64(rowStride), Int64(headDim), Int64(first), Int64(last),
                           0.0625, softcap, &scratch, &out)
        }
        return out
    }

    @Test("the active version equals the portable definition bit for bit", arguments: [(0, 40, Float(0)), (7, 23, 0), (0, 1, 0), (3, 40, 30)])
    func matchesPortable(first: Int, last: Int, softcap: Float) {
        for seed in UInt64(1)...5 {
            #expect(Self.attend(false, seed: seed, first: first, last: last, softcap: softcap)
                    == Self.attend(true, seed: seed, first: first, last: last, softcap: softcap))
        }
    }

    @Test("grouped heads: on every path each output equals the portable one-head definition bit for bit",
          arguments: [(5, 128, 0, 40, Float(0)), (3, 64, 9, 31, 0), (2, 256, 0, 40, 30), (16, 64, 0, 1, 0),
                      (7, 32, 2, 40, 0), (4, 96, 0, 40, 0), (17, 64, 0, 20, 0)])
    func groupedHeads(heads: Int, headDim: Int, first: Int, last: Int, softcap: Float) {
        var generator = SplitMix64(seed: UInt64(heads * 1000 + headDim))
        let queryStride = headDim + 8
        let queries = (0..<heads * queryStride).map { _ in Float(generator.nextUnit() * 2 - 1) * 0.3 }
        let keys = (0..<Self.positions * Self.rowStride).map { _ in slm_fp32_to_fp16(Float(generator.nextUnit() * 6 - 3)) }
        let values = (0..<Self.positions * Self.rowStride).map { _ in slm_fp32_to_fp16(Float(generator.nextUnit() * 4 - 2)) }
        var scratch = [Float](repeating: 0, count: Self.headDim)
        var definition: [[Float]] = []
        for head in 0..<heads {
            var single = [Float](repeating: .nan, count: headDim)
            queries.withUnsafeBufferPointer { q in
                slm_attend_f16_portable(q.baseAddress! + head * queryStride, keys, values, Int64(Self.rowStride),
                                        Int64(headDim), Int64(first), Int64(last), 0.125, softcap, &scratch, &single)
            }
            definition.append(single)
        }
        for path in KernelPath.available {
            var grouped = [Float](repeating: .nan, count: heads * headDim)
            slm_attend_f16_heads_on_path(path.rawValue, queries, Int64(queryStride), Int64(heads), keys, values,
                                         Int64(Self.rowStride), Int64(headDim), Int64(first), Int64(last), 0.125, softcap,
                                         &scratch, &grouped, Int64(headDim))
            for head in 0..<heads {
                #expect(Array(grouped[head * headDim..<(head + 1) * headDim]) == definition[head], "\(path) head \(head)")
            }
        }
    }

    @Test("one visible position returns its value row")
    func singlePosition() {
        let (_, _, values) = Self.inputs(seed: 9)
        let out = Self.attend(false, seed: 9, first: 5, last: 6, softcap: 0)
        let expected = (0..<Self.headDim).map { slm_fp16_to_fp32(values[5 * Self.rowStride + $0]) }
        #expect(out == expected)
    }

    /// Tiled attention (batches of 64+ positions): `rows` query rows of `group` heads at
    /// positions start..<start+rows over a cache of 140 positions.
    /// `path` nil runs the portable definition.
    static func attendTiled(_ path: KernelPath?, seed: UInt64, rows: Int, group: Int, start: Int, window: Int,
                            softcap: Float) -> [Float] {
        var generator = SplitMix64(seed: seed)
        let cached = 140, queryStride = group * headDim + 16
        let queries = (0..<rows * queryStride).map { _ in Float(generator.nextUnit() * 2 - 1) * 0.2 }
        let keys = (0..<cached * rowStride).map { _ in slm_fp32_to_fp16(Float(generator.nextUnit() * 6 - 3)) }
        let values = (0..<cached * rowStride).map { _ in slm_fp32_to_fp16(Float(generator.nextUnit() * 4 - 2)) }
        let positions = (0..<rows).map { Int64(start + $0) }
        var workspace = [Float](repeating: .nan, count: slm_attend_tiled_workspace(Int64(headDim), Int64(rows), Int64(group)))
        var out = [Float](repeating: .nan, count: rows * queryStride)
        if let path {
            slm_attend_tiled_on_path(path.rawValue, queries, Int64(queryStride), positions, Int64(rows), Int64(group), keys,
                                     values, Int64(rowStride), Int64(headDim), Int64(window), 0.0625, softcap, &workspace,
                                     &out, Int64(queryStride))
        } else {
            slm_attend_tiled_portable(queries, Int64(queryStride), positions, Int64(rows), Int64(group), keys, values,
                                      Int64(rowStride), Int64(headDim), Int64(window), 0.0625, softcap, &workspace, &out,
                                      Int64(queryStride))
        }
        // only the outputs, not the padding between rows
        return (0..<rows).flatMap { out[($0 * queryStride)..<($0 * queryStride + group * headDim)] }
    }

    @Test("tiled: every path equals the portable definition bit for bit",
          arguments: [(8, 4, 60, 0, Float(0)), (5, 1, 100, 30, 30), (8, 2, 0, 0, 0), (3, 3, 130, 70, 0)])
    func tiledMatchesPortable(rows: Int, group: Int, start: Int, window: Int, softcap: Float) {
        for seed in UInt64(1)...3 {
            let portable = Self.attendTiled(nil, seed: seed, rows: rows, group: group, start: start, window: window,
                                            softcap: softcap)
            #expect(!portable.contains { $0.isNaN })
            for path in KernelPath.available {
                #expect(Self.attendTiled(path, seed: seed, rows: rows, group: group, start: start, window: window,
                                         softcap: softcap) == portable, "\(path)")
            }
        }
    }

    @Test("tiled: a window of one position returns that position's value row")
    func tiledSinglePosition() {
        var generator = SplitMix64(seed: 4)
        let queries = (0..<Self.headDim).map { _ in Float(generator.nextUnit()) }
        let keys = (0..<80 * Self.rowStride).map { _ in slm_fp32_to_fp16(Float(generator.nextUnit() * 6 - 3)) }
        let values = (0..<80 * Self.rowStride).map { _ in slm_fp32_to_fp16(Float(generator.nextUnit() * 4 - 2)) }
        var workspace = [Float](repeating: 0, count: slm_attend_tiled_workspace(Int64(Self.headDim), 1, 1))
        var out = [Float](repeating: .nan, count: Self.headDim)
        slm_attend_tiled(queries, Int64(Self.headDim), [70], 1, 1, keys, values, Int64(Self.rowStride), Int64(Self.headDim),
                         1, 0.0625, 0, &workspace, &out, Int64(Self.headDim))
        #expect(out == (0..<Self.headDim).map { slm_fp16_to_fp32(values[70 * Self.rowStride + $0]) })
    }

    @Test("tiled attention agrees with plain softmax attention to float rounding")
    func tiledCloseToPlain() {
        let rows = 6, start = 90
        let tiled = Self.attendTiled(nil, seed: 8, rows: rows, group: 1, start: start, window: 0, softcap: 0)
        var generator = SplitMix64(seed: 8)
        let queryStride = Self.headDim + 16
        let queries = (0..<rows * queryStride).map { _ in Float(generator.nextUnit() * 2 - 1) * 0.2 }
        let keys = (0..<140 * Self.rowStride).map { _ in slm_fp16_to_fp32(slm_fp32_to_fp16(Float(generator.nextUnit() * 6 - 3))) }
        let values = (0..<140 * Self.rowStride).map { _ in slm_fp16_to_fp32(slm_fp32_to_fp16(Float(generator.nextUnit() * 4 - 2))) }
        for row in 0..<rows {
            var scratch = [Float](repeating: 0, count: 140)
            var plain = [Float](repeating: 0, count: Self.headDim)
            Array(queries[(row * queryStride)...]).withUnsafeBufferPointer { query in
                slm_attend_f32(query.baseAddress, keys, values, Int64(Self.rowStride), Int64(Self.headDim), 0,
                               Int64(start + row + 1), 0.0625, 0, &scratch, &plain)
            }
            for d in 0..<Self.headDim {
                #expect(abs(tiled[row * Self.headDim + d] - plain[d]) <= 1e-4 * max(1, abs(plain[d])))
            }
        }
    }
}
