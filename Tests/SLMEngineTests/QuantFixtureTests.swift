import Foundation
import SLMEngine
import SLMKernels
import SLMTestSupport
import Testing

/// The kernels against gguf-py's numpy dequantization (Tests/Fixtures/quant, made by
/// make_quant_fixtures.py), and every SIMD path against the scalar one.
@Suite("Quant formats")
struct QuantFixtureTests {
    static let weightTypes: [QuantType] = [
        .f32, .f16, .bf16, .q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .iq4NL, .q2K, .q3K, .q4K, .q5K, .q6K, .iq4XS,
    ]
    static let elements = 2048
    static let rows = 2

    @Test("block sizes agree between Swift, C and the GGUF spec")
    func blockSizes() {
        for type in QuantType.allCases {
            let bytes = slm_block_bytes(Int32(type.rawValue))
            if bytes != 0 {
                #expect(Int(bytes) == type.bytesPerBlock, "\(type.name)")
                #expect(Int(slm_block_size(Int32(type.rawValue))) == type.blockSize, "\(type.name)")
            }
        }
        #expect(Self.weightTypes.allSatisfy { $0.hasKernels })
        #expect(QuantType.q4_1.activationType == .q8_1)
        #expect(QuantType.q4K.activationType == .q8K)
        #expect(QuantType.iq4NL.activationType == .q8_0)
        #expect(QuantType.iq2XXS.hasKernels == false)
    }

    @Test("dequantization matches gguf-py within 1e-6 relative", arguments: weightTypes)
    func dequantize(type: QuantType) throws {
        let raw = try Fixtures.bytes("quant/\(type.name).bin")
        let expected = try Fixtures.floats("quant/\(type.name).f32")
        let values = try raw.withUnsafeBytes { try QuantKernels.dequantize(type, $0, count: Self.elements) }
        #expect(values.count == expected.count)
        var mismatches = 0
        for (value, oracle) in zip(values, expected) where !(abs(value - oracle) <= 1e-6 * abs(oracle)) {
            mismatches += 1
        }
        #expect(mismatches == 0, "\(mismatches) of \(values.count) values differ")
    }

    @Test("dot products on every path match the float dot product of the dequantized rows",
          arguments: weightTypes)
    func dotProducts(type: QuantType) throws {
        let raw = try Fixtures.bytes("quant/\(type.name).bin")
        let rowBytes = raw.count / Self.rows
        let columns = Self.elements / Self.rows
        let activationType = try #require(type.activationType)
        #expect(KernelPath.available.contains(.scalar))
        #expect(KernelPath.available.count >= 2, "no SIMD path on this machine")
        for row in 0..<Self.rows {
            let weights = Array(raw[row * rowBytes..<(row + 1) * rowBytes])
            let dequantized = try weights.withUnsafeBytes { try QuantKernels.dequantize(type, $0, count: columns) }
            var generator = SplitMix64(seed: UInt64(row) + 11)
            let input = (0..<columns).map { _ in Float(generator.nextUnit() * 4 - 2) }
            let activations = try QuantKernels.quantize(input, to: activationType)
            let activationValues = try activations.withUnsafeBytes {
                try QuantKernels.dequantize(activationType, $0, count: columns)
            }
            var reference = 0.0, scale = 0.0
            for (w, a) in zip(dequantized, activationValues) {
                reference += Double(w) * Double(a)
                scale += abs(Double(w) * Double(a))
            }
            let scalar = dot(type, columns, weights, activations, on: .scalar)
            #expect(abs(Double(scalar) - reference) <= 1e-4 * scale, "\(type.name) scalar")
            for path in KernelPath.available where path != .scalar {
                let simd = dot(type, columns, weights, activations, on: path)
                #expect(abs(Double(simd) - reference) <= 1e-4 * scale, "\(type.name) \(path) vs float")
                #expect(abs(Double(simd - scalar)) <= 1e-5 * scale, "\(type.name) \(path) vs scalar")
            }
        }
    }

