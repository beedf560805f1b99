import Foundation
import SLMEngine
import SLMTestSupport
import Testing

/// The real default model, fetched through `ModelLibrary.pull` and cached: its directory
/// and every one of its tensors against gguf-py (Tests/Fixtures/gemma/tensor_oracle.json,
/// made by make_tensor_oracle.py).
@Suite("Gemma 3 270M", .serialized)
struct GemmaModelTests {
    struct Oracle: Decodable {
        struct Tensor: Decodable {
            let name: String
            let type: String
            let count: Int
            let sum: Double
            let abs_sum: Double
            let samples: [[Double]]
        }
        let tensors: [Tensor]
    }

    let file: GGUFFile

    init() throws {
        file = try GGUFFile(path: DefaultModel.path().path)
    }

    @Test("models info figures")
    func summary() {
        let summary = ModelSummary(file)
        #expect(summary.architecture == "gemma3")
        #expect(summary.parameterDescription == "268.10M")
        #expect(summary.tensorCount == 236)
        #expect(summary.quantMix == [.f32: 109, .q5_0: 81, .q4K: 27, .q8_0: 10, .q6K: 9])
        #expect(summary.quantMixDescription == "F32 109, Q5_0 81, Q4_K 27, Q8_0 10, Q6_K 9")
        #expect(summary.vocabularySize == 262_144)
        #expect(summary.tokenizer == "llama")
        #expect(summary.hasChatTemplate == false)
        #expect(summary.embeddingLength == 640)
        #expect(summary.blockCount == 18)
    }

    @Test("every tensor dequantizes as gguf-py does")
    func everyTensor() throws {
        let oracle = try JSONDecoder().decode(Oracle.self, from: Data(contentsOf: Fixtures.url("gemma/tensor_oracle.json")))
        #expect(oracle.tensors.count == file.tensors.count)
        for expected in oracle.tensors {
            let tensor = try #require(file.tensor(named: expected.name))
            #expect(tensor.type.name == expected.type)
            #expect(tensor.elementCount == expected.count)
            let data = file.data(of: tensor)
            let rowBytes = tensor.type.byteCount(elements: tensor.rowLength)!
            var samples = expected.samples.makeIterator()
            var nextSample = samples.next()
            var sum = 0.0, mismatches = 0
            for row in 0..<tensor.rowCount {
                let slice = UnsafeRawBufferPointer(rebasing: data[row * rowBytes..<(row + 1) * rowBytes])
                let values = try QuantKernels.dequantize(tensor.type, slice, count: tensor.rowLength)
                for value in values { sum += Double(value) }
                let rowStart = row * tensor.rowLength
                while let sample = nextSample, Int(sample[0]) < rowStart + tensor.rowLength {
                    let value = Double(values[Int(sample[0]) - rowStart])
                    if !(abs(value - sample[1]) <= 1e-6 * abs(sample[1])) { mismatches += 1 }
                    nextSample = samples.next()
                }
            }
            #expect(mismatches == 0, "\(expected.name): \(mismatches) sampled values differ")
            #expect(nextSample == nil, "\(expected.name): samples left over")
            #expect(abs(sum - expected.sum) <= 1e-6 * max(expected.abs_sum, 1e-12), "\(expected.name) sum")
        }
    }

    @Test("dot products on real rows match the float dot product on every path")
    func realRowDots() throws {
        for tensor in file.tensors where tensor.type != .f32 && tensor.dimensions.count == 2 {
            let activationType = try #require(tensor.type.activationType)
            var generator = SplitMix64(seed: UInt64(tensor.offset))
            let input = (0..<tensor.rowLength).map { _ in Float(generator.nextUnit() * 2 - 1) }
            let activations = try QuantKernels.quantize(input, to: activationType)
            let activationValues = try activations.withUnsafeBytes {
                try QuantKernels.dequantize(activationType, $0, count: tensor.rowLength)
            }
            let rowBytes = tensor.type.byteCount(elements: tensor.rowLength)!
            let data = file.data(of: tensor)
            for row in [0, tensor.rowCount / 2, tensor.rowCount - 1] {
                let slice = UnsafeRawBufferPointer(rebasing: data[row * rowBytes..<(row + 1) * rowBytes])
                let weights = try QuantKernels.dequantize(tensor.type, slice, count: tensor.rowLength)
                var reference = 0.0, scale = 0.0
                for (w, a) in zip(weights, activationValues) {
                    reference += Double(w) * Double(a)
                    scale += abs(Double(w) * Double(a))
                }
                for path in KernelPath.available {
                    let got = activations.withUnsafeBytes {
                        QuantKernels.dot(tensor.type, count: tensor.rowLength, weights: slice.baseAddress!,
                                         activations: $0.baseAddress!, path: path)
                    }
                    #expect(abs(Double(got) - reference) <= 1e-4 * scale, "\(tensor.name) row \(row) \(path)")
                }
            }
        }
    }
}
