import Foundation

/// Text to token ids and back for one model.
///
/// User text is never searched for control tokens (`<start_of_turn>`, `<|im_start|>`):
/// only chat templates insert those, by id. As in llama.cpp, user-defined tokens (Gemma's
/// runs of newlines and spaces) are matched in text, longest first.
public final class Tokenizer: Sendable {
    public let vocabulary: Vocabulary
    private let algorithm: Algorithm
    /// Texts matched as whole tokens before the algorithm runs, longest first.
    private let userDefined: [(bytes: [UInt8], id: Int)]
    private let control: [(bytes: [UInt8], id: Int)]

    private enum Algorithm: Sendable {
        case sentencePiece(SentencePieceEncoder)
        case bytePair(BytePairEncoder)
        case spacedBytePair(SpacedBytePairEncoder)
    }

    private enum Fragment {
        case text([UInt8])
        case token(Int)
    }

    public init(vocabulary: Vocabulary) throws(EngineError) {
        self.vocabulary = vocabulary
        switch vocabulary.model {
        case "llama": algorithm = .sentencePiece(SentencePieceEncoder(vocabulary: vocabulary))
        case "gpt2": algorithm = .bytePair(try BytePairEncoder(vocabulary: vocabulary))
        case "gemma4": algorithm = .spacedBytePair(try SpacedBytePairEncoder(vocabulary: vocabulary))
        default: throw .unsupportedTokenizer(vocabulary.model)
        }
        func specials(_ type: Vocabulary.TokenType) -> [(bytes: [UInt8], id: Int)] {
            vocabulary.tokens.indices.filter { vocabulary.types[$0] == type && !vocabulary.tokens[$0].isEmpty }
                .map { (Array(vocabulary.tokens[$0].utf8), $0) }
                .sorted { $0.bytes.count > $1.bytes.count || ($0.bytes.count == $1.bytes.count && $0.id < $1.id) }
        }
        userDefined = specials(.userDefined)
        control = specials(.control)
    }

    /// The tokenizer of a model file; the file's metadata pages are let go after, since the
    /// vocabulary holds its own copy of what it read.
    public convenience init(file: GGUFFile) throws(EngineError) {
        try self.init(vocabulary: Vocabulary(file: file))
        file.releaseMetadataPages()
    }

    /// Checks what a tokenizer needs from `file` without building it (no per-token work,
    /// so listing many models stays quick): a supported model and pre-tokenizer, and a
    /// non-empty vocabulary of strings.
    public static func check(file: GGUFFile) throws(EngineError) {
        guard let model = file["tokenizer.ggml.model"]?.stringValue else { throw .missingMetadata("tokenizer.ggml.model") }
        switch model {
        case "llama", "gemma4": break
        case "gpt2":
            let pre = file["tokenizer.ggml.pre"]?.stringValue ?? "default"
            guard PreTokenizer(name: pre) != nil else { throw .unsupportedTokenizer("gpt2 with pre-tokenizer \(pre)") }
        default: throw .unsupportedTokenizer(model)
        }
        guard let tokens = file["tokenizer.ggml.tokens"]?.arrayValue, tokens.elementType == .string else {
            throw .invalidMetadata(key: "tokenizer.ggml.tokens", reason: "must be an array of strings")
        }
        guard tokens.count > 0 else { throw .invalidMetadata(key: "tokenizer.ggml.tokens", reason: "the vocabulary is empty") }
    }

    /// Token ids for `text`. `addBOS` defaults to the vocabulary's own setting;
    /// `parseSpecial` lets control-token texts become those tokens (templates only).
    public func encode(_ text: String, addBOS: Bool? = nil, parseSpecial: Bool = false) -> [Int] {
        var output: [Int] = []
        if addBOS ?? vocabulary.addBOS, let bos = vocabulary.bos { output.append(bos) }
        var fragments: [Fragment] = [.text(Array(text.utf8))]
        for special in userDefined + (parseSpecial ? control : []) {
            fragments = fragments.flatMap { split($0, on: special) }
        }
        var afterSpecial = true
        for fragment in fragments {
            switch fragment {
            case .token(let id):
                output.append(id)
                afterSpecial = true
            case .text(let bytes):
                let piece = String(decoding: bytes, as: UTF8.self)
                switch algorithm {
                case .sentencePiece(let encoder):
                    let prefixed = vocabulary.addSpacePrefix && afterSpecial ? " " + piece : piece
                    encoder.encode(prefixed, output: &output)
                case .bytePair(let encoder):
                    encoder.encode(piece, output: &output)
                case .spacedBytePair(let encoder):
                    encoder.encode(piece, output: &output)
                }
                afterSpecial = false
            }
        }
        if vocabulary.addEOS, let eos = vocabulary.eos { output.append(eos) }
        return output
    }

    /// The bytes a token stands for in generated text: nothing for control tokens.
    public func bytes(of id: Int) -> [UInt8] {
        guard id >= 0, id < vocabulary.count else { return [] }
        switch vocabulary.types[id] {
        case .control, .unused: return []
        default: break
        }
        switch algorithm {
        case .sentencePiece: return sentencePieceBytes(id)
        case .bytePair(let encoder): return encoder.bytes(of: id)
        case .spacedBytePair(let encoder): return encoder.bytes(of: id)
        }
    }

    /// The text of a token as it would be printed (control tokens by name), for display.
    public func piece(_ id: Int) -> String {
        guard id >= 0, id < vocabulary.count else { return "" }
        if vocabulary.types[id] == .control { return vocabulary.tokens[id] }
        return String(decoding: bytes(of: id), as: UTF8.self)
    }

    /// How byte-level BPE vocabularies (GPT-2 style, as GGUF stores them) spell raw bytes.
    public static func byteLevelText(_ bytes: [UInt8]) -> String {
        BytePairEncoder.byteLevelText(bytes)
    }

    /// Text for a sequence of ids (control tokens omitted).
    public func decode(_ ids: [Int]) -> String {
        String(decoding: ids.flatMap(bytes(of:)), as: UTF8.self)
    }

    private func sentencePieceBytes(_ id: Int) -> [UInt8] {
        let text = vocabulary.tokens[id]
        if vocabulary.types[id] == .byte, text.count == 6, text.hasPrefix("<0x"),
            let value = UInt8(text.dropFirst(3).prefix(2), radix: 16)
        {
            return [value]
        }
        return Array(text.replacingOccurrences(of: "\u{2581}", with: " ").utf8)
    }

    /// Splits a text fragment around every occurrence of a special token's bytes.
    private func split(_ fragment: Fragment, on special: (bytes: [UInt8], id: Int)) -> [Fragment] {
        guard case .text(let bytes) = fragment, bytes.count >= special.bytes.count else { return [fragment] }
        var pieces: [Fragment] = []
        var start = 0, index = 0
        let needle = special.bytes
        while index + needle.count <= bytes.count {
            if bytes[index] == needle[0], bytes[index..<index + needle.count].elementsEqual(needle) {
                if index > start { pieces.append(.text(Array(bytes[start..<index]))) }
                pieces.append(.token(special.id))
                index += needle.count
                start = index
            } else {
                index += 1
            }
        }
        if start == 0 { return [fragment] }
        if start < bytes.count { pieces.append(.text(Array(bytes[start...]))) }
        return pieces
    }
}
