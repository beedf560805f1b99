@testable import SLMEngine
import Testing

/// The vocabulary's compact lookups (`TokenIndex`, `MergeRanks`) answer exactly as a
/// dictionary of token texts and one of merge texts ("left right") would.
@Suite("Vocabulary lookups agree with dictionaries of the texts")
struct VocabularyLookupTests {
    /// Reference lookups: the first id of a text, the first rank of a merge text.
    struct Dictionaries {
        var ids: [String: Int] = [:]
        var ranks: [String: Int] = [:]

        init(tokens: [String], merges: [String]) {
            for (id, text) in tokens.enumerated() where ids[text] == nil { ids[text] = id }
            for (rank, merge) in merges.enumerated() where ranks[merge] == nil { ranks[merge] = rank }
        }
    }

    static func vocabulary(_ tokens: [String], merges: [String]) -> Vocabulary {
        Vocabulary(model: "gpt2", tokens: tokens, merges: merges, bos: nil, eos: nil, addBOS: false, addSpacePrefix: false)
    }

    @Test("ids: first of duplicates, empty and spaced texts, texts not in the vocabulary")
    func ids() {
        let tokens = ["a", "b", "ab", "a", "", "x y", "é", "e\u{301}", "abc", "b"]
        let vocabulary = Self.vocabulary(tokens, merges: [])
        let reference = Dictionaries(tokens: tokens, merges: [])
        for text in tokens + ["c", "ba", "x", "y", " ", "abcd"] {
            #expect(vocabulary.id(of: text) == reference.ids[text], "\(text.debugDescription)")
        }
        #expect(vocabulary.id(of: "a") == 0 && vocabulary.id(of: "b") == 1)
    }

    @Test("ids of a large vocabulary, probing past collisions")
    func manyIDs() {
        let tokens = (0..<5_000).map { "t\($0 % 4_000)-\($0 / 7)" }
        let vocabulary = Self.vocabulary(tokens, merges: [])
        let reference = Dictionaries(tokens: tokens, merges: [])
        for text in tokens + (0..<500).map({ "u\($0)" }) {
            #expect(vocabulary.id(of: text) == reference.ids[text])
        }
    }

    @Test("merge ranks: token pairs, duplicates, sides that are not tokens, texts with no or two spaces")
    func ranks() {
        let tokens = ["a", "b", "c", "ab", "bc", "abc", "x y", "", "q"]
        let merges = ["a b", "b c", "a b", "ab c", "a bc", "z a", "a z", "abc", "x y q", "x y", " a", "q ", "b  c"]
        let vocabulary = Self.vocabulary(tokens, merges: merges)
        let reference = Dictionaries(tokens: tokens, merges: merges)
        #expect(vocabulary.mergeCount == merges.count)
        let sides = tokens + ["z", "x", "y", "y q", " ", "b ", " c", "zz"]
        for left in sides {
            for right in sides {
                #expect(vocabulary.mergeRank(left, right) == reference.ranks[left + " " + right],
                        "\(left.debugDescription) + \(right.debugDescription)")
            }
        }
    }
}
