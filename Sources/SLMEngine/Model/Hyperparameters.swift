/// The numbers that size a decoder, read from a GGUF's `<architecture>.*` metadata with
/// llama.cpp's defaults where a key is optional.
///
/// Every value is checked against a bound that real models stay far below, so that sizes
/// computed from them (buffers, the KV cache, the memory estimate) cannot overflow and a
/// hostile file becomes an `EngineError` naming the key instead of a crash.
public struct Hyperparameters: Sendable, Equatable {
    /// Upper bounds on what a file may claim; each is at least 16× what released models use.
    public enum Limit {
        public static let layers = 4096
        public static let heads = 4096
        public static let headLength = 4096
        public static let embedding = 65_536
        public static let feedForward = 1 << 20
        public static let context = 1 << 24
        public static let vocabulary = 1 << 22
        /// A hybrid model's recurrent state over all layers (Qwen3.5-27B's is about 150 MB).
        public static let recurrentStateBytes = 1 << 32
        /// Gemma 4's per-layer inputs of one token over all layers (E4B's are 10,752 values).
        public static let perLayerInputs = 1 << 18
    }

    public let embeddingLength: Int
    public let layerCount: Int
    public let headCount: Int
    /// Key/value heads of the global attention layers (sliding-window layers may have their
    /// own count: `slidingWindowGeometry`).
    public let headCountKV: Int
    /// Which layers attend (and so keep keys and values); the others are recurrent layers
    /// of the family's `recurrentMixer`, marked in the file by zero key/value heads.
    public let attentionLayers: [Bool]
    /// Head sizes of the global (not sliding-window) layers.
    public var globalGeometry: AttentionGeometry {
        AttentionGeometry(keyLength: keyLength, valueLength: valueLength, ropeDimensions: ropeDimensions,
                          keyValueHeads: headCountKV)
    }

    /// Layer `layer`'s head sizes.
    public func geometry(layer: Int) -> AttentionGeometry {
        slidingWindowLayers[layer] ? slidingWindowGeometry : globalGeometry
    }

    /// The head sizes of every attention layer that keeps keys and values (one that reads
    /// an earlier layer's keeps none).
    public var attentionGeometries: [AttentionGeometry] {
        (0..<layerCount).filter { attentionLayers[$0] && keyValueSources[$0] == $0 }.map { geometry(layer: $0) }
    }

