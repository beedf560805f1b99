import Foundation
import SLMEngine
import SLMTestSupport
import Testing

/// Constrained decoding on the synthetic models, whose random weights have no idea what
/// JSON is: whatever they would say, the grammar must turn it into a valid call.
@Suite("Constrained generation")
struct ConstrainedGenerationTests {
    static let tools = [
        ToolSignature(name: "note_add", arguments: .object([.init("text", .text(0...16))])),
        ToolSignature(name: "task_done", arguments: .object([.init("id", .integer(minimum: 1, maximum: 999))])),
        ToolSignature(name: "remind", arguments: .object([
            .init("when", .date), .init("loud", .boolean, required: false),
        ])),
    ]

    static let models = ["llama-f16", "llama-mixed", "qwen2-f16", "qwen2-mixed", "phi3-f16", "phi3-mixed",
                         "gemma3-f16", "gemma3-mixed", "qwen3-f16", "qwen3-mixed", "smollm3-f16", "smollm3-mixed",
                         "granite-f16", "granite-mixed", "phi3-longrope-f16", "phi3-longrope-mixed"]

    static func generator(_ name: String) throws -> TextGenerator {
        let file = try GGUFFile(path: Fixtures.url("synthetic/\(name).gguf").path)
        return try TextGenerator(model: TransformerModel(file: file), tokenizer: Tokenizer(file: file),
                                 contextLength: 256, threads: 2)
    }

    struct Outcome {
        var text = ""
        var constrained: String?
        var stats: GenerationStats?
    }

    static func run(_ generator: TextGenerator, _ request: GenerationRequest) async throws -> Outcome {
        var outcome = Outcome()
        for try await event in generator.generate(request) {
            switch event {
            case .token(_, let text), .text(let text): outcome.text += text
            case .constrained(let text): outcome.constrained = text
            case .finished(let stats): outcome.stats = stats
            }
        }
        return outcome
    }

    @Test("random weights still produce valid calls to real tools", arguments: models)
    func validCalls(model: String) async throws {
        let generator = try Self.generator(model)
        for seed in [nil, 1, 2, 3] as [UInt64?] {
            let sampling = seed.map { SamplingParameters(temperature: 1.5, topK: 0, topP: 1, minP: 0, seed: $0) } ?? .greedy
            let request = GenerationRequest(prompt: [1, 300, 301, 302], maxTokens: 200, sampling: sampling,
                                            constraint: GrammarConstraint(.toolCall(tools: Self.tools)))
            let outcome = try await Self.run(generator, request)
            #expect(outcome.stats?.stopReason == .grammarComplete)
            let text = try #require(outcome.constrained)
            #expect(outcome.text.hasSuffix(text))
            let call = try JSONValue.parse(text)
            let tool = try #require(Self.tools.first { $0.name == call["name"]?.stringValue }, "\(text)")
            #expect(tool.arguments.problems(with: try #require(call["arguments"])).isEmpty, "\(text)")
        }
    }

    @Test("the grammar takes over once the trigger has been written")
    func trigger() async throws {
        let generator = try Self.generator("llama-f16")
        let free = try await Self.run(generator, GenerationRequest(prompt: [1, 300, 301, 302, 303], maxTokens: 3, sampling: .greedy))
        let trigger = String(free.text.suffix(4))
        let request = GenerationRequest(
            prompt: [1, 300, 301, 302, 303], maxTokens: 60, sampling: .greedy,
            constraint: GrammarConstraint(.oneOf(["yes", "no"]), activation: .after(trigger)))
        let outcome = try await Self.run(generator, request)
        #expect(outcome.text.hasPrefix(free.text))
        #expect(["yes", "no", " yes", " no", "\nyes", "\nno"].contains(outcome.constrained ?? "?"))
        #expect(outcome.stats?.stopReason == .grammarComplete)
    }

    @Test("an answer that opens like the grammar is finished by it; one that does not is left alone")
    func answerStart() async throws {
        let generator = try Self.generator("llama-f16")
        let prompt = [1, 300, 301, 302, 303]
        let free = try await Self.run(generator, GenerationRequest(prompt: prompt, maxTokens: 6, sampling: .greedy))
        let first = try #require(free.text.trimmingCharacters(in: .whitespaces).first)

        let taken = try await Self.run(generator, GenerationRequest(
            prompt: prompt, maxTokens: 30, sampling: .greedy,
            constraint: GrammarConstraint(.oneOf(["\(first)ea", "\(first)oast"]), activation: .ifAnswerStarts(with: String(first)))))
        #expect(taken.stats?.stopReason == .grammarComplete)
        #expect(["\(first)ea", "\(first)oast"].contains(taken.constrained?.trimmingCharacters(in: .whitespaces) ?? ""))

        let untouched = try await Self.run(generator, GenerationRequest(
            prompt: prompt, maxTokens: 6, sampling: .greedy,
            constraint: GrammarConstraint(.toolCall(tools: Self.tools), activation: .ifAnswerStarts(with: "{"))))
        #expect(untouched.text == free.text)
        #expect(untouched.constrained == nil)
    }
}
