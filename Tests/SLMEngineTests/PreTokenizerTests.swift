import Foundation
@testable import SLMEngine
import SLMTestSupport
import Testing

/// The hand-written pre-tokenizers against the `regex` package running the patterns they
/// implement (Tests/Fixtures/tokenizers/pretokenize.jsonl, from make_bpe_fixtures.py).
@Suite("Pre-tokenizers agree with the regular expressions")
struct PreTokenizerTests {
    struct Line: Decodable {
        let text: String
        let gpt2: [String]
        let llama3: [String]
        let qwen2: [String]
        let qwen35: [String]
    }

    @Test("GPT-2 (default), Llama 3, Qwen2 and Qwen3.5 chunk every corpus line as the regex does")
    func chunks() throws {
        let lines = try String(contentsOf: Fixtures.url("tokenizers/pretokenize.jsonl"), encoding: .utf8)
            .split(separator: "\n").map { try JSONDecoder().decode(Line.self, from: Data($0.utf8)) }
        #expect(lines.count >= 200)
        let gpt2 = PreTokenizer(style: .gpt2), llama3 = PreTokenizer(style: .llama3), qwen2 = PreTokenizer(style: .qwen2)
        let qwen35 = PreTokenizer(style: .qwen35)
        for line in lines {
            #expect(gpt2.split(line.text) == line.gpt2, "gpt2 \(line.text.debugDescription)")
            #expect(llama3.split(line.text) == line.llama3, "llama3 \(line.text.debugDescription)")
            #expect(qwen2.split(line.text) == line.qwen2, "qwen2 \(line.text.debugDescription)")
            #expect(qwen35.split(line.text) == line.qwen35, "qwen35 \(line.text.debugDescription)")
        }
    }

    @Test("GGUF pre-tokenizer names map to styles; unknown names are refused")
    func names() throws {
        #expect(PreTokenizer(name: "default")?.style == .gpt2)
        #expect(PreTokenizer(name: "llama-bpe")?.style == .llama3)
        // LFM2's vocabulary splits as Llama 3's (llama.cpp maps it so)
        #expect(PreTokenizer(name: "lfm2")?.style == .llama3)
        #expect(PreTokenizer(name: "qwen35")?.style == .qwen35)
        #expect(PreTokenizer(name: "qwen2")?.style == .qwen2)
        #expect(PreTokenizer(name: "made-up") == nil)
        let vocabulary = Vocabulary(model: "gpt2", preTokenizer: "made-up", tokens: ["a"], bos: nil, eos: nil,
                                    addBOS: false, addSpacePrefix: false)
        #expect(throws: EngineError.unsupportedTokenizer("gpt2 with pre-tokenizer made-up")) {
            try Tokenizer(vocabulary: vocabulary)
        }
    }
}
