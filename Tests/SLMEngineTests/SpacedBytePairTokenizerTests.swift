import Foundation
import SLMEngine
import SLMTestSupport
import Testing

/// Gemma 4's tokenizer (`tokenizer.ggml.model = gemma4`: BPE over characters with spaces as
/// U+2581, newline runs apart, `<0xXX>` byte fallback) on the gemma4 fixture's vocabulary,
/// against the ids llama.cpp gives (`Tests/Fixtures/synthetic/make_gemma4_tokens.py`).
@Suite("Gemma 4's tokenizer agrees with llama.cpp")
struct SpacedBytePairTokenizerTests {
    struct Line: Decodable {
        let text: String
        let ids: [Int]
    }

    static func tokenizer() throws -> Tokenizer {
        try Tokenizer(file: GGUFFile(path: Fixtures.url("synthetic/gemma4-f16.gguf").path))
    }

    @Test("every line's ids are llama.cpp's, and decode back to the line")
    func agreement() throws {
        let tokenizer = try Self.tokenizer()
        let lines = try String(contentsOf: Fixtures.url("synthetic/gemma4-tokens.jsonl"), encoding: .utf8)
            .split(separator: "\n").map { try JSONDecoder().decode(Line.self, from: Data($0.utf8)) }
        #expect(lines.count == 18)
        for line in lines {
            #expect(tokenizer.encode(line.text, addBOS: false) == line.ids, "\(line.text.debugDescription)")
            #expect(tokenizer.decode(line.ids) == line.text, "\(line.text.debugDescription)")
        }
    }

    @Test("BOS is added as the reference does; the turn marker ends a generation; control texts stay text")
    func specials() throws {
        let tokenizer = try Self.tokenizer()
        let vocabulary = tokenizer.vocabulary
        #expect(tokenizer.encode("x").first == vocabulary.bos)
        #expect(vocabulary.bos == 2)
        let endOfTurn = try #require(vocabulary.id(of: "<turn|>"))
        #expect(vocabulary.endOfGeneration.contains(endOfTurn))
        #expect(!tokenizer.encode("<turn|>", addBOS: false).contains(endOfTurn))
        #expect(tokenizer.encode("<turn|>", addBOS: false, parseSpecial: true) == [endOfTurn])
    }

    @Test("a gemma4 vocabulary without merges is refused, naming the key")
    func noMerges() throws {
        let fixture = try GGUFFile(path: Fixtures.url("synthetic/gemma4-f16.gguf").path)
        let vocabulary = try Vocabulary(file: fixture)
        let bare = Vocabulary(model: "gemma4", tokens: vocabulary.tokens, types: vocabulary.types, bos: 2, eos: 1,
                              addBOS: true, addSpacePrefix: false)
        #expect(throws: EngineError.invalidMetadata(key: "tokenizer.ggml.merges",
                                                    reason: "a gemma4 vocabulary needs its merges")) {
            try Tokenizer(vocabulary: bare)
        }
    }
}