    @Test("activation quantization matches gguf-py byte for byte", arguments: [QuantType.q8_0, .f16, .bf16])
    func activationQuantization(type: QuantType) throws {
        let input = try Fixtures.floats("quant/act_\(type.name).f32")
        let expected = try Fixtures.bytes("quant/act_\(type.name).bin")
        #expect(try QuantKernels.quantize(input, to: type) == expected)
    }

    @Test("Q8_K keeps every value within half a step and its block sums exact")
    func q8K() throws {
        var generator = SplitMix64(seed: 99)
        let input = (0..<512).map { _ in Float(generator.nextUnit() * 6 - 3) }
        let bytes = try QuantKernels.quantize(input, to: .q8K)
        let back = try bytes.withUnsafeBytes { try QuantKernels.dequantize(.q8K, $0, count: 512) }
        for block in 0..<2 {
            let slice = input[block * 256..<(block + 1) * 256]
            let step = slice.map(abs).max()! / 127
            for index in slice.indices { #expect(abs(back[index] - input[index]) <= step * 0.5001) }
            let base = block * 292
            for group in 0..<16 {
                let stored = Int16(bitPattern: UInt16(bytes[base + 260 + 2 * group]) | UInt16(bytes[base + 261 + 2 * group]) << 8)
                let sum = (0..<16).reduce(0) { $0 + Int(Int8(bitPattern: bytes[base + 4 + 16 * group + $1])) }
                #expect(Int(stored) == sum)
            }
        }
        let zeros = try QuantKernels.quantize([Float](repeating: 0, count: 256), to: .q8K)
        #expect(zeros.allSatisfy { $0 == 0 })
    }

    @Test("half and bfloat16 conversions round to nearest even and keep specials")
    func floatConversions() {
        for bits in stride(from: 0, through: 0xFFFF, by: 1) where (bits & 0x7C00) != 0x7C00 {
            let value = slm_fp16_to_fp32(UInt16(bits))
            #expect(value == Float(Float16(bitPattern: UInt16(bits))))
            #expect(slm_fp32_to_fp16(value) == UInt16(bits) || value == 0)
        }
        #expect(slm_fp16_to_fp32(0x7C00) == .infinity)
        #expect(slm_fp16_to_fp32(0x7E00).isNaN)
        #expect(slm_fp32_to_fp16(1e6) == 0x7C00)
        for value: Float in [1.0009765625, 1.00048828125, 1.000732421875, 6e-8, 3e-8, 65519, 65520, -2.5e-5] {
            #expect(slm_fp32_to_fp16(value) == Float16(value).bitPattern, "\(value)")
        }
        #expect(slm_fp32_to_bf16(1.00390625) == 0x3F80)  // tie rounds to even
        #expect(slm_fp32_to_bf16(1.01171875) == 0x3F82)
        #expect(slm_bf16_to_fp32(0x3F80) == 1)
    }

    @Test("bad lengths and unsupported types are refused")
    func refusals() {
        #expect(throws: QuantError.notWholeBlocks(.q4K, elements: 100)) {
            _ = try [UInt8](repeating: 0, count: 200).withUnsafeBytes { try QuantKernels.dequantize(.q4K, $0, count: 100) }
        }
        #expect(throws: QuantError.bufferTooSmall(.q8_0, needed: 34, available: 10)) {
            _ = try [UInt8](repeating: 0, count: 10).withUnsafeBytes { try QuantKernels.dequantize(.q8_0, $0, count: 32) }
        }
        #expect(throws: QuantError.noKernels(.iq2XXS)) {
            _ = try [UInt8](repeating: 0, count: 66).withUnsafeBytes { try QuantKernels.dequantize(.iq2XXS, $0, count: 256) }
        }
        #expect(throws: QuantError.noKernels(.q4K)) { _ = try QuantKernels.quantize([0], to: .q4K) }
    }

    private func dot(_ type: QuantType, _ count: Int, _ weights: [UInt8], _ activations: [UInt8], on path: KernelPath) -> Float {
        weights.withUnsafeBytes { w in
            activations.withUnsafeBytes { a in
                QuantKernels.dot(type, count: count, weights: w.baseAddress!, activations: a.baseAddress!, path: path)
            }
        }
    }
}
