/// One decoder block's weights. Names follow llama.cpp (`blk.N.attn_q.weight`, …).
struct LayerWeights: Sendable {
    /// What mixes positions: attention over the cache, or a recurrent mixer carrying state.
    enum Mixer: Sendable {
        case attention(AttentionWeights)
        case shortConvolution(ShortConvolutionWeights)
        case gatedDeltaNet(DeltaNetWeights)
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
            mixer = .attention(try AttentionWeights(prefix: prefix, loader: loader, hyper: hyper,
                                                    geometry: hyper.geometry(layer: index), architecture: architecture))
        } else if let shape = hyper.deltaNet {
            mixer = .gatedDeltaNet(try DeltaNetWeights(prefix: prefix, loader: loader, hyper: hyper, shape: shape))
        } else {
            mixer = .shortConvolution(try ShortConvolutionWeights(prefix: prefix, loader: loader, hyper: hyper))
        }
        feedForwardNorm = try loader.vector(prefix + architecture.feedForwardNormName, count: embedding)
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
