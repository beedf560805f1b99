import Foundation
import SLMEngine
import SLMTestSupport
import Testing

/// Tiny random-weight models of each family against llama.cpp's logits
/// (Tests/Fixtures/synthetic: see its README). The reference ran with an F32 KV cache and
/// plain attention, so these runs use `.f32`.
@Suite("Synthetic models agree with llama.cpp")
struct SyntheticModelTests {
    struct Reference: Decodable {
        struct Prompt: Decodable {
            let tokens: [Int]
            let logits_after_prompt: [Double]
            let greedy: [Int]
            let greedy_margin: [Double]
            let logits_after_step: [[Double]]
        }
        let architecture: String
        let prompts: [Prompt]
    }

    static let cases: [(String, Double)] = [
        ("llama-f16", 0.02), ("qwen2-f16", 0.02), ("phi3-f16", 0.02), ("gemma3-f16", 0.02),
        ("llama-mixed", 0.25), ("qwen2-mixed", 0.25), ("phi3-mixed", 0.25), ("gemma3-mixed", 0.25),
        ("qwen3-f16", 0.02), ("smollm3-f16", 0.02), ("granite-f16", 0.02),
        ("qwen3-mixed", 0.25), ("smollm3-mixed", 0.25), ("granite-mixed", 0.25),
        ("phi3-longrope-f16", 0.02), ("phi3-longrope-mixed", 0.25), ("llama3-freqs-f16", 0.02), ("llama3-freqs-mixed", 0.25),
    ]

    @Test("logits and greedy ids match the reference", arguments: cases)
    func agreement(name: String, tolerance: Double) throws {
        let reference = try JSONDecoder().decode(
            Reference.self, from: Data(contentsOf: Fixtures.url("synthetic/\(name).json")))
        let model = try TransformerModel(file: GGUFFile(path: Fixtures.url("synthetic/\(name).gguf").path))
        #expect(model.architecture.name == reference.architecture)
        var worst = 0.0
        for prompt in reference.prompts {
            let session = try InferenceSession(model: model, contextLength: 256, cacheType: .f32)
            var logits = try session.evaluate(prompt.tokens)
            worst = max(worst, Self.maxDifference(logits, prompt.logits_after_prompt))
            for (step, expected) in prompt.greedy.enumerated() {
                if prompt.greedy_margin[step] > 0.05 {
                    #expect(GemmaAgreementTests.argmax(logits) == expected, "\(name) step \(step)")
                }
                // teacher-forced: continue with the reference's token either way
                logits = try session.append(expected)
                if step < prompt.logits_after_step.count {
                    worst = max(worst, Self.maxDifference(logits, prompt.logits_after_step[step]))
                }
            }
        }
        print("\(name): max |Δlogit| \(worst)")
        #expect(worst <= tolerance, "\(name): max |Δlogit| \(worst)")
    }

    static func maxDifference(_ logits: [Float], _ expected: [Double]) -> Double {
        zip(logits, expected).map { abs(Double($0) - $1) }.max() ?? .infinity
    }
}
