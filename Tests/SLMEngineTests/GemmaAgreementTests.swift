import Foundation
import SLMEngine
import SLMTestSupport
import Testing

/// Gemma 3 270M against llama.cpp's outputs on the same GGUF
/// (Tests/Fixtures/gemma/ref_*.jsonl, copied from the shared reference data).
@Suite("Gemma 3 270M agrees with llama.cpp", .serialized)
struct GemmaAgreementTests {
    struct TokenLine: Decodable {
        let text: String
        let tokens: [Int]
    }

    struct GenerationLine: Decodable {
        let text: String
        let tokens: [Int]
        let greedy: [Int]
        let top10_first4: [[[Double]]]
    }

    static let model: Result<TransformerModel, Error> = Result {
        try TransformerModel(file: GGUFFile(path: DefaultModel.path().path))
    }

    static func lines<T: Decodable>(_ name: String, as type: T.Type) throws -> [T] {
        let text = try String(contentsOf: Fixtures.url("gemma/\(name)"), encoding: .utf8)
        return try text.split(separator: "\n").map { try JSONDecoder().decode(T.self, from: Data($0.utf8)) }
    }

    @Test("every reference line tokenizes to llama.cpp's ids")
    func tokenization() throws {
        let tokenizer = try Tokenizer(file: Self.model.get().file)
        for line in try Self.lines("ref_tok_public.jsonl", as: TokenLine.self) {
            #expect(tokenizer.encode(line.text) == line.tokens, "\(line.text.debugDescription)")
            #expect(tokenizer.decode(line.tokens) == line.text, "round trip of \(line.text.debugDescription)")
        }
    }

    @Test("control-token text typed by a user stays plain text")
    func specialTokensAreText() throws {
        let tokenizer = try Tokenizer(file: Self.model.get().file)
        let start = try #require(tokenizer.vocabulary.id(of: "<start_of_turn>"))
        let ids = tokenizer.encode("<start_of_turn>user")
        #expect(!ids.contains(start))
        #expect(tokenizer.encode("<start_of_turn>user", parseSpecial: true).contains(start))
        #expect(tokenizer.decode(ids) == "<start_of_turn>user")
    }

    @Test("greedy decoding and logits match the reference prompts")
    func generation() throws {
        let model = try Self.model.get()
        let references = try Self.lines("ref_gen_public.jsonl", as: GenerationLine.self)
        let tokenizer = try Tokenizer(file: model.file)
        var identicalRuns = 0
        var worstLogitGap = 0.0
        for reference in references {
            #expect(tokenizer.encode(reference.text) == reference.tokens)
            let session = try InferenceSession(model: model, contextLength: 128)
            var logits = try session.evaluate(reference.tokens)
            var generated: [Int] = []
            for step in 0..<16 {
                if step < reference.top10_first4.count {
                    for pair in reference.top10_first4[step] {
                        worstLogitGap = max(worstLogitGap, abs(Double(logits[Int(pair[0])]) - pair[1]))
                    }
                }
                if step == 0 {
                    #expect(Self.argmax(logits) == Int(reference.top10_first4[0][0][0]), "\(reference.text)")
                    for pair in reference.top10_first4[0] {
                        #expect(abs(Double(logits[Int(pair[0])]) - pair[1]) <= 0.5, "\(reference.text) token \(Int(pair[0]))")
                    }
                }
                let next = Self.argmax(logits)
                generated.append(next)
                logits = try session.append(next)
            }
            if generated == Array(reference.greedy.prefix(16)) { identicalRuns += 1 }
            print("gemma \(reference.text.debugDescription): \(generated == Array(reference.greedy.prefix(16)) ? "identical" : "differs: \(generated)")")
        }
        print("gemma: \(identicalRuns)/\(references.count) prompts with 16 identical greedy tokens; max |Δlogit| over the top-10 of steps 0-3: \(worstLogitGap)")
        #expect(identicalRuns >= 7)
    }

