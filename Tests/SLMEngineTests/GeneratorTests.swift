import Foundation
import SLMEngine
import SLMTestSupport
import Testing

/// Generation on the tiny synthetic llama: streaming, stop conditions, stats, the cache
/// carrying over between requests, cancellation.
@Suite("Text generator")
struct GeneratorTests {
    static func model() throws -> (TransformerModel, Tokenizer) {
        let file = try GGUFFile(path: Fixtures.url("synthetic/llama-f16.gguf").path)
        return (try TransformerModel(file: file), try Tokenizer(file: file))
    }

    static func collect(_ stream: AsyncThrowingStream<GenerationEvent, Error>) async throws -> ([Int], String, GenerationStats?) {
        var ids: [Int] = [], text = "", stats: GenerationStats?
        for try await event in stream {
            switch event {
            case .token(let id, let piece):
                ids.append(id)
                text += piece
            case .text(let piece):
                text += piece
            case .finished(let finished): stats = finished
            case .constrained: break
            }
        }
        return (ids, text, stats)
    }

    @Test("greedy generation is deterministic and matches the session's argmax")
    func greedy() async throws {
        let (model, tokenizer) = try Self.model()
        let generator = try TextGenerator(model: model, tokenizer: tokenizer, contextLength: 64, threads: 2)
        let request = GenerationRequest(prompt: [1, 300, 301, 302, 303], maxTokens: 8, sampling: .greedy)
        let (ids, _, stats) = try await Self.collect(generator.generate(request))
        #expect(ids == [418, 222, 492, 482, 61, 278, 296, 296])  // llama.cpp's greedy ids for this prompt
        #expect(stats?.generatedTokens == 8)
        #expect(stats?.stopReason == .maxTokens)
        #expect(stats?.promptTokens == 5)
        #expect((stats?.decodeTokensPerSecond ?? 0) > 0)
    }

    @Test("a follow-up request reuses the cached prefix")
    func prefixReuse() async throws {
        let (model, tokenizer) = try Self.model()
        let generator = try TextGenerator(model: model, tokenizer: tokenizer, contextLength: 64)
        let first = GenerationRequest(prompt: [1, 300, 301, 302, 303], maxTokens: 4, sampling: .greedy)
        let (ids, _, _) = try await Self.collect(generator.generate(first))
        let followUp = GenerationRequest(prompt: first.prompt + ids + [260, 261], maxTokens: 2, sampling: .greedy)
        let (_, _, stats) = try await Self.collect(generator.generate(followUp))
        // everything but the last generated token (never evaluated) is reused
        #expect(stats?.reusedPromptTokens == first.prompt.count + ids.count - 1)
    }

    @Test("a hybrid model's follow-ups evaluate only their new tokens, and a regenerated answer none of the prompt",
          arguments: ["lfm2-mixed", "qwen35-mixed"])
    func hybridReuse(name: String) async throws {
        let file = try GGUFFile(path: Fixtures.url("synthetic/\(name).gguf").path)
        let generator = try TextGenerator(model: try TransformerModel(file: file), tokenizer: try Tokenizer(file: file),
                                          contextLength: 256)
        var prompt = [1, 300, 301, 302, 303]
        let first = GenerationRequest(prompt: prompt, maxTokens: 4, sampling: .greedy)
        let (firstIDs, _, _) = try await Self.collect(generator.generate(first))
        for turn in 0..<3 {
            let (ids, _, _) = try await Self.collect(generator.generate(
                GenerationRequest(prompt: prompt, maxTokens: 4, sampling: .greedy)))
            prompt += ids + [2, 400 + turn, 401 + turn, 1]
            let (_, _, stats) = try await Self.collect(generator.generate(
                GenerationRequest(prompt: prompt, maxTokens: 1, sampling: .greedy)))
            // the last answer's last token was never evaluated; the rest of the conversation was
            #expect(stats.map { $0.promptTokens - $0.reusedPromptTokens } == 5, "turn \(turn)")
        }
        let (again, _, stats) = try await Self.collect(generator.generate(first))
        #expect(again == firstIDs)
        #expect(stats?.reusedPromptTokens == first.prompt.count)
    }

    @Test("stop strings end the answer before them")
    func stopStrings() async throws {
        let (model, tokenizer) = try Self.model()
        let generator = try TextGenerator(model: model, tokenizer: tokenizer, contextLength: 64)
        let free = GenerationRequest(prompt: [1, 300, 301, 302, 303], maxTokens: 12, sampling: .greedy)
        let (_, fullText, _) = try await Self.collect(generator.generate(free))
        let stop = String(fullText.dropFirst(fullText.count / 2).prefix(3))
        var limited = free
        limited.stopStrings = [stop]
        let (_, text, stats) = try await Self.collect(generator.generate(limited))
        #expect(stats?.stopReason == .stopString)
        #expect(!text.contains(stop))
        #expect(fullText.hasPrefix(text))
    }

    @Test("a consumer that stops listening stops generation")
    func cancellation() async throws {
        let (model, tokenizer) = try Self.model()
        // long enough that finishing it would take far longer than any scheduling delay
        let generator = try TextGenerator(model: model, tokenizer: tokenizer, contextLength: 32_768)
        let request = GenerationRequest(prompt: [1, 300], maxTokens: 30_000, sampling: .greedy)
        var count = 0
        for try await event in generator.generate(request) {
            if case .token = event { count += 1 }
            if count == 3 { break }
        }
        #expect(count == 3)
        // wait until the producer is idle, then check it stopped far short of the request
        var cached = generator.cachedTokenCount
        for _ in 0..<100 {
            try await Task.sleep(for: .milliseconds(100))
            let now = generator.cachedTokenCount
            if now == cached { break }
            cached = now
        }
        #expect(cached < 30_000)
    }

    @Test("a prompt longer than the context is a clear error")
    func tooLong() async throws {
        let (model, tokenizer) = try Self.model()
        let generator = try TextGenerator(model: model, tokenizer: tokenizer, contextLength: 16)
        await #expect(throws: EngineError.promptTooLong(tokens: 20, context: 16)) {
            _ = try await Self.collect(generator.generate(GenerationRequest(prompt: Array(repeating: 300, count: 20))))
        }
    }

    @Test("unsupported architectures and tensor types are named")
    func unsupported() throws {
        var writer = TinyGGUF.writer()
        writer.set("general.architecture", .string("mamba"))
        #expect(throws: EngineError.unsupportedArchitecture("mamba")) {
            try TransformerModel(file: GGUFFile(bytes: writer.serialized()))
        }
    }

    @Test("a streamed multi-byte character is never split")
    func utf8Streaming() throws {
        let (_, tokenizer) = try Self.model()
        let bytes = Array("é🚀".utf8)
        let ids = bytes.map { tokenizer.vocabulary.id(of: String(format: "<0x%02X>", $0))! }
        var decoder = TokenTextDecoder(tokenizer: tokenizer)
        let pieces = ids.map { decoder.append($0) }
        #expect(pieces == ["", "é", "", "", "", "🚀"])
    }
}
