import Foundation
import SLMEngine
import SLMKernels
import Testing

/// The single-precision attention of generated tokens over long contexts
/// (`slm_attend_long`): every path computes the portable definition's numbers, and those
/// are softmax attention to float rounding — closer to it than the half-precision kernel.
@Suite("Long-context attention kernel")
struct LongAttentionKernelTests {
    /// `heads` query heads sharing one cached head of `headDim` values, in rows of 512
    /// (other heads' values between them). `rising` makes later positions score higher,
    /// so the running maximum grows from tile to tile.
    struct Inputs {
        static let rowStride = 512
        let heads: Int, headDim: Int, positions: Int
        let queries: [Float], keys: [UInt16], values: [UInt16]
        var queryStride: Int { headDim + 8 }

        init(heads: Int, headDim: Int, positions: Int, rising: Bool = false, seed: UInt64) {
            self.heads = heads
            self.headDim = headDim
            self.positions = positions
            var generator = SplitMix64(seed: seed)
            let stride = headDim + 8
            queries = (0..<heads * stride).map { _ in Float(generator.nextUnit() * 2 - 1) * 0.3 }
            keys = (0..<positions * Self.rowStride).map { index in
                let trend = rising && index % Self.rowStride < headDim ? Double(index / Self.rowStride) * 0.004 : 0
                return slm_fp32_to_fp16(Float(generator.nextUnit() * 6 - 3 + trend))
            }
            values = (0..<positions * Self.rowStride).map { _ in slm_fp32_to_fp16(Float(generator.nextUnit() * 4 - 2)) }
        }

        /// Each head's output, from `path` (nil: the portable definition).
        func attend(_ path: KernelPath?, first: Int, last: Int, softcap: Float = 0) -> [[Float]] {
            var out = [Float](repeating: .nan, count: heads * headDim)
            if let path {
                slm_attend_long_on_path(path.rawValue, queries, Int64(queryStride), Int64(heads), keys, values,
                                        Int64(Self.rowStride), Int64(headDim), Int64(first), Int64(last), 0.125, softcap,
                                        &out, Int64(headDim))
            } else {
                slm_attend_long_portable(queries, Int64(queryStride), Int64(heads), keys, values, Int64(Self.rowStride),
                                         Int64(headDim), Int64(first), Int64(last), 0.125, softcap, &out, Int64(headDim))
            }
            return (0..<heads).map { Array(out[$0 * headDim..<($0 + 1) * headDim]) }
        }

        /// Softmax attention of head `head` in double precision over the stored halves.
        func exact(head: Int, first: Int, last: Int) -> [Double] {
            let query = queries[(head * queryStride)...].prefix(headDim).map(Double.init)
            func row(_ cache: [UInt16], _ t: Int) -> [Double] {
                (0..<headDim).map { Double(slm_fp16_to_fp32(cache[t * Self.rowStride + $0])) }
            }
            let scores = (first..<last).map { t in zip(row(keys, t), query).map(*).reduce(0, +) * 0.125 }
            let top = scores.max() ?? 0
            let weights = scores.map { Foundation.exp($0 - top) }
            let total = weights.reduce(0, +)
            var out = [Double](repeating: 0, count: headDim)
            for (t, weight) in zip(first..<last, weights) {
                for (d, value) in row(values, t).enumerated() { out[d] += weight * value / total }
            }
            return out
        }
    }

    @Test("every path equals the portable definition bit for bit",
          arguments: [(7, 64, 0, 1000, false, Float(0)), (4, 256, 100, 612, false, 0), (3, 128, 5, 37, true, 30),
                      (2, 96, 0, 9, false, 0), (1, 8, 3, 4, false, 0), (16, 64, 0, 70, true, 0), (5, 72, 11, 300, true, 0)])
    func pathsMatchPortable(heads: Int, headDim: Int, first: Int, last: Int, rising: Bool, softcap: Float) {
        let inputs = Inputs(heads: heads, headDim: headDim, positions: last, rising: rising,
                            seed: UInt64(heads * 1000 + headDim))
        let portable = inputs.attend(nil, first: first, last: last, softcap: softcap)
        #expect(!portable.joined().contains { $0.isNaN })
        for path in KernelPath.available {
            #expect(inputs.attend(path, first: first, last: last, softcap: softcap) == portable, "\(path)")
        }
    }