    /// Layers that attend.
    public var attentionLayerCount: Int { attentionLayers.count { $0 } }
    /// For each layer, the layer whose keys and values it attends over: itself, or for the
    /// last `attention.shared_kv_layers` layers (Gemma 4) the last earlier layer of the same
    /// kind (sliding-window or global) that keeps its own.
    public let keyValueSources: [Int]
    /// Floats one recurrent layer's state holds: a short convolution's last
    /// `shortConvolutionLength - 1` inputs of the embedding's width.
    public var recurrentStateFloats: Int {
        if let deltaNet { return deltaNet.stateFloats }
        return shortConvolutionLength > 0 ? (shortConvolutionLength - 1) * embeddingLength : 0
    }
    /// Floats of all recurrent layers' state.
    public var recurrentStateFloatsTotal: Int { (layerCount - attentionLayerCount) * recurrentStateFloats }
    /// Inputs a short-convolution layer's filter spans (`shortconv.l_cache`), 0 when none.
    public let shortConvolutionLength: Int
    /// The Gated DeltaNet layers' sizes, nil when the family has none.
    public let deltaNet: DeltaNetShape?
    /// Attention's output is gated by a second half of the query projection (the family's).
    public let gatesAttentionOutput: Bool
    /// Per-head dimension of queries and keys, and of values.
    public let keyLength: Int
    public let valueLength: Int
    /// The FFN's hidden width: the widest layer's.
    public let feedForwardLength: Int
    /// Each layer's FFN hidden width (one number in most files; Gemma 4's shared-cache
    /// layers are twice as wide).
    public let feedForwardLengths: [Int]
    /// Width of each layer's slice of the per-layer token inputs (Gemma 4's
    /// `embedding_length_per_layer_input`), 0 when the model has none.
    public let perLayerInputLength: Int
    /// The context the model was trained for.
    public let trainedContextLength: Int
    public let rmsEpsilon: Float
    public let ropeBase: Float
    public let ropeBaseSlidingWindow: Float
    /// Multiplies RoPE's cosines and sines (`rope.scaling.attn_factor`, LongRoPE), 1 when absent.
    public let ropeAttentionFactor: Float
    /// The context the model was trained at before it was extended; longer sessions use
    /// the long RoPE factors when the file has them.
    public let originalContextLength: Int
    /// Dimensions of each head that RoPE rotates (all of them unless the file says fewer).
    public let ropeDimensions: Int
    /// Positions a sliding-window layer sees, 0 when the model has none.
    public let slidingWindow: Int
    /// Which layers use the sliding window.
    public let slidingWindowLayers: [Bool]
    /// Head sizes of the sliding-window layers (the global ones are `keyLength`,
    /// `valueLength` and `ropeDimensions`).
    public let slidingWindowGeometry: AttentionGeometry
    public let vocabularySize: Int
    /// Multiplies query·key before the softmax.
    public let attentionScale: Float
    /// Multipliers some families read from the file (Granite): on the token embedding, on
    /// each block's output before the residual add, and the divisor of the logits.
    public let embeddingScale: Float?
    public let residualScale: Float?
    public let logitScale: Float?
    /// `cap * tanh(logit / cap)` on the output logits when set.
    public let finalLogitSoftcap: Float?
    public let attentionLogitSoftcap: Float?

