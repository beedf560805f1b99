@testable import SLMEngine
import SLMKernels
import SLMTestSupport
import Testing

/// Packing a matrix at load in stretches (so each stretch's file pages can go as soon as it
/// is copied) gives the same bytes as packing it in one go, and reports every packed byte
/// once, in order.
@Suite("Packed weights at load")
struct PackedWeightsLoadTests {
    /// Only CPUs whose kernels read packed rows (AVX2 and up) pack at load.
    @Test("stretch by stretch: the same copy, each stretch reported once",
          .enabled(if: slm_packs_type(Int32(QuantType.q8_0.rawValue)) != 0, "this CPU's kernels do not pack Q8_0"),
          arguments: [1, 3, 7, 100])
    func stretches(groupsPerStretch: Int) throws {
        let type = QuantType.q8_0, columns = 256, rows = 8 * 20 + 3
        let rowBytes = type.byteCount(elements: columns)!
        var generator = SplitMix64(seed: 5)
        var data: [UInt8] = []
        for _ in 0..<rows * columns / 32 {
            data += [UInt8(truncatingIfNeeded: generator.next() & 0x3F), 0x1C]
            data += (0..<32).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        }
        var writer = GGUFWriter()
        writer.set("general.architecture", .string("test"))
        writer.addTensor(name: "w", type: type, dimensions: [columns, rows], data: data)
        let file = try GGUFFile(bytes: writer.serialized())
        let tensor = try #require(file.tensor(named: "w"))
        let matrix = WeightMatrix(name: "w", type: type, inputs: columns, outputs: rows,
                                  data: file.data(of: tensor).baseAddress!, rowBytes: rowBytes)
        var stretches: [(offset: Int, count: Int)] = []
        let packing = PackedWeights(file: file)  // owns the copy
        let packed = try #require(packing.pack(
            matrix, stretchBytes: groupsPerStretch * 8 * rowBytes,
            copied: { stretches.append(($0.baseAddress! - matrix.data, $0.count)) }))
        #expect(packed.isPacked)

        let full = rows / 8 * 8
        let expected = PackedWeightsTests.packed(type, data, rows: rows, columns: columns)
        withExtendedLifetime(packing) {
            #expect(Array(UnsafeRawBufferPointer(start: packed.data, count: rows * rowBytes)) == expected)
        }

        let stretchBytes = groupsPerStretch * 8 * rowBytes
        #expect(stretches.count == (20 + groupsPerStretch - 1) / groupsPerStretch)
        #expect(stretches.map(\.offset) == stretches.indices.map { $0 * stretchBytes })
        #expect(stretches.map(\.count).reduce(0, +) == full * rowBytes)
    }
}
