/// Byte-level BPE (`tokenizer.ggml.model = gpt2`: Llama 3, Qwen2, SmolLM): bytes are
/// mapped to printable characters, text is split by the model's pre-tokenizer, and each
/// chunk is merged pair by pair, lowest merge rank first (leftmost on ties).
struct BytePairEncoder: Sendable {
    private let vocabulary: Vocabulary
    private let preTokenizer: PreTokenizer
    /// Without merges, tiktoken-style ranks: the id of the joined token.
    private let ranksByID: Bool
    /// Llama 3 looks a whole chunk up before merging (Hugging Face's `ignore_merges`).
    private let wholeChunkFirst: Bool
    private static let byteToScalar: [Unicode.Scalar] = BytePairEncoder.makeByteMap()
    private static let scalarToByte: [Unicode.Scalar: UInt8] = Dictionary(
        uniqueKeysWithValues: byteToScalar.enumerated().map { ($1, UInt8($0)) })

    init(vocabulary: Vocabulary) throws(EngineError) {
        guard let preTokenizer = PreTokenizer(name: vocabulary.preTokenizer) else {
            throw .unsupportedTokenizer("gpt2 with pre-tokenizer \(vocabulary.preTokenizer)")
        }
        self.vocabulary = vocabulary
        self.preTokenizer = preTokenizer
        ranksByID = vocabulary.mergeCount == 0
        wholeChunkFirst = preTokenizer.style == .llama3
    }

    static func byteLevelText(_ bytes: some Sequence<UInt8>) -> String {
        var mapped = String.UnicodeScalarView()
        for byte in bytes { mapped.append(byteToScalar[Int(byte)]) }
        return String(mapped)
    }

    func encode(_ text: String, output: inout [Int]) {
        for chunk in preTokenizer.split(text) {
            let word = Self.byteLevelText(chunk.utf8)
            if wholeChunkFirst, let id = vocabulary.id(of: word) {
                output.append(id)
                continue
            }
            for part in merge(word) {
                if let id = vocabulary.id(of: part) {
                    output.append(id)
                } else {
                    // a vocabulary without some single byte: spell it byte by byte if possible
                    for scalar in part.unicodeScalars { if let id = vocabulary.id(of: String(scalar)) { output.append(id) } }
                }
            }
        }
    }

    /// The raw bytes of a token (its byte-level characters mapped back).
    func bytes(of id: Int) -> [UInt8] {
        let text = vocabulary.tokens[id]
        if vocabulary.types[id] == .userDefined { return Array(text.utf8) }
        var bytes: [UInt8] = []
        for scalar in text.unicodeScalars {
            if let byte = Self.scalarToByte[scalar] {
                bytes.append(byte)
            } else {
                bytes.append(contentsOf: String(scalar).utf8)
            }
        }
        return bytes
    }

    private func rank(_ left: String, _ right: String) -> Int? {
        ranksByID ? vocabulary.id(of: left + right) : vocabulary.mergeRank(left, right)
    }

    /// Merges `word`'s characters pair by pair, lowest rank first and leftmost on ties.
    private func merge(_ word: String) -> [String] {
        PairMerger.merge(word.unicodeScalars.map { String($0) }) { rank($0, $1) }
    }

    /// GPT-2's byte-to-character table: printable Latin-1 bytes stand for themselves, the
    /// rest are moved to U+0100 and up.
    private static func makeByteMap() -> [Unicode.Scalar] {
        var table = [Unicode.Scalar](repeating: " ", count: 256)
        var shifted: UInt32 = 256
        for byte in 0..<256 {
            let printable = (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte)
            if printable {
                table[byte] = Unicode.Scalar(UInt32(byte))!
            } else {
                table[byte] = Unicode.Scalar(shifted)!
                shifted += 1
            }
        }
        return table
    }
}
