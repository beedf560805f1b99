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
        ("lfm2-f16", 0.02), ("lfm2-mixed", 0.25), ("qwen35-f16", 0.02), ("qwen35-mixed", 0.25),
        ("lfm2-swa-f16", 0.02), ("lfm2-swa-mixed", 0.25), ("gemma4-f16", 0.02), ("gemma4-mixed", 0.25),
        ("gemma4-dense-f16", 0.02), ("gemma4-dense-mixed", 0.25),
    ]

    @Test("logits and greedy ids match the reference", arguments: cases)
    func agreement(name: String, tolerance: Double) throws {
        try check(name, reference: "\(name).json", cacheType: .f32, tolerance: tolerance)
    }

    /// The families with heads of 32 (a multiple of Q8_0's block), against llama.cpp run with
    /// `-ctk q8_0 -ctv q8_0 -fa on` (`KV=q8_0 dump_reference`). The arithmetic is the
    /// reference's, so the bound is tight (measured: 8e-5 at most).
    static let quantizedCacheCases: [(String, Double)] = [
        ("gemma3-f16", 0.001), ("gemma3-mixed", 0.001), ("qwen3-f16", 0.001), ("qwen3-mixed", 0.001),
    ]

    @Test("with a Q8_0 KV cache, logits and greedy ids match the reference's", arguments: quantizedCacheCases)
    func quantizedCacheAgreement(name: String, tolerance: Double) throws {
        try check(name, reference: "\(name)-kvq8.json", cacheType: .q8_0, tolerance: tolerance)
    }

    func check(_ name: String, reference file: String, cacheType: KVCacheType, tolerance: Double) throws {
        let reference = try JSONDecoder().decode(
            Reference.self, from: Data(contentsOf: Fixtures.url("synthetic/\(file)")))
        let model = try TransformerModel(file: GGUFFile(path: Fixtures.url("synthetic/\(name).gguf").path))
        #expect(model.architecture.name == reference.architecture)
        var worst = 0.0
        for prompt in reference.prompts {
            let session = try InferenceSession(model: model, contextLength: 256, cacheType: cacheType)
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
        print("\(file) (\(cacheType.rawValue) cache): max |Δlogit| \(worst)")
        #expect(worst <= tolerance, "\(file): max |Δlogit| \(worst)")
    }

    static func maxDifference(_ logits: [Float], _ expected: [Double]) -> Double {
        zip(logits, expected).map { abs(Double($0) - $1) }.max() ?? .infinity
    }
}
