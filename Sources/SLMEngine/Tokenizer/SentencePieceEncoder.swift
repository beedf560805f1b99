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
        // start from single Unicode scalars (llama.cpp splits on UTF-8 sequences)
        var symbols = escaped.unicodeScalars.map { Symbol(text: String($0)) }
        for index in symbols.indices {
            symbols[index].previous = index - 1
            symbols[index].next = index + 1 < symbols.count ? index + 1 : -1
        }
        var queue = MergeQueue<Bigram> { $0.outranks($1) }
        var history: [String: (String, String)] = [:]
        func consider(_ left: Int, _ right: Int) {
            guard left >= 0, right >= 0 else { return }
            let joined = symbols[left].text + symbols[right].text
            guard let id = vocabulary.id(of: joined) else { return }
            queue.push(Bigram(left: left, right: right, score: vocabulary.scores[id], length: joined.utf8.count))
            history[joined] = (symbols[left].text, symbols[right].text)
        }
        for index in 1..<symbols.count { consider(index - 1, index) }
        while let bigram = queue.pop() {
            let left = symbols[bigram.left], right = symbols[bigram.right]
            // skip pairs whose sides merged with something else since they were queued
            guard !left.text.isEmpty, !right.text.isEmpty,
                left.text.utf8.count + right.text.utf8.count == bigram.length, left.next == bigram.right
            else { continue }
            symbols[bigram.left].text = left.text + right.text
            symbols[bigram.left].next = right.next
            if right.next >= 0 { symbols[right.next].previous = bigram.left }
            symbols[bigram.right].text = ""
            consider(symbols[bigram.left].previous, bigram.left)
            consider(bigram.left, symbols[bigram.left].next)
        }
        var index = 0
        while index >= 0, index < symbols.count {
            emit(symbols[index].text, history: history, output: &output)
            index = symbols[index].next
        }
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

    private struct Symbol {
        var text: String
        var previous = -1
        var next = -1
    }

    private struct Bigram {
        let left: Int
        let right: Int
        let score: Float
        let length: Int

        /// Higher score first; on equal scores the leftmost pair.
        func outranks(_ other: Bigram) -> Bool {
            score > other.score || (score == other.score && left < other.left)
        }
    }
}
