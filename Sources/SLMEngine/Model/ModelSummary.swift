/// What `slm-tui models info` reports about a GGUF model, read from its metadata and
/// tensor directory without touching tensor data.
public struct ModelSummary: Sendable, Equatable {
    public let architecture: String
    public let name: String?
    /// Total elements over all tensors.
    public let parameterCount: Int
    public let fileSize: Int
    public let tensorCount: Int
    /// Tensors per type.
    public let quantMix: [QuantType: Int]
    public let contextLength: Int?
    public let embeddingLength: Int?
    public let blockCount: Int?
    public let headCount: Int?
    public let headCountKV: Int?
    public let vocabularySize: Int?
    /// `tokenizer.ggml.model`: `llama` (SentencePiece), `gpt2` (byte-level BPE), …
    public let tokenizer: String?
    public let hasChatTemplate: Bool

    public init(_ file: GGUFFile) {
        let architecture = file["general.architecture"]?.stringValue ?? "unknown"
        func number(_ key: String) -> Int? { file["\(architecture).\(key)"]?.intValue }
        self.architecture = architecture
        name = file["general.name"]?.stringValue
        parameterCount = file.tensors.reduce(0) { $0 + $1.elementCount }
        fileSize = file.fileSize
        tensorCount = file.tensors.count
        quantMix = file.tensors.reduce(into: [:]) { $0[$1.type, default: 0] += 1 }
        contextLength = number("context_length")
        embeddingLength = number("embedding_length")
        blockCount = number("block_count")
        headCount = number("attention.head_count")
        // llama.cpp's default when the key is absent: as many KV heads as heads
        // a hybrid model gives one count per layer (0 for its recurrent layers): the attention layers'
        let perLayerKV = file["\(architecture).attention.head_count_kv"]?.arrayValue
            .flatMap { try? $0.values().compactMap(\.intValue).max() }
        headCountKV = number("attention.head_count_kv") ?? perLayerKV ?? number("attention.head_count")
        vocabularySize = file["tokenizer.ggml.tokens"]?.arrayValue?.count ?? number("vocab_size")
        tokenizer = file["tokenizer.ggml.model"]?.stringValue
        hasChatTemplate = file["tokenizer.chat_template"]?.stringValue.map { !$0.isEmpty } ?? false
    }

    /// The quant mix as `F32 109, Q5_0 81, …`, most common first.
    public var quantMixDescription: String {
        quantMix.sorted { ($1.value, $0.key.rawValue) < ($0.value, $1.key.rawValue) }
            .map { "\($0.key.name) \($0.value)" }.joined(separator: ", ")
    }

    /// Parameters in millions with two decimals, e.g. `268.10M`.
    public var parameterDescription: String {
        let hundredths = (parameterCount + 5_000) / 10_000
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)M"
    }
}
