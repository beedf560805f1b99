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

    @Test("one visible position returns its value row")
    func singlePosition() {
        let (_, _, values) = Self.inputs(seed: 9)
        let out = Self.attend(false, seed: 9, first: 5, last: 6, softcap: 0)
        let expected = (0..<Self.headDim).map { slm_fp16_to_fp32(values[5 * Self.rowStride + $0]) }
        #expect(out == expected)
    }
}
