import Foundation
import SLMEngine
import SLMTestSupport
import Testing

/// Prompt-lookup decoding: guesses copied from earlier text, checked in one pass. The
/// guesses' check must be exact (each row's logits bit for bit those of a lone token), so
/// an answer with lookup is the answer without it, greedy or sampled.
@Suite("Prompt lookup")
struct PromptLookupTests {
    @Test("a guess copies what followed the latest earlier occurrence of the longest run of last tokens")
    func drafting() {
        let lookup = PromptLookup(longestMatch: 3, shortestMatch: 2, draftLength: 4)
        // "5 6" occurs twice before the end; the latest (followed by 9) wins
        #expect(lookup.draft(after: [5, 6, 7, 8, 1, 5, 6, 9, 2, 5, 6], limit: 10) == [9, 2, 5, 6])
        // a three-token run beats a later two-token one
        #expect(lookup.draft(after: [4, 5, 6, 7, 8, 0, 5, 6, 1, 4, 5, 6], limit: 10) == [7, 8, 0, 5])
        #expect(lookup.draft(after: [4, 5, 6, 7, 8, 0, 5, 6, 1, 3, 5, 6], limit: 10) == [1, 3, 5, 6])
        // the limit and the draft length bound the guess; the history's end bounds it too
        #expect(lookup.draft(after: [1, 2, 3, 4, 5, 6, 1, 2], limit: 2) == [3, 4])
        #expect(lookup.draft(after: [1, 2, 3, 1, 2], limit: 10) == [3, 1, 2])
        // no run of two found again, or no room: no guess
        #expect(lookup.draft(after: [1, 2, 3, 4, 2, 5], limit: 10) == [])
        #expect(lookup.draft(after: [1, 2, 3, 1, 2], limit: 0) == [])
        #expect(lookup.draft(after: [7], limit: 10) == [])
        #expect(lookup.draft(after: [], limit: 10) == [])
        // runs may overlap the end: a repeated token is guessed to repeat
        #expect(PromptLookup(shortestMatch: 1).draft(after: [3, 3, 3], limit: 3) == [3])
    }

    /// Tokens evaluated one by one and together: every row's logits equal, and the cache cut
    /// back after a check goes on as if the rejected guesses were never there.
    func checkExactness(_ model: TransformerModel, prompt: [Int], continuation: [Int], cacheType: KVCacheType,
                        _ label: String) throws {
        let single = try InferenceSession(model: model, contextLength: 128, cacheType: cacheType, threads: 2)
        _ = try single.evaluate(prompt)
        let expected = try continuation.map { try single.append($0) }
        let batched = try InferenceSession(model: model, contextLength: 128, cacheType: cacheType, threads: 2)
        _ = try batched.evaluate(prompt)
        let together = try batched.appendAll(continuation)
        #expect(together.count == continuation.count)
        for (row, (got, want)) in zip(together, expected).enumerated() {
            #expect(got == want, "\(label): row \(row) differs (max |Δ| \(zip(got, want).map { abs($0 - $1) }.max() ?? 0))")
        }
        // keep two of the guesses; the next token's logits are a lone token's
        batched.truncate(to: prompt.count + 2)
        #expect(batched.cachedTokens == prompt + continuation.prefix(2))
        #expect(try batched.append(continuation[2]) == expected[2], "\(label): after cutting the cache back")
    }

    static let syntheticCases = ["llama-mixed", "gemma3-f16", "gemma3-mixed", "qwen3-mixed", "phi3-mixed", "gemma4-mixed"]

    @Test("checking tokens together gives each exactly a lone token's logits", arguments: syntheticCases)
    func exactOnSyntheticModels(name: String) throws {
        let model = try TransformerModel(file: GGUFFile(path: Fixtures.url("synthetic/\(name).gguf").path))
        let prompt = [1, 300, 301, 302, 303, 40, 41, 42, 43, 44, 45]
        // 1 to 9 rows: the one-, four- and eight-row kernel shapes and their remainders
        for count in [1, 2, 3, 4, 5, 8, 9] {
            let continuation = Array([400, 401, 402, 403, 404, 405, 406, 407, 408].prefix(max(count, 3)))
            // (a Q8_0 cache where the heads allow it)
            for cacheType in KVCacheType.allCases
            where (try? InferenceSession(model: model, contextLength: 16, cacheType: cacheType)) != nil {
                try checkExactness(model, prompt: prompt, continuation: continuation, cacheType: cacheType,
                                   "\(name) \(cacheType.rawValue) ×\(continuation.count)")
            }
        }
    }

    @Test("on the default model (Q4_K, Q5_0, Q6_K, Q8_0 matrices), checked tokens are exact too")
    func exactOnDefaultModel() throws {
        let file = try GGUFFile(path: DefaultModel.path().path)
        let model = try TransformerModel(file: file)
        let tokenizer = try Tokenizer(file: file)
        let prompt = tokenizer.encode("The list: apples, pears, plums. Again: apples,")
        let continuation = tokenizer.encode(" pears, plums and figs", addBOS: false)
        try checkExactness(model, prompt: prompt, continuation: continuation, cacheType: .f16, "gemma3 270M f16")
        try checkExactness(model, prompt: prompt, continuation: continuation, cacheType: .q8_0, "gemma3 270M q8_0")
    }

    static func answer(_ generator: TextGenerator, _ request: GenerationRequest) async throws -> ([Int], GenerationStats) {
        let (ids, _, stats) = try await GeneratorTests.collect(generator.generate(request))
        return (ids, try #require(stats))
    }

    @Test("a rewrite with lookup is the answer without it, greedy and sampled, with guesses taken")
    func sameAnswer() async throws {
        let file = try GGUFFile(path: DefaultModel.path().path)
        let model = try TransformerModel(file: file)
        let tokenizer = try Tokenizer(file: file)
        let email = """
            Hi Sam, thanks for the notes from Tuesday. I will send the budget by Friday, and the \
            draft of the plan on Monday. Could you book the small room for the review? Best, Ana
            """
        let prompt = tokenizer.encode(
            "<start_of_turn>user\nCopy this email exactly, word for word:\n\n\(email)<end_of_turn>\n<start_of_turn>model\n",
            parseSpecial: true)
        let generator = try TextGenerator(model: model, tokenizer: tokenizer, contextLength: 512, threads: 2)
        for sampling in [SamplingParameters.greedy, SamplingParameters(temperature: 0.8, topK: 40, topP: 0.95, seed: 7)] {
            let plain = try await Self.answer(generator, GenerationRequest(prompt: prompt, maxTokens: 60, sampling: sampling, lookup: nil))
            let guessed = try await Self.answer(generator, GenerationRequest(prompt: prompt, maxTokens: 60, sampling: sampling))
            #expect(guessed.0 == plain.0, "sampling \(sampling)")
            #expect(plain.1.draftedTokens == 0)
            #expect(guessed.1.draftedTokens > 0 && guessed.1.acceptedDraftTokens > 0)
            #expect(guessed.1.acceptedDraftTokens <= guessed.1.draftedTokens)
            // the cache holds the answer's tokens, no rejected guess
            let followUp = try await Self.answer(generator, GenerationRequest(prompt: prompt + guessed.0, maxTokens: 1, sampling: .greedy))
            #expect(followUp.1.reusedPromptTokens == prompt.count + guessed.0.count - 1)
        }
    }
}