    public init(file: GGUFFile, architecture: Architecture) throws(EngineError) {
        let metadata = BoundedMetadata(file: file, prefix: architecture.name + ".")
        embeddingLength = try metadata.required("embedding_length", in: 1...Limit.embedding)
        layerCount = try metadata.required("block_count", in: 1...Limit.layers)
        headCount = try metadata.required("attention.head_count", in: 1...Limit.heads)
        let keyValueHeadsPerLayer = try Self.keyValueHeads(
            metadata: metadata, layers: layerCount, heads: headCount, hasRecurrentLayers: architecture.recurrentMixer != nil)
        let headsPerLayer = keyValueHeadsPerLayer.map { $0 > 0 }
        gatesAttentionOutput = architecture.gatesAttentionOutput
        switch architecture.recurrentMixer {
        case .shortConvolution:
            // the window holds the filter's length less one earlier inputs, so at least two
            shortConvolutionLength = try metadata.required("shortconv.l_cache", in: 2...64)
            deltaNet = nil
            attentionLayers = headsPerLayer
        case .gatedDeltaNet:
            shortConvolutionLength = 0
            deltaNet = try DeltaNetShape(metadata: metadata)
            attentionLayers = try Self.fullAttentionLayers(metadata: metadata, layers: layerCount)
        case nil:
            shortConvolutionLength = 0
            deltaNet = nil
            attentionLayers = headsPerLayer
        }
        // the state is allocated whole when a session opens: a size no real model comes near is refused
        let recurrentLayers = attentionLayers.count { !$0 }
        let layerStateFloats = deltaNet?.stateFloats ?? max(0, shortConvolutionLength - 1) * embeddingLength
        if recurrentLayers * layerStateFloats * 4 > Limit.recurrentStateBytes {
            let key = metadata.prefix + (deltaNet == nil ? "shortconv.l_cache" : "ssm.state_size")
            throw .invalidMetadata(key: key, reason: "the recurrent state would take \(recurrentLayers * layerStateFloats * 4 >> 20) MB (at most \(Limit.recurrentStateBytes >> 20))")
        }
        if let length = try metadata.optional("attention.key_length", in: 1...Limit.headLength) {
            keyLength = length
        } else {
            keyLength = try Self.derivedHeadLength(embeddingLength, headCount, key: metadata.prefix + "attention.key_length")
        }
        valueLength = try metadata.optional("attention.value_length", in: 1...Limit.headLength) ?? keyLength
        if architecture.gatesAttentionOutput, keyLength != valueLength {
            throw .invalidMetadata(key: metadata.prefix + "attention.value_length",
                                   reason: "gated attention needs equal key and value heads (\(keyLength), \(valueLength))")
        }
        guard let feedForwardLengths = try metadata.optionalPerLayer("feed_forward_length", layers: layerCount,
                                                                     in: 1...Limit.feedForward)
        else { throw .missingMetadata(metadata.prefix + "feed_forward_length") }
        self.feedForwardLengths = feedForwardLengths
        feedForwardLength = feedForwardLengths.max()!
        trainedContextLength = try metadata.optional("context_length", in: 1...Limit.context) ?? 2048
        rmsEpsilon = try metadata.positiveFloat("attention.layer_norm_rms_epsilon") ?? 1e-5
        ropeBase = try metadata.positiveFloat("rope.freq_base") ?? 10_000
        ropeBaseSlidingWindow = try metadata.positiveFloat("rope.freq_base_swa")
            ?? architecture.defaultSlidingWindowRopeBase ?? ropeBase
        ropeAttentionFactor = try metadata.positiveFloat("rope.scaling.attn_factor") ?? 1
        originalContextLength = try metadata.optional("rope.scaling.original_context_length", in: 1...Limit.context)
            ?? trainedContextLength
        ropeDimensions = try metadata.optional("rope.dimension_count", in: 1...keyLength) ?? keyLength
        guard ropeDimensions % 2 == 0 else {
            throw .invalidMetadata(key: metadata.prefix + "rope.dimension_count",
                                   reason: "\(ropeDimensions) is odd; RoPE rotates pairs")
        }
        slidingWindow = try metadata.optional("attention.sliding_window", in: 0...Limit.context) ?? 0
        if architecture.recurrentMixer == .shortConvolution, slidingWindow > 0 {
            // LFM2 with a window: every attention layer is a sliding-window one, as the reference has it
            slidingWindowLayers = attentionLayers
        } else {
            slidingWindowLayers = try Self.slidingWindowLayers(
                metadata: metadata, layers: layerCount, window: slidingWindow,
                defaultPattern: architecture.defaultSlidingWindowPattern)
        }
        let (globalHeads, slidingHeads) = try Self.keyValueHeadsByKind(
            keyValueHeadsPerLayer, sliding: slidingWindowLayers, perKind: architecture.readsSlidingWindowHeadSizes,
            heads: headCount, key: metadata.prefix + "attention.head_count_kv")
        headCountKV = globalHeads
        slidingWindowGeometry = try Self.slidingWindowGeometry(
            metadata: metadata, reads: architecture.readsSlidingWindowHeadSizes, keyValueHeads: slidingHeads,
            global: AttentionGeometry(keyLength: keyLength, valueLength: valueLength, ropeDimensions: ropeDimensions,
                                      keyValueHeads: globalHeads))
        keyValueSources = try Self.keyValueSources(
            metadata: metadata, reads: architecture.sharesKeyValueLayers, attending: attentionLayers,
            sliding: slidingWindowLayers)
        perLayerInputLength = architecture.readsPerLayerInputs
            ? try metadata.optional("embedding_length_per_layer_input", in: 0...Limit.embedding) ?? 0 : 0
        // every batch row holds all layers' slices: a size no real model comes near is refused
        if layerCount * perLayerInputLength > Limit.perLayerInputs {
            throw .invalidMetadata(key: metadata.prefix + "embedding_length_per_layer_input", reason:
                "\(layerCount) layers of \(perLayerInputLength) are \(layerCount * perLayerInputLength) values a token (at most \(Limit.perLayerInputs))")
        }
        vocabularySize = try Self.vocabularySize(metadata)
        if architecture.unitAttentionScale {
            (embeddingScale, residualScale, logitScale) = (nil, nil, nil)
            attentionScale = 1
        } else if architecture.readsScaleMultipliers {
            embeddingScale = try metadata.positiveFloat("embedding_scale", zeroMeansNone: true)
            residualScale = try metadata.positiveFloat("residual_scale", zeroMeansNone: true)
            logitScale = try metadata.positiveFloat("logit_scale", zeroMeansNone: true)
            attentionScale = try metadata.positiveFloat("attention.scale", zeroMeansNone: true)
                ?? 1 / Float(keyLength).squareRoot()
        } else {
            (embeddingScale, residualScale, logitScale) = (nil, nil, nil)
            attentionScale = 1 / Float(keyLength).squareRoot()
        }
        finalLogitSoftcap = try metadata.positiveFloat("final_logit_softcapping", zeroMeansNone: true)
        attentionLogitSoftcap = try metadata.positiveFloat("attn_logit_softcapping", zeroMeansNone: true)
    }

