import Foundation

/// SentencePiece BPE as llama.cpp runs it on `tokenizer.ggml.model = llama` vocabularies
/// (Gemma, Llama 2, Phi-3): start from characters, repeatedly merge the adjacent pair
/// whose joined text is the highest-scoring token (leftmost on ties), and spell anything
/// left that is not a token as `<0xXX>` byte tokens.
struct SentencePieceEncoder: Sendable {
    let vocabulary: Vocabulary
    /// Byte value -> token id of `<0xXX>`.
    private let byteTokens: [Int?]

    init(vocabulary: Vocabulary) {
        self.vocabulary = vocabulary
        byteTokens = (0..<256).map { byte in
            let hex = String(byte, radix: 16, uppercase: true)
            return vocabulary.id(of: "<0x" + (hex.count == 1 ? "0" + hex : hex) + ">")
        }
    }

    /// Tokens for plain text (spaces are escaped to U+2581 here).
    func encode(_ text: String, output: inout [Int]) {
        let escaped = text.replacingOccurrences(of: " ", with: "\u{2581}")
        guard !escaped.isEmpty else { return }
        // start from single Unicode scalars (llama.cpp splits on UTF-8 sequences); higher
        // scores merge first, and each joined text remembers its halves for `emit`
        var history: [String: (String, String)] = [:]
        let merged = PairMerger.merge(escaped.unicodeScalars.map { String($0) }) { left, right -> Float? in
            let joined = left + right
            guard let id = vocabulary.id(of: joined) else { return nil }
            history[joined] = (left, right)
            return -vocabulary.scores[id]
        }
        for text in merged { emit(text, history: history, output: &output) }
    }

    private func emit(_ text: String, history: [String: (String, String)], output: inout [Int]) {
        if let id = vocabulary.id(of: text) {
            output.append(id)
        } else if let (left, right) = history[text] {
            emit(left, history: history, output: &output)
            emit(right, history: history, output: &output)
        } else {
            for byte in text.utf8 {
                if let id = byteTokens[Int(byte)] ?? vocabulary.unknown { output.append(id) }
            }
        }
    }
}
