/// One decoder block's weights. Names follow llama.cpp (`blk.N.attn_q.weight`, …).
struct LayerWeights: Sendable {
    /// What mixes positions: attention over the cache, or a recurrent mixer carrying state.
    enum Mixer: Sendable {
        case attention(AttentionWeights)
        case shortConvolution(ShortConvolutionWeights)
    }

    /// Gate and up: separate projections, or one fused matrix whose rows are gate|up.
    enum FeedForward: Sendable {
        case separate(gate: WeightMatrix, up: WeightMatrix)
        case fused(WeightMatrix)
    }

    /// The norm before the mixer (`attn_norm`, whatever the mixer is).
    let attentionNorm: [Float]
    let mixer: Mixer
    let postAttentionNorm: [Float]?
    let feedForwardNorm: [Float]
    let feedForward: FeedForward
    let down: WeightMatrix
    let postFeedForwardNorm: [Float]?
    /// Whether this layer attends only to a sliding window of recent positions.
    let isSlidingWindow: Bool

    init(index: Int, loader: TensorLoader, hyper: Hyperparameters, architecture: Architecture) throws(EngineError) {
        let prefix = "blk.\(index)."
        let embedding = hyper.embeddingLength
        attentionNorm = try loader.vector(prefix + "attn_norm.weight", count: embedding)
        if hyper.attentionLayers[index] {
            mixer = .attention(try AttentionWeights(prefix: prefix, loader: loader, hyper: hyper, architecture: architecture))
        } else {
            mixer = .shortConvolution(try ShortConvolutionWeights(prefix: prefix, loader: loader, hyper: hyper))
        }
        feedForwardNorm = try loader.vector(prefix + "ffn_norm.weight", count: embedding)
        let hidden = hyper.feedForwardLength
        if loader.has(prefix + "ffn_gate.weight") {
            feedForward = .separate(
                gate: try loader.matrix(prefix + "ffn_gate.weight", inputs: embedding, outputs: hidden),
                up: try loader.matrix(prefix + "ffn_up.weight", inputs: embedding, outputs: hidden))
        } else {
            feedForward = .fused(try loader.matrix(prefix + "ffn_up.weight", inputs: embedding, outputs: 2 * hidden))
        }
        down = try loader.matrix(prefix + "ffn_down.weight", inputs: hidden, outputs: embedding)
        if architecture.hasPostNorms {
            postAttentionNorm = try loader.vector(prefix + "post_attention_norm.weight", count: embedding)
            postFeedForwardNorm = try loader.vector(prefix + "post_ffw_norm.weight", count: embedding)
        } else {
            postAttentionNorm = nil
            postFeedForwardNorm = nil
        }
        isSlidingWindow = hyper.slidingWindowLayers[index]
    }
}

/// An attention layer's projections, biases and per-head norms.
struct AttentionWeights: Sendable {
    /// Q, K and V: separate projections, or one fused matrix whose rows are Q|K|V.
    enum Projections: Sendable {
        case separate(query: WeightMatrix, key: WeightMatrix, value: WeightMatrix)
        case fused(WeightMatrix)
    }

    let projections: Projections
    let queryBias: [Float]?
    let keyBias: [Float]?
    let valueBias: [Float]?
    let queryNorm: [Float]?
    let keyNorm: [Float]?
    let output: WeightMatrix

    init(prefix: String, loader: TensorLoader, hyper: Hyperparameters, architecture: Architecture) throws(EngineError) {
        let embedding = hyper.embeddingLength
        let queryWidth = hyper.headCount * hyper.keyLength
        let keyWidth = hyper.headCountKV * hyper.keyLength
        let valueWidth = hyper.headCountKV * hyper.valueLength
        if loader.has(prefix + "attn_qkv.weight") {
            projections = .fused(try loader.matrix(prefix + "attn_qkv.weight", inputs: embedding,
                                                   outputs: queryWidth + keyWidth + valueWidth))
        } else {
            projections = .separate(
                query: try loader.matrix(prefix + "attn_q.weight", inputs: embedding, outputs: queryWidth),
                key: try loader.matrix(prefix + "attn_k.weight", inputs: embedding, outputs: keyWidth),
                value: try loader.matrix(prefix + "attn_v.weight", inputs: embedding, outputs: valueWidth))
        }
        queryBias = try loader.optionalVector(prefix + "attn_q.bias", count: queryWidth)
        keyBias = try loader.optionalVector(prefix + "attn_k.bias", count: keyWidth)
        valueBias = try loader.optionalVector(prefix + "attn_v.bias", count: valueWidth)
        if architecture.hasQKNorm {
            queryNorm = try loader.vector(prefix + "attn_q_norm.weight", count: hyper.keyLength)
            keyNorm = try loader.vector(prefix + "attn_k_norm.weight", count: hyper.keyLength)
        } else {
            queryNorm = nil
            keyNorm = nil
        }
        output = try loader.matrix(prefix + "attn_output.weight", inputs: hyper.headCount * hyper.valueLength,
                                   outputs: embedding)
    }
}

/// A gated short-convolution layer's weights (LFM2): `in_proj` makes B, C and x of the
/// embedding's width each; one filter of `shortconv.l_cache` taps per channel.
struct ShortConvolutionWeights: Sendable {
    let inputProjection: WeightMatrix
    /// (embedding, length): channel `c`'s taps at `c * length`, the oldest input's first.
    let filter: [Float]
    let outputProjection: WeightMatrix

    init(prefix: String, loader: TensorLoader, hyper: Hyperparameters) throws(EngineError) {
        let embedding = hyper.embeddingLength
        inputProjection = try loader.matrix(prefix + "shortconv.in_proj.weight", inputs: embedding,
                                            outputs: 3 * embedding)
        filter = try loader.vector(prefix + "shortconv.conv.weight", count: embedding * hyper.shortConvolutionLength)
        outputProjection = try loader.matrix(prefix + "shortconv.out_proj.weight", inputs: embedding, outputs: embedding)
    }
}
