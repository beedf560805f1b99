/// BPE over UTF-8 characters with spaces written as U+2581, as SentencePiece vocabularies
/// converted to merge lists are run (`tokenizer.ggml.model = gemma4`): no byte-level
/// mapping and no word splitting, only lines apart from runs of newlines (a merge never
/// spans a newline); a run of newlines that is a token is taken whole; what no token
/// spells is written as `<0xXX>` byte tokens.
struct SpacedBytePairEncoder: Sendable {
    private let vocabulary: Vocabulary
    /// Byte value -> token id of `<0xXX>`.
    private let byteTokens: [Int?]

    init(vocabulary: Vocabulary) throws(EngineError) {
        guard vocabulary.mergeCount > 0 else {
            throw .invalidMetadata(key: "tokenizer.ggml.merges", reason: "a \(vocabulary.model) vocabulary needs its merges")
        }
        self.vocabulary = vocabulary
        byteTokens = (0..<256).map { byte in
            let hex = String(byte, radix: 16, uppercase: true)
            return vocabulary.id(of: "<0x" + (hex.count == 1 ? "0" + hex : hex) + ">")
        }
    }

    func encode(_ text: String, output: inout [Int]) {
        let escaped = text.replacingOccurrences(of: " ", with: "\u{2581}")
        for chunk in Self.lines(escaped) {
            if chunk.first == "\n", let id = vocabulary.id(of: chunk) {
                output.append(id)
                continue
            }
            let parts = PairMerger.merge(chunk.unicodeScalars.map { String($0) }) { vocabulary.mergeRank($0, $1) }
            for part in parts {
                if let id = vocabulary.id(of: part) {
                    output.append(id)
                } else {
                    for byte in part.utf8 { if let id = byteTokens[Int(byte)] { output.append(id) } }
                }
            }
        }
    }

    /// The raw bytes of a token: U+2581 back to spaces, byte tokens to their byte.
    func bytes(of id: Int) -> [UInt8] {
        let text = vocabulary.tokens[id]
        switch vocabulary.types[id] {
        case .userDefined: return Array(text.utf8)
        case .byte:
            if text.count == 6, text.hasPrefix("<0x"), let value = UInt8(text.dropFirst(3).prefix(2), radix: 16) {
                return [value]
            }
        default: break
        }
        return Array(text.replacingOccurrences(of: "\u{2581}", with: " ").utf8)
    }

    /// Runs of non-newlines and runs of newlines, in order (the reference's `[^\n]+|[\n]+`).
    static func lines(_ text: String) -> [String] {
        var chunks: [String] = []
        var current = String.UnicodeScalarView()
        var inNewlines = false
        for scalar in text.unicodeScalars {
            let isNewline = scalar == "\n"
            if !current.isEmpty, isNewline != inNewlines {
                chunks.append(String(current))
                current = String.UnicodeScalarView()
            }
            inNewlines = isNewline
            current.append(scalar)
        }
        if !current.isEmpty { chunks.append(String(current)) }
        return chunks
    }
}