    /// Prompts of 159 to 803 tokens (Tests/Fixtures/gemma/ref_long.jsonl, from llama.cpp's
    /// AVX2 build like the short ones). The reference evaluates them in batches of up to
    /// 512 positions with its tiled single-precision attention, whose exponentials differ
    /// from ours in the last bit; this model turns last-bit differences into logit changes
    /// of a few tenths (llama.cpp's own AVX2 and AVX-512 builds differ by up to 1.3 on these
    /// prompts). So: the same first token everywhere, logits within that spread, and the
    /// greedy continuation mostly the same.
    @Test("long prompts: first token, logits within llama.cpp's own spread, greedy continuation")
    func longPrompts() throws {
        let model = try Self.model.get()
        let references = try Self.lines("ref_long.jsonl", as: GenerationLine.self)
        var worstLogitGap = 0.0
        var identicalTokens = 0, totalTokens = 0
        for reference in references {
            let session = try InferenceSession(model: model, contextLength: 1024, threads: 2)
            var logits = try session.evaluate(reference.tokens)
            #expect(Self.argmax(logits) == Int(reference.top10_first4[0][0][0]), "\(reference.tokens.count) tokens")
            for pair in reference.top10_first4[0] {
                worstLogitGap = max(worstLogitGap, abs(Double(logits[Int(pair[0])]) - pair[1]))
            }
            var generated: [Int] = []
            for _ in reference.greedy.indices {
                generated.append(Self.argmax(logits))
                logits = try session.append(generated.last!)
            }
            let same = zip(generated, reference.greedy).prefix { $0 == $1 }.count
            identicalTokens += same
            totalTokens += reference.greedy.count
        }
        print("gemma long prompts: max |Δlogit| over the top-10 of step 0: \(worstLogitGap); greedy tokens identical before the first difference: \(identicalTokens)/\(totalTokens)")
        #expect(worstLogitGap < 1.5)
        #expect(identicalTokens * 4 >= totalTokens * 3)
    }

    /// Each output value is computed by one thread whatever the thread count (rows of a
    /// product, key/value heads of the attention, spans of a generated token's gated
    /// activation), so the logits of a prompt and of the tokens after it are the same bits
    /// on 1, 2 and 3 threads.
    @Test("the logits are bit for bit the same on 1, 2 and 3 threads")
    func threadCountsAgree() throws {
        let model = try Self.model.get()
        let prompt = try #require(try Self.lines("ref_gen_public.jsonl", as: GenerationLine.self).first).tokens
        var runs: [[[Float]]] = []
        for threads in [1, 2, 3] {
            let session = try InferenceSession(model: model, contextLength: 256, threads: threads)
            var steps = [try session.evaluate(prompt)]
            for _ in 0..<4 { steps.append(try session.append(Self.argmax(steps.last!))) }
            runs.append(steps)
        }
        #expect(runs[1] == runs[0])
        #expect(runs[2] == runs[0])
    }

    /// `--cache-type q8_0` halves the cache; this says how far it moves this model's logits
    /// from the half-precision cache's (the reference has no Q8_0-cache data for it; the
    /// synthetic models check that arithmetic against llama.cpp exactly). Teacher-forced
    /// on the F16 run's greedy tokens, the top-10 logits of the first 6 steps of four
    /// prompts are compared. Measured: 0.94 (1.67 over all eight prompts and eight steps) —
    /// this model turns small differences
    /// into logit changes of that size (llama.cpp's own AVX2 and AVX-512 builds differ by
    /// up to 1.3 on long prompts); the first token stays the same.
    @Test("a Q8_0 KV cache moves the logits by less than 2.5 and keeps the first token")
    func quantizedCache() throws {
        let model = try Self.model.get()
        var worst = 0.0
        for reference in try Self.lines("ref_gen_public.jsonl", as: GenerationLine.self).prefix(4) {
            let half = try InferenceSession(model: model, contextLength: 128)
            let quantized = try InferenceSession(model: model, contextLength: 128, cacheType: .q8_0)
            var expected = try half.evaluate(reference.tokens)
            var found = try quantized.evaluate(reference.tokens)
            #expect(Self.argmax(found) == Self.argmax(expected), "\(reference.text)")
            for _ in 0..<6 {
                let top = expected.indices.sorted { expected[$0] > expected[$1] }.prefix(10)
                for index in top { worst = max(worst, abs(Double(found[index]) - Double(expected[index]))) }
                let next = Self.argmax(expected)
                expected = try half.append(next)
                found = try quantized.append(next)
            }
        }
        print("gemma q8_0 cache: max |Δlogit| against the F16 cache over the top-10 of steps 0-5: \(worst)")
        #expect(worst < 2.5)
    }

    static func argmax(_ values: [Float]) -> Int {
        var best = 0
        for index in values.indices where values[index] > values[best] { best = index }
        return best
    }
}
