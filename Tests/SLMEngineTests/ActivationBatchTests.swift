import Synchronization
import Testing
import SLMKernels
@testable import SLMEngine

/// Several products of one batch in one parallel region (Q, K and V; gate and up) must give
/// each product's numbers exactly as it gives them alone.
@Suite struct ActivationBatchTests {
    /// `outputs` rows of `inputs` values quantized to `type`, kept alive with the matrix.
    final class QuantizedMatrix {
        let bytes: UnsafeMutableRawPointer
        let matrix: WeightMatrix

        init(type: QuantType, outputs: Int, inputs: Int, seed: UInt64) {
            var generator = SplitMix(seed)
            let rowBytes = type.byteCount(elements: inputs)!
            bytes = .allocate(byteCount: outputs * rowBytes, alignment: 64)
            for row in 0..<outputs {
                let values = (0..<inputs).map { _ in Float(generator.nextUnit() * 2 - 1) }
                let status = slm_quantize_row(Int32(type.rawValue), values, bytes + row * rowBytes, Int64(inputs))
                precondition(status == 0, "no quantizer for \(type)")
            }
            matrix = WeightMatrix(name: "test \(type)", type: type, inputs: inputs, outputs: outputs,
                                  data: UnsafeRawPointer(bytes), rowBytes: rowBytes)
        }

        deinit { bytes.deallocate() }
    }

    struct SplitMix {
        var state: UInt64
        init(_ seed: UInt64) { state = seed }
        mutating func nextUnit() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
        }
    }

    @Test("products in one region equal each product alone, bit for bit", arguments: [(1, 1), (1, 2), (9, 3)])
    func severalProductsMatchOneByOne(rows: Int, threads: Int) {
        let inputs = 256
        // a large F16 product, a Q8_0 one split in three, one too small to split (one part)
        let matrices = [QuantizedMatrix(type: .f16, outputs: 640, inputs: inputs, seed: 1),
                        QuantizedMatrix(type: .q8_0, outputs: 320, inputs: inputs, seed: 2),
                        QuantizedMatrix(type: .q8_0, outputs: 96, inputs: inputs, seed: 3)]
        var generator = SplitMix(4)
        let activations = (0..<rows * inputs).map { _ in Float(generator.nextUnit() * 2 - 1) }
        let batch = ActivationBatch(capacity: rows, maxWidth: inputs, threads: threads)
        activations.withUnsafeBufferPointer { batch.load($0.baseAddress!, count: rows, width: inputs, stride: inputs) }

        let outputs = matrices.map { UnsafeMutablePointer<Float>.allocate(capacity: rows * $0.matrix.outputs) }
        defer { outputs.forEach { $0.deallocate() } }
        for (matrix, output) in zip(matrices, outputs) {
            batch.multiply(matrix.matrix, into: output, outputStride: matrix.matrix.outputs, batchRows: rows)
        }
        let alone = zip(matrices, outputs).map { Array(UnsafeBufferPointer(start: $1, count: rows * $0.matrix.outputs)) }

        for (matrix, output) in zip(matrices, outputs) { output.update(repeating: .nan, count: rows * matrix.matrix.outputs) }
        batch.multiply(zip(matrices, outputs).map {
            ActivationBatch.Product(weights: $0.matrix, output: $1, outputStride: $0.matrix.outputs)
        }, batchRows: rows)
        let together = zip(matrices, outputs).map { Array(UnsafeBufferPointer(start: $1, count: rows * $0.matrix.outputs)) }

        for (index, (expected, found)) in zip(alone, together).enumerated() {
            #expect(found.map(\.bitPattern) == expected.map(\.bitPattern), "product \(index)")
            #expect(!found.contains { $0.isNaN }, "product \(index) written in full")
        }
    }

    /// `finish` sees each thread's rows once, after that thread's products, when every
    /// product splits alike; it is not called when they do not.
    @Test("finish covers the rows once when the products split alike, and is skipped otherwise",
          arguments: [1, 2, 3])
    func finishRunsOnSharedRows(threads: Int) {
        let inputs = 64
        let gate = QuantizedMatrix(type: .q8_0, outputs: 600, inputs: inputs, seed: 5)
        let up = QuantizedMatrix(type: .q8_0, outputs: 600, inputs: inputs, seed: 6)
        let other = QuantizedMatrix(type: .q8_0, outputs: 520, inputs: inputs, seed: 7)
        let batch = ActivationBatch(capacity: 1, maxWidth: inputs, threads: threads)
        let row = [Float](repeating: 0.25, count: inputs)
        row.withUnsafeBufferPointer { batch.load($0.baseAddress!, count: 1, width: inputs, stride: inputs) }
        let first = UnsafeMutablePointer<Float>.allocate(capacity: 600), second = UnsafeMutablePointer<Float>.allocate(capacity: 600)
        defer { first.deallocate(); second.deallocate() }
        first.initialize(repeating: .nan, count: 600)
        second.initialize(repeating: .nan, count: 600)

        let seen = Mutex<[Range<Int>]>([])
        let alike = batch.multiply([.init(weights: gate.matrix, output: first, outputStride: 600),
                                    .init(weights: up.matrix, output: second, outputStride: 600)],
                                   batchRows: 1) { lower, upper in
            // the thread's own products are done: its rows of both outputs are written
            let written = (lower..<upper).allSatisfy { !first[$0].isNaN && !second[$0].isNaN }
            seen.withLock { $0.append(written ? lower..<upper : 0..<0) }
        }
        #expect(alike)
        let ranges = seen.withLock { $0 }.sorted { $0.lowerBound < $1.lowerBound }
        #expect(ranges.count == min(threads, 600 / 64))
        #expect(ranges.first?.lowerBound == 0 && ranges.last?.upperBound == 600, "every row, each written before")
        #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })

        let called = Mutex(false)
        let unlike = batch.multiply([.init(weights: gate.matrix, output: first, outputStride: 600),
                                     .init(weights: other.matrix, output: second, outputStride: 520)],
                                    batchRows: 1) { _, _ in called.withLock { $0 = true } }
        #expect(!unlike)
        #expect(!called.withLock { $0 })
    }
}