    /// llama.cpp's default head length: the embedding split evenly over the heads.
    private static func derivedHeadLength(_ embedding: Int, _ heads: Int, key: String) throws(EngineError) -> Int {
        let length = embedding / heads
        guard (1...Limit.headLength).contains(length) else {
            throw .invalidMetadata(key: key, reason: "absent, and \(embedding) / \(heads) heads gives \(length)")
        }
        return length
    }

    /// Each layer's key/value head count: one number, or one per layer; in a family with
    /// recurrent layers a layer of 0 is recurrent. Each count divides the query heads.
    private static func keyValueHeads(
        metadata: BoundedMetadata, layers: Int, heads: Int, hasRecurrentLayers: Bool
    ) throws(EngineError) -> [Int] {
        let name = "attention.head_count_kv"
        let key = metadata.prefix + name
        let lowest = hasRecurrentLayers ? 0 : 1
        let perLayer = try metadata.optionalPerLayer(name, layers: layers, in: lowest...Limit.heads)
            ?? Array(repeating: heads, count: layers)
        guard perLayer.contains(where: { $0 > 0 }) else {
            throw .invalidMetadata(key: key, reason: "no layer has key/value heads")
        }
        if let count = perLayer.first(where: { $0 > 0 && heads % $0 != 0 }) {
            throw .invalidMetadata(key: key, reason: "\(count) does not divide \(heads) heads")
        }
        return perLayer
    }

    /// The key/value head counts of the global and the sliding-window attention layers: one
    /// for all of them (the cache has one row shape per kind), or where the family reads
    /// the sliding layers' own sizes, one per kind. A kind without layers takes the other's.
    private static func keyValueHeadsByKind(
        _ perLayer: [Int], sliding: [Bool], perKind: Bool, heads: Int, key: String
    ) throws(EngineError) -> (global: Int, sliding: Int) {
        func counts(_ kind: Bool?) -> Set<Int> {
            Set(perLayer.indices.filter { perLayer[$0] > 0 && (kind == nil || sliding[$0] == kind) }.map { perLayer[$0] })
        }
        let groups: [Set<Int>] = perKind ? [counts(false), counts(true)] : [counts(nil)]
        for group in groups where group.count > 1 {
            throw .invalidMetadata(key: key, reason: "attention layers with different counts \(group.sorted()) are not supported")
        }
        let global = groups[0].first ?? groups.last!.first!
        return (global, groups.last!.first ?? global)
    }

