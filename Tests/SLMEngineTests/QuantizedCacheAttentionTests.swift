import Foundation
import SLMEngine
import SLMKernels
import Testing

/// Attention over a Q8_0 key/value cache (`--cache-type q8_0`): on every path it follows
/// its definition step for step (Q8_0 query, that path's Q8_0 dot, values dequantized and
/// added with a fused multiply-add), and it stays close to float attention.
@Suite("Q8_0 cache attention")
struct QuantizedCacheAttentionTests {
    static let headDim = 128, positions = 50, heads = 2
    static let blockBytes = 34
    static var rowBytes: Int { heads * headDim / 32 * blockBytes }

    struct Inputs {
        let query: [Float]
        let keys: [UInt8]    // positions rows of `heads` Q8_0 heads
        let values: [UInt8]
        let keyFloats: [Float]  // the same rows as floats, before quantization
        let valueFloats: [Float]
    }

    static func inputs(seed: UInt64) -> Inputs {
        var generator = SplitMix64(seed: seed)
        let query = (0..<headDim).map { _ in Float(generator.nextUnit() * 2 - 1) }
        let width = heads * headDim
        let keyFloats = (0..<positions * width).map { _ in Float(generator.nextUnit() * 6 - 3) }
        let valueFloats = (0..<positions * width).map { _ in Float(generator.nextUnit() * 4 - 2) }
        func quantized(_ floats: [Float]) -> [UInt8] {
            var bytes = [UInt8](repeating: 0, count: positions * rowBytes)
            for position in 0..<positions {
                floats.withUnsafeBufferPointer { source in
                    bytes.withUnsafeMutableBytes { target in
                        _ = slm_quantize_row_portable(Int32(QuantType.q8_0.rawValue), source.baseAddress! + position * width,
                                                      target.baseAddress! + position * rowBytes, Int64(width))
                    }
                }
            }
            return bytes
        }
        return Inputs(query: query, keys: quantized(keyFloats), values: quantized(valueFloats), keyFloats: keyFloats,
                      valueFloats: valueFloats)
    }

    /// The kernel on `path` for head `head` over positions first..<last.
    static func attend(_ path: KernelPath, _ inputs: Inputs, head: Int, first: Int, last: Int, softcap: Float)
        -> [Float]
    {
        var out = [Float](repeating: .nan, count: headDim)
        let headBytes = headDim / 32 * blockBytes
        inputs.keys.withUnsafeBytes { keys in
            inputs.values.withUnsafeBytes { values in
                slm_attend_q8_0_on_path(path.rawValue, inputs.query, Int64(headDim), 1, keys.baseAddress! + head * headBytes,
                                        values.baseAddress! + head * headBytes, rowBytes, Int64(headDim), Int64(first),
                                        Int64(last), 0.125, softcap, &out, Int64(headDim))
            }
        }
        return out
    }

    /// The definition, written out here with the same path's Q8_0 dot product.
    static func definition(_ path: KernelPath, _ inputs: Inputs, head: Int, first: Int, last: Int, softcap: Float)
        -> [Float]
    {
        let headBytes = headDim / 32 * blockBytes
        var query = [UInt8](repeating: 0, count: headBytes)
        _ = slm_quantize_row_portable(Int32(QuantType.q8_0.rawValue), inputs.query, &query, Int64(headDim))
        var accumulator = [Float](repeating: 0, count: headDim)
        var runningMax = -Float.infinity, runningSum: Float = 0
        let scale: Float = softcap > 0 ? 0.125 / softcap : 0.125
        for position in first..<last {
            let offset = position * rowBytes + head * headBytes
            var score = inputs.keys.withUnsafeBytes { keys in
                slm_vec_dot_on_path(path.rawValue, Int32(QuantType.q8_0.rawValue), Int64(headDim), keys.baseAddress! + offset,
                                    query)
            } * scale
            if softcap > 0 { score = softcap * tanhf(score) }
            var oldScale: Float = 1, weight: Float = 1
            if score > runningMax {
                oldScale = expf(runningMax - score)
                runningMax = score
                for i in 0..<headDim { accumulator[i] *= oldScale }
            } else {
                weight = expf(score - runningMax)
            }
            for i in 0..<headDim {
                let block = offset + i / 32 * blockBytes
                let d = slm_fp16_to_fp32(UInt16(inputs.values[block]) | UInt16(inputs.values[block + 1]) << 8)
                let value = Float(Int8(bitPattern: inputs.values[block + 2 + i % 32])) * d
                accumulator[i] = fmaf(value, weight, accumulator[i])
            }
            runningSum = fmaf(runningSum, oldScale, weight)
        }
        let inverse: Float = runningSum > 0 ? 1 / runningSum : 0
        return accumulator.map { $0 * inverse }
    }

