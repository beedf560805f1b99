/// How one model family's decoder is put together, as data: the forward pass reads this
/// instead of branching on family names. Fused QKV / gate-up projections and optional
/// biases are found from the tensors a file has.
///
/// Adding a family means adding a value here and registering it in `Architecture.named`.
public struct Architecture: Sendable, Equatable {
    /// How RoPE pairs dimensions: adjacent (`normal`, Llama) or halves (`neox`).
    public enum RopeStyle: Sendable { case normal, neox }
    /// The FFN's gate activation.
    public enum Activation: Sendable { case silu, geluTanh }
    /// What a hybrid family's non-attention layers run: they carry state from token to
    /// token instead of keeping keys and values.
    public enum RecurrentMixer: Sendable {
        /// LFM2's gated short convolution: in_proj to B|C|x, a depthwise causal filter over
        /// the last `shortconv.l_cache` values of B·x, C times that, out_proj.
        case shortConvolution
        /// Qwen3.5's Gated DeltaNet: a causal convolution over Q|K|V, L2-normalised Q and K,
        /// the delta rule with per-head decay and beta gates, a gated RMS norm, out_proj.
        case gatedDeltaNet
    }

    /// The `general.architecture` value.
    public let name: String
    public let ropeStyle: RopeStyle
    public let activation: Activation
    /// Per-head RMS norms on Q and K before RoPE (`attn_q_norm`, `attn_k_norm`).
    public let hasQKNorm: Bool
    /// RMS norms on the attention and FFN outputs before the residual add.
    public let hasPostNorms: Bool
    /// The token embedding is multiplied by sqrt(embedding length) (Gemma).
    public let scalesEmbedding: Bool
    /// Interleaved sliding-window layers: the pattern llama.cpp assumes when the file
    /// does not say (every n-th layer global), or nil for none.
    public let defaultSlidingWindowPattern: Int?
    /// RoPE base of sliding-window layers when the file does not say.
    public let defaultSlidingWindowRopeBase: Float?
    /// The graph multiplies Q by the attention scale before attention (Gemma) rather than
    /// scaling the scores; with a half-precision cache the rounding differs, so it matters.
    public let scalesQueryFirst: Bool
    /// Every n-th layer (`(layer + 1) % n == 0`) skips RoPE (SmolLM3's 4), or nil.
    public let noRopeLayerInterval: Int?
    /// The file's `embedding_scale`, `residual_scale`, `attention.scale` and `logit_scale`
    /// multipliers apply (Granite).
    public let readsScaleMultipliers: Bool
    /// The mixer of the layers the file gives no key/value heads, nil for a plain transformer.
    public let recurrentMixer: RecurrentMixer?
    /// The final norm's tensor (LFM2's converter calls it `token_embd_norm`).
    public let outputNormName: String
    /// The norm before the FFN (Qwen3.5's is `post_attention_norm`).
    public let feedForwardNormName: String
    /// Sliding-window layers have heads of their own sizes (`attention.key_length_swa`,
    /// `attention.value_length_swa`, `rope.dimension_count_swa`); other families' graphs
    /// ignore those keys, so they do too.
    public let readsSlidingWindowHeadSizes: Bool
    /// The query projection also gives a gate per head: attention's output is multiplied
    /// by its sigmoid before the output projection (Qwen3.5's gated attention).
    public let gatesAttentionOutput: Bool
    /// Gemma 4's per-layer token inputs: a slice per layer from `per_layer_token_embd` and a
    /// projection of the embedding, gated into each layer's output (when the file gives
    /// `embedding_length_per_layer_input`).
    public let readsPerLayerInputs: Bool
    /// The last `attention.shared_kv_layers` layers attend over an earlier layer's cache.
    public let sharesKeyValueLayers: Bool
    /// Attention scores are query·key unscaled (Gemma 4's norms set the scale).
    public let unitAttentionScale: Bool
    /// Values are RMS-normalised per head (without a weight) before they are cached.
    public let normalizesValues: Bool
    /// Each layer's output, residual included, is multiplied by its `layer_output_scale`.
    public let scalesLayerOutput: Bool
    /// `rope_freqs` divides the frequencies of global layers only (Gemma 4's proportional
    /// RoPE); sliding-window layers rotate plainly.
    public let ropeFactorsOnGlobalLayersOnly: Bool

