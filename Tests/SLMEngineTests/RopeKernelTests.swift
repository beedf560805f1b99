import SLMEngine
import SLMKernels
import SLMTestSupport
import Testing

/// Rotary embedding: the SIMD rotation equals the portable one, position 0 leaves a head
/// unchanged, and a rotation keeps each pair's length.
@Suite("RoPE kernel")
struct RopeKernelTests {
    static func head(seed: UInt64, count: Int) -> [Float] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in Float(generator.nextUnit() * 4 - 2) }
    }

    static func angles(dims: Int, position: Int) -> [Float] {
        var table = [Float](repeating: .nan, count: dims)
        slm_rope_angles(Int64(dims), Int64(position), 10_000, nil, &table)
        return table
    }

    @Test("the active rotation equals the portable one", arguments: [(256, 1), (64, 0), (128, 1), (24, 1)])
    func matchesPortable(dims: Int, neox: Int32) {
        for position in [0, 7, 513] {
            let table = Self.angles(dims: dims, position: position)
            var active = Self.head(seed: UInt64(position + 1), count: 256)
            var portable = active
            slm_rope_apply(&active, Int64(dims), table, neox)
            slm_rope_apply_portable(&portable, Int64(dims), table, neox)
            #expect(active == portable, "\(dims) dims, neox \(neox), position \(position)")
        }
    }

    @Test("position 0 is the identity and rotations keep pair lengths")
    func geometry() {
        let original = Self.head(seed: 3, count: 128)
        var unmoved = original
        slm_rope_apply(&unmoved, 128, Self.angles(dims: 128, position: 0), 1)
        #expect(unmoved == original)
        var rotated = original
        slm_rope_apply(&rotated, 128, Self.angles(dims: 128, position: 300), 1)
        #expect(rotated != original)
        for i in 0..<64 {
            let before = original[i] * original[i] + original[i + 64] * original[i + 64]
            let after = rotated[i] * rotated[i] + rotated[i + 64] * rotated[i + 64]
            #expect(abs(before - after) <= 1e-5 * max(1, before))
        }
    }
}
