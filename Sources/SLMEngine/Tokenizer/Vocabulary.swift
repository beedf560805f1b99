/// A model's vocabulary as its GGUF stores it: token texts, scores, types, BPE merges
/// and the special-token ids.
public struct Vocabulary: Sendable {
    /// llama.cpp's token types.
    public enum TokenType: Int, Sendable {
        case normal = 1, unknown = 2, control = 3, userDefined = 4, unused = 5, byte = 6
    }

    /// `tokenizer.ggml.model`: `llama` (SentencePiece), `gpt2` (byte-level BPE) or `gemma4`
    /// (BPE over characters with spaces as U+2581).
    public let model: String
    /// `tokenizer.ggml.pre`: which pre-tokenizer a BPE vocabulary uses.
    public let preTokenizer: String
    public let tokens: [String]
    public let scores: [Float]
    public let types: [TokenType]
    public let bos: Int?
    public let eos: Int?
    public let unknown: Int?
    public let addBOS: Bool
    public let addEOS: Bool
    public let addSpacePrefix: Bool
    /// Tokens that end a generation: EOS, EOT and the end-of-turn markers of chat formats.
    public let endOfGeneration: Set<Int>
    private let index: TokenIndex
    /// The BPE merges ("left right", in priority order) by rank.
    let mergeRanks: MergeRanks

    public init(
        model: String, preTokenizer: String = "default", tokens: [String], scores: [Float]? = nil,
        types: [TokenType]? = nil, merges: [String] = [], bos: Int?, eos: Int?, unknown: Int? = nil,
        eot: Int? = nil, addBOS: Bool, addEOS: Bool = false, addSpacePrefix: Bool
    ) {
        self.model = model
        self.preTokenizer = preTokenizer
        self.tokens = tokens
        self.scores = scores ?? Array(repeating: 0, count: tokens.count)
        self.types = types ?? Array(repeating: .normal, count: tokens.count)
        self.bos = bos
        self.eos = eos
        self.unknown = unknown
        self.addBOS = addBOS
        self.addEOS = addEOS
        self.addSpacePrefix = addSpacePrefix
        let index = TokenIndex(tokens)
        self.index = index
        mergeRanks = MergeRanks(merges, index: index, tokens: tokens)
        // as llama.cpp does, the usual end-of-turn texts also end a generation
        let endTexts = ["<end_of_turn>", "<turn|>", "<|eot_id|>", "<|im_end|>", "<|end|>", "<|endoftext|>", "<|end_of_text|>", "</s>"]
        var end = Set([eos, eot].compactMap { $0 })
        for text in endTexts { if let id = index.id(of: text, in: tokens) { end.insert(id) } }
        endOfGeneration = end
    }

    /// Reads the `tokenizer.ggml.*` metadata of a model file.
    public init(file: GGUFFile) throws(EngineError) {
        func required(_ key: String) throws(EngineError) -> GGUFArray {
            guard let array = file[key]?.arrayValue else { throw .missingMetadata(key) }
            return array
        }
        guard let model = file["tokenizer.ggml.model"]?.stringValue else {
            throw .missingMetadata("tokenizer.ggml.model")
        }
        let tokens: [String]
        do {
            guard let strings = try required("tokenizer.ggml.tokens").strings() else {
                throw EngineError.invalidMetadata(key: "tokenizer.ggml.tokens", reason: "not strings")
            }
            tokens = strings
        } catch let error as EngineError {
            throw error
        } catch {
            throw .invalidMetadata(key: "tokenizer.ggml.tokens", reason: "\(error)")
        }
        guard !tokens.isEmpty else { throw .invalidMetadata(key: "tokenizer.ggml.tokens", reason: "the vocabulary is empty") }
        guard tokens.count <= Hyperparameters.Limit.vocabulary else {
            throw .invalidMetadata(key: "tokenizer.ggml.tokens",
                                   reason: "\(tokens.count) tokens (at most \(Hyperparameters.Limit.vocabulary))")
        }
        let scores = (try? file["tokenizer.ggml.scores"]?.arrayValue?.floats()) ?? nil
        let rawTypes = (try? file["tokenizer.ggml.token_type"]?.arrayValue?.integers()) ?? nil
        let merges = (try? file["tokenizer.ggml.merges"]?.arrayValue?.strings()) ?? nil
        for (key, count) in [("tokenizer.ggml.scores", scores?.count), ("tokenizer.ggml.token_type", rawTypes?.count)] {
            if let count, count != tokens.count {
                throw .invalidMetadata(key: key, reason: "\(count) entries for \(tokens.count) tokens")
            }
        }
        func id(_ key: String) -> Int? {
            file[key]?.intValue.flatMap { $0 >= 0 && $0 < tokens.count ? $0 : nil }
        }
        let isSentencePiece = model == "llama"
        self.init(
            model: model, preTokenizer: file["tokenizer.ggml.pre"]?.stringValue ?? "default",
            tokens: tokens, scores: scores, types: rawTypes?.map { TokenType(rawValue: $0) ?? .normal },
            merges: merges ?? [], bos: id("tokenizer.ggml.bos_token_id"), eos: id("tokenizer.ggml.eos_token_id"),
            unknown: id("tokenizer.ggml.unknown_token_id"), eot: id("tokenizer.ggml.eot_token_id"),
            // as llama.cpp, Gemma 4's vocabulary always adds BOS, whatever the file says
            addBOS: model == "gemma4" || (file["tokenizer.ggml.add_bos_token"]?.boolValue ?? isSentencePiece),
            addEOS: file["tokenizer.ggml.add_eos_token"]?.boolValue ?? false,
            addSpacePrefix: file["tokenizer.ggml.add_space_prefix"]?.boolValue ?? isSentencePiece)
    }

    public var count: Int { tokens.count }

    /// The id of a token text, if the vocabulary has it.
    public func id(of text: String) -> Int? { index.id(of: text, in: tokens) }

    /// The number of BPE merges the vocabulary lists.
    public var mergeCount: Int { mergeRanks.count }

    /// The rank of the BPE merge of `left` and `right` (smaller first), nil if none joins them.
    func mergeRank(_ left: String, _ right: String) -> Int? {
        mergeRanks.rank(left, right, index: index, tokens: tokens)
    }

    public func type(of id: Int) -> TokenType { id >= 0 && id < types.count ? types[id] : .unknown }
}