    /// Which layer's keys and values each layer attends over. With `shared_kv_layers` n,
    /// the last n layers keep none and read the last layer before them of their own kind.
    private static func keyValueSources(
        metadata: BoundedMetadata, reads: Bool, attending: [Bool], sliding: [Bool]
    ) throws(EngineError) -> [Int] {
        let layers = attending.count
        let own = Array(0..<layers)
        guard reads else { return own }
        let name = "attention.shared_kv_layers"
        let shared = try metadata.optional(name, in: 0...layers - 1) ?? 0
        let first = layers - shared
        return try own.map { layer throws(EngineError) in
            guard layer >= first else { return layer }
            guard let source = (0..<first).last(where: { attending[$0] && sliding[$0] == sliding[layer] }) else {
                throw .invalidMetadata(key: metadata.prefix + name, reason:
                    "layer \(layer) shares the cache of an earlier \(sliding[layer] ? "sliding-window" : "global") layer, and none keeps one")
            }
            return source
        }
    }

    /// Qwen3.5's layer kinds: `attention.recurrent_layers` (one flag per layer, true for a
    /// DeltaNet layer) when present, else every `full_attention_interval`-th layer attends
    /// (`(layer + 1) % interval == 0`, 4 when absent).
    private static func fullAttentionLayers(metadata: BoundedMetadata, layers: Int) throws(EngineError) -> [Bool] {
        let name = "attention.recurrent_layers"
        if let array = metadata.file[metadata.prefix + name]?.arrayValue {
            guard array.count == layers,
                let flags = try? array.values().map({ $0.boolValue ?? (($0.intValue ?? 0) != 0) })
            else { throw .invalidMetadata(key: metadata.prefix + name, reason: "expected \(layers) flags, found \(array.count)") }
            guard flags.contains(false) else {
                throw .invalidMetadata(key: metadata.prefix + name, reason: "no layer attends")
            }
            return flags.map { !$0 }
        }
        let interval = try metadata.optional("full_attention_interval", in: 1...Limit.layers) ?? 4
        guard interval <= layers else {
            throw .invalidMetadata(key: metadata.prefix + "full_attention_interval",
                                   reason: "\(interval) leaves none of the \(layers) layers attending")
        }
        return (0..<layers).map { ($0 + 1) % interval == 0 }
    }

    /// The sliding-window layers' head sizes: the file's `*_swa` keys where the family reads
    /// them (each defaulting to the global size), else the global sizes.
    private static func slidingWindowGeometry(metadata: BoundedMetadata, reads: Bool, keyValueHeads: Int,
                                              global: AttentionGeometry) throws(EngineError) -> AttentionGeometry
    {
        guard reads else { return global }
        let keyLength = try metadata.optional("attention.key_length_swa", in: 1...Limit.headLength) ?? global.keyLength
        let valueLength = try metadata.optional("attention.value_length_swa", in: 1...Limit.headLength) ?? global.valueLength
        let ropeDimensions = try metadata.optional("rope.dimension_count_swa", in: 1...keyLength)
            ?? min(global.ropeDimensions, keyLength)
        guard ropeDimensions % 2 == 0 else {
            throw .invalidMetadata(key: metadata.prefix + "rope.dimension_count_swa",
                                   reason: "\(ropeDimensions) is odd; RoPE rotates pairs")
        }
        return AttentionGeometry(keyLength: keyLength, valueLength: valueLength, ropeDimensions: ropeDimensions,
                                 keyValueHeads: keyValueHeads)
    }

    private static func vocabularySize(_ metadata: BoundedMetadata) throws(EngineError) -> Int {
        let key = "tokenizer.ggml.tokens"
        let count: Int
        if let value = metadata.file[key] {
            guard let array = value.arrayValue else {
                throw .invalidMetadata(key: key, reason: "must be an array of strings, found \(value.type)")
            }
            count = array.count
        } else if let size = try metadata.optional("vocab_size", in: 0...Limit.vocabulary) {
            count = size
        } else {
            throw .missingMetadata(key)
        }
        guard count > 0 else { throw .invalidMetadata(key: key, reason: "the vocabulary is empty") }
        guard count <= Limit.vocabulary else {
            throw .invalidMetadata(key: key, reason: "\(count) tokens (at most \(Limit.vocabulary))")
        }
        return count
    }