    @Test("each head's output is the same whatever heads share the call")
    func headsIndependent() {
        let inputs = Inputs(heads: 6, headDim: 64, positions: 200, seed: 3)
        let together = inputs.attend(.scalar, first: 0, last: 200)
        for path in KernelPath.available {
            for head in 0..<inputs.heads {
                var single = [Float](repeating: .nan, count: inputs.headDim)
                inputs.queries.withUnsafeBufferPointer { q in
                    slm_attend_long_on_path(path.rawValue, q.baseAddress! + head * inputs.queryStride, 0, 1, inputs.keys,
                                            inputs.values, Int64(Inputs.rowStride), 64, 0, 200, 0.125, 0, &single, 64)
                }
                #expect(single == together[head], "\(path) head \(head)")
            }
        }
    }

    @Test("a head whose scores are all NaN sees nothing (zeros) and leaves the heads beside it as they are")
    func headThatSeesNothing() {
        let clean = Inputs(heads: 3, headDim: 64, positions: 100, seed: 8)
        var queries = clean.queries
        for d in 0..<64 { queries[clean.queryStride + d] = .nan }
        for path in KernelPath.available {
            var out = [Float](repeating: .nan, count: 3 * 64)
            slm_attend_long_on_path(path.rawValue, queries, Int64(clean.queryStride), 3, clean.keys, clean.values,
                                    Int64(Inputs.rowStride), 64, 0, 100, 0.125, 0, &out, 64)
            let expected = clean.attend(.scalar, first: 0, last: 100)
            #expect(Array(out[0..<64]) == expected[0], "\(path)")
            #expect(Array(out[64..<128]) == [Float](repeating: 0, count: 64), "\(path)")
            #expect(Array(out[128..<192]) == expected[2], "\(path)")
        }
    }

    /// The measured worst error against double precision (values of magnitude up to 2) is
    /// below 1e-6 for this kernel and above 1e-4 for the half-precision one.
    @Test("agrees with double-precision softmax attention to float rounding, closer than the half-precision kernel",
          arguments: [(false, 1000), (true, 2000)])
    func closeToExact(rising: Bool, positions: Int) {
        let inputs = Inputs(heads: 4, headDim: 64, positions: positions, rising: rising, seed: 11)
        let long = inputs.attend(nil, first: 0, last: positions)
        var half = [Float](repeating: .nan, count: inputs.heads * inputs.headDim)
        var scratch = [Float](repeating: 0, count: inputs.headDim)
        slm_attend_f16_heads(inputs.queries, Int64(inputs.queryStride), Int64(inputs.heads), inputs.keys, inputs.values,
                             Int64(Inputs.rowStride), Int64(inputs.headDim), 0, Int64(positions), 0.125, 0, &scratch,
                             &half, Int64(inputs.headDim))
        var longError = 0.0, halfError = 0.0
        for head in 0..<inputs.heads {
            let exact = inputs.exact(head: head, first: 0, last: positions)
            for d in 0..<inputs.headDim {
                longError = max(longError, abs(Double(long[head][d]) - exact[d]))
                halfError = max(halfError, abs(Double(half[head * inputs.headDim + d]) - exact[d]))
            }
        }
        #expect(longError < 2e-6)
        #expect(longError * 20 < halfError)
    }