    public init(name: String, ropeStyle: RopeStyle, activation: Activation, hasQKNorm: Bool, hasPostNorms: Bool,
                scalesEmbedding: Bool, defaultSlidingWindowPattern: Int?, defaultSlidingWindowRopeBase: Float?,
                scalesQueryFirst: Bool, noRopeLayerInterval: Int? = nil, readsScaleMultipliers: Bool = false,
                recurrentMixer: RecurrentMixer? = nil, outputNormName: String = "output_norm.weight",
                feedForwardNormName: String = "ffn_norm.weight", gatesAttentionOutput: Bool = false,
                readsSlidingWindowHeadSizes: Bool = false, readsPerLayerInputs: Bool = false,
                sharesKeyValueLayers: Bool = false, unitAttentionScale: Bool = false, normalizesValues: Bool = false,
                scalesLayerOutput: Bool = false, ropeFactorsOnGlobalLayersOnly: Bool = false) {
        self.name = name
        self.ropeStyle = ropeStyle
        self.activation = activation
        self.hasQKNorm = hasQKNorm
        self.hasPostNorms = hasPostNorms
        self.scalesEmbedding = scalesEmbedding
        self.defaultSlidingWindowPattern = defaultSlidingWindowPattern
        self.defaultSlidingWindowRopeBase = defaultSlidingWindowRopeBase
        self.scalesQueryFirst = scalesQueryFirst
        self.noRopeLayerInterval = noRopeLayerInterval
        self.readsScaleMultipliers = readsScaleMultipliers
        self.recurrentMixer = recurrentMixer
        self.outputNormName = outputNormName
        self.feedForwardNormName = feedForwardNormName
        self.gatesAttentionOutput = gatesAttentionOutput
        self.readsSlidingWindowHeadSizes = readsSlidingWindowHeadSizes
        self.readsPerLayerInputs = readsPerLayerInputs
        self.sharesKeyValueLayers = sharesKeyValueLayers
        self.unitAttentionScale = unitAttentionScale
        self.normalizesValues = normalizesValues
        self.scalesLayerOutput = scalesLayerOutput
        self.ropeFactorsOnGlobalLayersOnly = ropeFactorsOnGlobalLayersOnly
    }

    public static let llama = Architecture(
        name: "llama", ropeStyle: .normal, activation: .silu, hasQKNorm: false, hasPostNorms: false,
        scalesEmbedding: false, defaultSlidingWindowPattern: nil, defaultSlidingWindowRopeBase: nil,
        scalesQueryFirst: false)

    public static let qwen2 = Architecture(
        name: "qwen2", ropeStyle: .neox, activation: .silu, hasQKNorm: false, hasPostNorms: false,
        scalesEmbedding: false, defaultSlidingWindowPattern: nil, defaultSlidingWindowRopeBase: nil,
        scalesQueryFirst: false)

    public static let phi3 = Architecture(
        name: "phi3", ropeStyle: .neox, activation: .silu, hasQKNorm: false, hasPostNorms: false,
        scalesEmbedding: false, defaultSlidingWindowPattern: nil, defaultSlidingWindowRopeBase: nil,
        scalesQueryFirst: false)

    public static let gemma3 = Architecture(
        name: "gemma3", ropeStyle: .neox, activation: .geluTanh, hasQKNorm: true, hasPostNorms: true,
        scalesEmbedding: true, defaultSlidingWindowPattern: 6, defaultSlidingWindowRopeBase: 10_000,
        scalesQueryFirst: true)