    /// A layer is local when the pattern says so: an integer n makes every n-th layer
    /// global (`layer % n < n - 1` is local, as llama.cpp has it); an array gives one flag
    /// per layer.
    private static func slidingWindowLayers(
        metadata: BoundedMetadata, layers: Int, window: Int, defaultPattern: Int?
    ) throws(EngineError) -> [Bool] {
        // only families whose graph has sliding-window layers use them
        guard window > 0, let defaultPattern else { return Array(repeating: false, count: layers) }
        let name = "attention.sliding_window_pattern"
        let key = metadata.prefix + name
        if let array = metadata.file[key]?.arrayValue {
            guard array.count == layers,
                let flags = try? array.values().map({ $0.boolValue ?? (($0.intValue ?? 0) != 0) })
            else { throw .invalidMetadata(key: key, reason: "expected \(layers) flags, found \(array.count)") }
            return flags
        }
        let pattern = try metadata.optional(name, in: 0...Limit.layers) ?? defaultPattern
        return (0..<layers).map { pattern == 0 || $0 % pattern < pattern - 1 }
    }
}

/// Reads `<architecture>.*` keys with their type and range checked, so that an error
/// says which key is wrong and what it may be.
struct BoundedMetadata {
    let file: GGUFFile
    let prefix: String

    func required(_ name: String, in range: ClosedRange<Int>) throws(EngineError) -> Int {
        guard let value = try optional(name, in: range) else { throw .missingMetadata(prefix + name) }
        return value
    }

    func optional(_ name: String, in range: ClosedRange<Int>) throws(EngineError) -> Int? {
        guard let value = file[prefix + name] else { return nil }
        guard let integer = value.intValue else {
            if value.type == .uint64 || value.type == .int64 {
                throw .invalidMetadata(key: prefix + name, reason: "too large (must be \(range.lowerBound)…\(range.upperBound))")
            }
            throw .invalidMetadata(key: prefix + name, reason: "must be an integer, found \(value.type)")
        }
        guard range.contains(integer) else {
            throw .invalidMetadata(key: prefix + name,
                                   reason: "\(integer) is outside \(range.lowerBound)…\(range.upperBound)")
        }
        return integer
    }

    /// One integer per layer: an array of `layers` of them, or one number for all; nil when absent.
    func optionalPerLayer(_ name: String, layers: Int, in range: ClosedRange<Int>) throws(EngineError) -> [Int]? {
        guard let array = file[prefix + name]?.arrayValue else {
            return try optional(name, in: range).map { Array(repeating: $0, count: layers) }
        }
        let key = prefix + name
        guard array.count == layers, let values = try? array.values() else {
            throw .invalidMetadata(key: key, reason: "expected \(layers) integers, found an array of \(array.count)")
        }
        return try values.map { value throws(EngineError) in
            guard let integer = value.intValue, range.contains(integer) else {
                throw .invalidMetadata(key: key, reason: "each must be an integer in \(range.lowerBound)…\(range.upperBound)")
            }
            return integer
        }
    }

    /// A finite positive number, or nil when absent (or zero, where zero means "off").
    func positiveFloat(_ name: String, zeroMeansNone: Bool = false) throws(EngineError) -> Float? {
        guard let value = file[prefix + name] else { return nil }
        guard let number = value.doubleValue else {
            throw .invalidMetadata(key: prefix + name, reason: "must be a number, found \(value.type)")
        }
        if zeroMeansNone, number == 0 { return nil }
        let single = Float(number)
        guard single.isFinite, single > 0 else {
            throw .invalidMetadata(key: prefix + name, reason: "\(number) is not a finite positive number")
        }
        return single
    }
}
