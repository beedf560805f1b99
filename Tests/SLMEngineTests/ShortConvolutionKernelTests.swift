import SLMEngine
import SLMKernels
import SLMTestSupport
import Testing

/// LFM2's gated short convolution: the SIMD version equals the portable one bit for bit,
/// and the portable one is the plain sum it says it is.
@Suite("Short convolution kernel")
struct ShortConvolutionKernelTests {
    static func values(seed: UInt64, count: Int) -> [Float] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in Float(generator.nextUnit() * 4 - 2) }
    }

    @Test("the active path equals the portable one", arguments: [(64, 3), (2048, 3), (19, 4), (8, 2), (40, 17)])
    func matchesPortable(width: Int, taps: Int) {
        let window = Self.values(seed: 1, count: taps * width)
        let filter = Self.values(seed: 2, count: width * taps)
        let gates = Self.values(seed: 3, count: width)
        var active = [Float](repeating: .nan, count: width), portable = active
        slm_short_convolution(window, Int64(width), filter, Int64(taps), gates, &active)
        slm_short_convolution_portable(window, Int64(width), filter, Int64(taps), gates, &portable)
        #expect(active == portable, "\(width) channels, \(taps) taps")
    }

    @Test("each channel is its gate times its taps over its inputs, the oldest first")
    func definition() {
        let width = 3, taps = 2
        // rows: the older inputs, then the newer; 1·(1·0.5 + 10·2), 2·(2·-1 + 20·1), -1·(3·4 + 30·0.25)
        let window: [Float] = [1, 2, 3, 10, 20, 30]
        let filter: [Float] = [0.5, 2, -1, 1, 4, 0.25]
        let gates: [Float] = [1, 2, -1]
        var out = [Float](repeating: .nan, count: width)
        slm_short_convolution(window, Int64(width), filter, Int64(taps), gates, &out)
        let expected: [Float] = [20.5, 36, -19.5]
        #expect(out == expected)
    }
}
