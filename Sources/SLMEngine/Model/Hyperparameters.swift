/// The numbers that size a decoder, read from a GGUF's `<architecture>.*` metadata with
/// llama.cpp's defaults where a key is optional.
public struct Hyperparameters: Sendable, Equatable {
    public let embeddingLength: Int
    public let layerCount: Int
    public let headCount: Int
    public let headCountKV: Int
    /// Per-head dimension of queries and keys, and of values.
    public let keyLength: Int
    public let valueLength: Int
    public let feedForwardLength: Int
    /// The context the model was trained for.
    public let trainedContextLength: Int
    public let rmsEpsilon: Float
    public let ropeBase: Float
    public let ropeBaseSlidingWindow: Float
    /// Dimensions of each head that RoPE rotates (all of them unless the file says fewer).
    public let ropeDimensions: Int
    /// Positions a sliding-window layer sees, 0 when the model has none.
    public let slidingWindow: Int
    /// Which layers use the sliding window.
    public let slidingWindowLayers: [Bool]
    public let vocabularySize: Int
    /// Multiplies query·key before the softmax.
    public let attentionScale: Float
    /// `cap * tanh(logit / cap)` on the output logits when set.
    public let finalLogitSoftcap: Float?
    public let attentionLogitSoftcap: Float?

    public init(file: GGUFFile, architecture: Architecture) throws(EngineError) {
        let prefix = architecture.name + "."
        func integer(_ key: String) -> Int? { file[prefix + key]?.intValue }
        func float(_ key: String) -> Float? { file[prefix + key]?.doubleValue.map(Float.init) }
        func required(_ key: String) throws(EngineError) -> Int {
            guard let value = integer(key) else { throw .missingMetadata(prefix + key) }
            guard value > 0 else { throw .invalidMetadata(key: prefix + key, reason: "must be positive, found \(value)") }
            return value
        }

        embeddingLength = try required("embedding_length")
        layerCount = try required("block_count")
        headCount = try required("attention.head_count")
        headCountKV = integer("attention.head_count_kv") ?? headCount
        guard headCountKV > 0, headCount % headCountKV == 0 else {
            throw .invalidMetadata(key: prefix + "attention.head_count_kv",
                                   reason: "\(headCountKV) does not divide \(headCount) heads")
        }
        keyLength = integer("attention.key_length") ?? embeddingLength / headCount
        valueLength = integer("attention.value_length") ?? keyLength
        feedForwardLength = try required("feed_forward_length")
        trainedContextLength = integer("context_length") ?? 2048
        rmsEpsilon = float("attention.layer_norm_rms_epsilon") ?? 1e-5
        ropeBase = float("rope.freq_base") ?? 10_000
        ropeBaseSlidingWindow = float("rope.freq_base_swa") ?? architecture.defaultSlidingWindowRopeBase ?? ropeBase
        ropeDimensions = integer("rope.dimension_count") ?? keyLength
        guard ropeDimensions <= keyLength, ropeDimensions % 2 == 0 else {
            throw .invalidMetadata(key: prefix + "rope.dimension_count", reason: "\(ropeDimensions) for heads of \(keyLength)")
        }
        slidingWindow = integer("attention.sliding_window") ?? 0
        slidingWindowLayers = try Self.slidingWindowLayers(
            file: file, key: prefix + "attention.sliding_window_pattern", layers: layerCount,
            window: slidingWindow, defaultPattern: architecture.defaultSlidingWindowPattern)
        guard let vocabulary = file["tokenizer.ggml.tokens"]?.arrayValue?.count ?? integer("vocab_size") else {
            throw .missingMetadata("tokenizer.ggml.tokens")
        }
        vocabularySize = vocabulary
        attentionScale = 1 / Float(keyLength).squareRoot()
        finalLogitSoftcap = float("final_logit_softcapping").flatMap { $0 > 0 ? $0 : nil }
        attentionLogitSoftcap = float("attn_logit_softcapping").flatMap { $0 > 0 ? $0 : nil }
    }

    /// A layer is local when the pattern says so: an integer n makes every n-th layer
    /// global (`layer % n < n - 1` is local, as llama.cpp has it); an array gives one flag
    /// per layer.
    private static func slidingWindowLayers(
        file: GGUFFile, key: String, layers: Int, window: Int, defaultPattern: Int?
    ) throws(EngineError) -> [Bool] {
        // only families whose graph has sliding-window layers use them
        guard window > 0, let defaultPattern else { return Array(repeating: false, count: layers) }
        if let array = file[key]?.arrayValue {
            guard let flags = try? array.values().map({ $0.boolValue ?? (($0.intValue ?? 0) != 0) }),
                flags.count == layers
            else { throw .invalidMetadata(key: key, reason: "expected \(layers) flags") }
            return flags
        }
        let pattern = file[key]?.intValue ?? defaultPattern
        return (0..<layers).map { pattern == 0 || $0 % pattern < pattern - 1 }
    }
}
