import SLMEngine
import SLMKernels
import SLMTestSupport
import Testing

/// Converting activation rows to Q8_0, Q8_K and F16, and the GELU and SiLU gates: the active (SIMD)
/// versions must give exactly what the portable definitions give, awkward cases included.
@Suite("Activation conversions")
struct ActivationConversionTests {
    /// 1024 values: random ones, an all-zero block, a block whose largest magnitudes tie
    /// with opposite signs (the first one sets the sign of the scale), and halves that
    /// sit exactly between two steps.
    static func values(seed: UInt64) -> [Float] {
        var generator = SplitMix64(seed: seed)
        var values = (0..<1024).map { _ in Float(generator.nextUnit() * 8 - 4) }
        for i in 256..<288 { values[i] = 0 }
        values[300] = -5
        values[310] = 5
        for i in 512..<544 { values[i] = Float(i - 528) + 0.5 }
        values[600] = 1e-30
        values[601] = 3e-6  // a half-precision subnormal
        values[602] = 70000  // beyond half precision
        values[603] = 11  // beyond the GELU table's range
        values[604] = -10
        values[605] = 0.00006103515625  // the smallest normal half
        return values
    }

    @Test("SIMD conversion equals the portable one byte for byte", arguments: [QuantType.q8_0, .q8K, .f16])
    func matchesPortable(type: QuantType) throws {
        let byteCount = type.byteCount(elements: 1024)!
        for seed in UInt64(1)...4 {
            let values = Self.values(seed: seed)
            var active = [UInt8](repeating: 0xAA, count: byteCount)
            var portable = [UInt8](repeating: 0x55, count: byteCount)
            #expect(slm_quantize_row(Int32(type.rawValue), values, &active, 1024) == 0)
            #expect(slm_quantize_row_portable(Int32(type.rawValue), values, &portable, 1024) == 0)
            #expect(active == portable, "\(type.name), seed \(seed)")
        }
    }

    /// 1 = GELU, 0 = SiLU.
    @Test("every path's gate (GELU, SiLU) equals the portable one bit for bit", arguments: [Int32(1), 0])
    func gate(activation: Int32) {
        for seed in UInt64(1)...3 {
            var gate = Self.values(seed: seed).map { $0 * 3 }
            // SiLU's exponential past its edges: e^x overflows beyond 88.7 and is 0 or
            // 2^-149 below -103
            gate[700...705] = [-89, 89, 104, -104, -103.5, 200]
            let up = Self.values(seed: seed + 10)
            var portable = gate
            slm_gated_activation_portable(&portable, up, Int64(gate.count - 3), activation)
            for path in KernelPath.available {
                var active = gate
                // a tail that is not a multiple of 8 or 16
                slm_gated_activation_on_path(path.rawValue, &active, up, Int64(gate.count - 3), activation)
                #expect(active.map(\.bitPattern) == portable.map(\.bitPattern), "\(path) seed \(seed)")
            }
        }
    }
}