    @Test("one visible position returns its value row; an empty range gives zeros")
    func edges() {
        let inputs = Inputs(heads: 2, headDim: 64, positions: 40, seed: 5)
        for path in KernelPath.available {
            let one = inputs.attend(path, first: 17, last: 18)
            let row = (0..<64).map { slm_fp16_to_fp32(inputs.values[17 * Inputs.rowStride + $0]) }
            #expect(one == [row, row], "\(path)")
            #expect(inputs.attend(path, first: 9, last: 9) == [[Float](repeating: 0, count: 64),
                                                                [Float](repeating: 0, count: 64)], "\(path)")
        }
    }

    /// The same inputs as a Q8_0 cache (each 512-value row quantized whole, so a head's
    /// values are the row's first blocks): attention on `path` (nil: portable), and the
    /// exact attention over the dequantized values.
    struct QuantizedInputs {
        static let rowBytes = Inputs.rowStride / 32 * 34
        let inputs: Inputs
        let keys: [UInt8], values: [UInt8]

        init(_ inputs: Inputs) {
            self.inputs = inputs
            func quantized(_ halves: [UInt16]) -> [UInt8] {
                var bytes = [UInt8](repeating: 0, count: inputs.positions * Self.rowBytes)
                for t in 0..<inputs.positions {
                    let row = (0..<Inputs.rowStride).map { slm_fp16_to_fp32(halves[t * Inputs.rowStride + $0]) }
                    bytes.withUnsafeMutableBytes { out in
                        _ = slm_quantize_row(Int32(QuantType.q8_0.rawValue), row, out.baseAddress! + t * Self.rowBytes,
                                             Int64(Inputs.rowStride))
                    }
                }
                return bytes
            }
            keys = quantized(inputs.keys)
            values = quantized(inputs.values)
        }

        func attend(_ path: KernelPath?, first: Int, last: Int, softcap: Float = 0) -> [[Float]] {
            let (heads, headDim) = (inputs.heads, inputs.headDim)
            var out = [Float](repeating: .nan, count: heads * headDim)
            if let path {
                slm_attend_long_q8_0_on_path(path.rawValue, inputs.queries, Int64(inputs.queryStride), Int64(heads), keys,
                                             values, Self.rowBytes, Int64(headDim), Int64(first), Int64(last), 0.125,
                                             softcap, &out, Int64(headDim))
            } else {
                slm_attend_long_q8_0_portable(inputs.queries, Int64(inputs.queryStride), Int64(heads), keys, values,
                                              Self.rowBytes, Int64(headDim), Int64(first), Int64(last), 0.125, softcap,
                                              &out, Int64(headDim))
            }
            return (0..<heads).map { Array(out[$0 * headDim..<($0 + 1) * headDim]) }
        }

        /// Row t's first headDim values, dequantized.
        func row(_ cache: [UInt8], _ t: Int) -> [Double] {
            var floats = [Float](repeating: 0, count: inputs.headDim)
            cache.withUnsafeBytes { bytes in
                _ = slm_dequantize_row(Int32(QuantType.q8_0.rawValue), bytes.baseAddress! + t * Self.rowBytes, &floats,
                                       Int64(inputs.headDim))
            }
            return floats.map(Double.init)
        }
    }

    @Test("over a Q8_0 cache: every path equals the portable definition bit for bit",
          arguments: [(7, 64, 0, 1000, false, Float(0)), (3, 128, 5, 37, true, 30), (2, 256, 100, 400, true, 0),
                      (4, 96, 0, 70, false, 0), (9, 64, 3, 300, true, 0), (1, 32, 0, 50, false, 0)])
    func quantizedPathsMatchPortable(heads: Int, headDim: Int, first: Int, last: Int, rising: Bool, softcap: Float) {
        let inputs = QuantizedInputs(Inputs(heads: heads, headDim: headDim, positions: last, rising: rising,
                                            seed: UInt64(heads * 77 + headDim)))
        let portable = inputs.attend(nil, first: first, last: last, softcap: softcap)
        #expect(!portable.joined().contains { $0.isNaN })
        for path in KernelPath.available {
            #expect(inputs.attend(path, first: first, last: last, softcap: softcap) == portable, "\(path)")
        }
    }

    /// The query as the kernel scores with it: converted to Q8_0 (the reference's arithmetic
    /// for a quantized cache), then exact.
    static func quantizedQuery(_ query: [Float]) -> [Double] {
        var blocks = [UInt8](repeating: 0, count: query.count / 32 * 34)
        var floats = [Float](repeating: 0, count: query.count)
        _ = slm_quantize_row(Int32(QuantType.q8_0.rawValue), query, &blocks, Int64(query.count))
        _ = slm_dequantize_row(Int32(QuantType.q8_0.rawValue), blocks, &floats, Int64(query.count))
        return floats.map(Double.init)
    }

    @Test("over a Q8_0 cache: softmax attention of the stored values with the Q8_0 query to float rounding")
    func quantizedCloseToExact() {
        let quantized = QuantizedInputs(Inputs(heads: 3, headDim: 64, positions: 900, rising: true, seed: 13))
        let inputs = quantized.inputs
        let long = quantized.attend(nil, first: 0, last: 900)
        var worst = 0.0
        for head in 0..<inputs.heads {
            let query = Self.quantizedQuery(Array(inputs.queries[(head * inputs.queryStride)...].prefix(inputs.headDim)))
            let scores = (0..<900).map { t in zip(quantized.row(quantized.keys, t), query).map(*).reduce(0, +) * 0.125 }
            let top = scores.max()!
            let weights = scores.map { Foundation.exp($0 - top) }
            let total = weights.reduce(0, +)
            var exact = [Double](repeating: 0, count: inputs.headDim)
            for t in 0..<900 {
                for (d, value) in quantized.row(quantized.values, t).enumerated() { exact[d] += weights[t] * value / total }
            }
            for d in 0..<inputs.headDim { worst = max(worst, abs(Double(long[head][d]) - exact[d])) }
        }
        #expect(worst < 2e-6, "worst \(worst)")
    }

    /// The one-position kernel for a Q8_0 cache (`slm_attend_q8_0`, the reference's
    /// arithmetic) takes the same Q8_0 query and integer key sums, so the two differ by the
    /// order of their float steps only (measured 1.3e-7); scoring with the query left in floats,
    /// as this kernel did before, was 3.7e-4 off.
    @Test("over a Q8_0 cache: the long kernel agrees with the one-position kernel to float rounding")
    func quantizedAgreesWithOnePositionKernel() {
        let quantized = QuantizedInputs(Inputs(heads: 4, headDim: 128, positions: 700, rising: true, seed: 29))
        let inputs = quantized.inputs
        let long = quantized.attend(nil, first: 3, last: 700)
        var short = [Float](repeating: .nan, count: inputs.heads * inputs.headDim)
        slm_attend_q8_0_on_path(KernelPath.scalar.rawValue, inputs.queries, Int64(inputs.queryStride),
                                Int64(inputs.heads), quantized.keys, quantized.values, QuantizedInputs.rowBytes,
                                Int64(inputs.headDim), 3, 700, 0.125, 0, &short, Int64(inputs.headDim))
        var worst: Float = 0
        for head in 0..<inputs.heads {
            for d in 0..<inputs.headDim {
                worst = max(worst, abs(long[head][d] - short[head * inputs.headDim + d]))
            }
        }
        #expect(worst < 2e-6, "worst \(worst)")
    }

    @Test("the softmax exponential is within 2 ulp of e^x on [-87, 0] and 0 below")
    func exponential() {
        // evenly over [-87, 0], and log-spaced down to 2^-30 where the reduction is near 0
        let samples = 200_000
        let even = (0...samples).map { -87 * Float($0) / Float(samples) }
        let small = (0...samples).map { -Float(Foundation.pow(2.0, -30 + 36.4 * Double($0) / Double(samples))) }
        var worst = 0.0
        for x in even + small where x >= -87 {
            let got = Double(slm_attend_long_exp(x)), want = Foundation.exp(Double(x))
            worst = max(worst, abs(got - want) / Double(Float(want).ulp))
        }
        #expect(worst <= 2, "worst \(worst) ulp")
        #expect(slm_attend_long_exp(0) == 1)
        #expect(slm_attend_long_exp(-87.5) == 0)
        #expect(slm_attend_long_exp(-.infinity) == 0)
        #expect(slm_attend_long_exp(.nan) == 0)
    }
}