    @Test("every path follows the definition bit for bit",
          arguments: [(0, 50, Float(0)), (11, 30, 0), (0, 1, 0), (4, 50, 20)])
    func followsDefinition(first: Int, last: Int, softcap: Float) {
        for seed in UInt64(1)...3 {
            let inputs = Self.inputs(seed: seed)
            for path in KernelPath.available {
                for head in 0..<Self.heads {
                    #expect(Self.attend(path, inputs, head: head, first: first, last: last, softcap: softcap)
                            == Self.definition(path, inputs, head: head, first: first, last: last, softcap: softcap),
                            "\(path) head \(head)")
                }
            }
        }
    }

    @Test("query heads sharing a cached head: each output equals the one-head call's", arguments: [3, 8, 11])
    func groupedHeads(heads: Int) {
        let inputs = Self.inputs(seed: 11)
        var generator = SplitMix64(seed: UInt64(heads))
        let stride = Self.headDim + 4
        let queries = (0..<heads * stride).map { _ in Float(generator.nextUnit() * 2 - 1) }
        var grouped = [Float](repeating: .nan, count: heads * Self.headDim)
        inputs.keys.withUnsafeBytes { keys in
            inputs.values.withUnsafeBytes { values in
                slm_attend_q8_0(queries, Int64(stride), Int64(heads), keys.baseAddress!, values.baseAddress!, Self.rowBytes,
                                Int64(Self.headDim), 3, 47, 0.125, 0, &grouped, Int64(Self.headDim))
                for head in 0..<heads {
                    var single = [Float](repeating: .nan, count: Self.headDim)
                    queries.withUnsafeBufferPointer { q in
                        slm_attend_q8_0(q.baseAddress! + head * stride, Int64(stride), 1, keys.baseAddress!,
                                        values.baseAddress!, Self.rowBytes, Int64(Self.headDim), 3, 47, 0.125, 0, &single,
                                        Int64(Self.headDim))
                    }
                    #expect(Array(grouped[head * Self.headDim..<(head + 1) * Self.headDim]) == single, "head \(head)")
                }
            }
        }
    }

    @Test("close to single-precision softmax attention over the unquantized rows")
    func closeToFloatAttention() {
        let inputs = Self.inputs(seed: 7)
        let width = Self.heads * Self.headDim
        for head in 0..<Self.heads {
            let scores = (0..<Self.positions).map { position in
                (0..<Self.headDim).reduce(Float(0)) {
                    $0 + inputs.query[$1] * inputs.keyFloats[position * width + head * Self.headDim + $1]
                } * 0.125
            }
            let top = scores.max()!
            let weights = scores.map { expf($0 - top) }
            let total = weights.reduce(0, +)
            let expected = (0..<Self.headDim).map { i in
                (0..<Self.positions).reduce(Float(0)) {
                    $0 + weights[$1] * inputs.valueFloats[$1 * width + head * Self.headDim + i]
                } / total
            }
            let found = Self.attend(KernelPath.active, inputs, head: head, first: 0, last: Self.positions, softcap: 0)
            let worst = zip(found, expected).map { abs($0 - $1) }.max()!
            #expect(worst < 0.05, "head \(head): \(worst)")
        }
    }

    @Test("one visible position gives its dequantized value row")
    func singlePosition() {
        let inputs = Self.inputs(seed: 3)
        var expected = [Float](repeating: 0, count: Self.headDim)
        let offset = 9 * Self.rowBytes + Self.headDim / 32 * Self.blockBytes
        inputs.values.withUnsafeBytes { values in
            _ = slm_dequantize_row(Int32(QuantType.q8_0.rawValue), values.baseAddress! + offset, &expected,
                                   Int64(Self.headDim))
        }
        #expect(Self.attend(KernelPath.active, inputs, head: 1, first: 9, last: 10, softcap: 0) == expected)
    }
}