    /// Qwen3: Qwen2's layout without the QKV biases, with per-head Q/K norms.
    public static let qwen3 = Architecture(
        name: "qwen3", ropeStyle: .neox, activation: .silu, hasQKNorm: true, hasPostNorms: false,
        scalesEmbedding: false, defaultSlidingWindowPattern: nil, defaultSlidingWindowRopeBase: nil,
        scalesQueryFirst: false)

    /// SmolLM3: Llama with RoPE left out of every fourth layer.
    public static let smollm3 = Architecture(
        name: "smollm3", ropeStyle: .normal, activation: .silu, hasQKNorm: false, hasPostNorms: false,
        scalesEmbedding: false, defaultSlidingWindowPattern: nil, defaultSlidingWindowRopeBase: nil,
        scalesQueryFirst: false, noRopeLayerInterval: 4)

    /// Granite 3.x and 4.0 dense: Llama with embedding, residual, attention and logit
    /// multipliers from the file.
    public static let granite = Architecture(
        name: "granite", ropeStyle: .normal, activation: .silu, hasQKNorm: false, hasPostNorms: false,
        scalesEmbedding: false, defaultSlidingWindowPattern: nil, defaultSlidingWindowRopeBase: nil,
        scalesQueryFirst: false, readsScaleMultipliers: true)

    /// LFM2 / LFM2.5 dense: gated short-convolution layers between GQA attention layers
    /// with per-head Q/K norms; the file says which layer is which.
    public static let lfm2 = Architecture(
        name: "lfm2", ropeStyle: .neox, activation: .silu, hasQKNorm: true, hasPostNorms: false,
        scalesEmbedding: false, defaultSlidingWindowPattern: nil, defaultSlidingWindowRopeBase: nil,
        scalesQueryFirst: false, recurrentMixer: .shortConvolution, outputNormName: "token_embd_norm.weight")

    /// Qwen3.5 dense: Gated DeltaNet layers with a gated full-attention layer every
    /// `full_attention_interval`-th (partial rotary, per-head Q/K norms); the FFN's norm is
    /// called `post_attention_norm`.
    public static let qwen35 = Architecture(
        name: "qwen35", ropeStyle: .neox, activation: .silu, hasQKNorm: true, hasPostNorms: false,
        scalesEmbedding: false, defaultSlidingWindowPattern: nil, defaultSlidingWindowRopeBase: nil,
        scalesQueryFirst: false, recurrentMixer: .gatedDeltaNet, feedForwardNormName: "post_attention_norm.weight",
        gatesAttentionOutput: true)

    /// Gemma 4 dense (E2B, E4B, 31B): Gemma 3's layout with sliding-window and global layers
    /// of their own head sizes (and key/value head counts), per-layer token inputs, the last
    /// layers reading earlier layers' caches, values RMS-normalised, unscaled scores, a
    /// per-layer output scale, and proportional RoPE (divisors) on the global layers.
    public static let gemma4 = Architecture(
        name: "gemma4", ropeStyle: .neox, activation: .geluTanh, hasQKNorm: true, hasPostNorms: true,
        scalesEmbedding: true, defaultSlidingWindowPattern: 5, defaultSlidingWindowRopeBase: 10_000,
        scalesQueryFirst: false, readsSlidingWindowHeadSizes: true, readsPerLayerInputs: true,
        sharesKeyValueLayers: true, unitAttentionScale: true, normalizesValues: true, scalesLayerOutput: true,
        ropeFactorsOnGlobalLayersOnly: true)

    /// Every supported family.
    public static let all: [Architecture] = [
        .llama, .qwen2, .phi3, .gemma3, .qwen3, .smollm3, .granite, .lfm2, .qwen35, .gemma4,
    ]

    /// The family a GGUF's `general.architecture` names, or nil when unsupported.
    public static func named(_ name: String) -> Architecture? { all.first { $0.name == name } }
}
