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
    /// The FFN's hidden width in this layer.
    let feedForwardLength: Int
    /// Gemma 4's per-layer input: its gate (embedding -> per-layer width), the projection
    /// back and the norm after it; nil without per-layer inputs.
    let perLayerInput: PerLayerInputWeights?
    /// Multiplies the layer's output, residual included (`layer_output_scale`).
    let outputScale: Float?

    /// The weights that mix a layer's slice of the per-layer token inputs into its output.
    struct PerLayerInputWeights: Sendable {
        let gate: WeightMatrix
        let projection: WeightMatrix
        let postNorm: [Float]
    }

    init(index: Int, loader: TensorLoader, hyper: Hyperparameters, architecture: Architecture) throws(EngineError) {
        let prefix = "blk.\(index)."
        let embedding = hyper.embeddingLength
        attentionNorm = try loader.vector(prefix + "attn_norm.weight", count: embedding)
        if hyper.attentionLayers[index] {
            mixer = .attention(try AttentionWeights(
                prefix: prefix, loader: loader, hyper: hyper, geometry: hyper.geometry(layer: index),
                architecture: architecture, keepsKeyValues: hyper.keyValueSources[index] == index))
        } else if let shape = hyper.deltaNet {
            mixer = .gatedDeltaNet(try DeltaNetWeights(prefix: prefix, loader: loader, hyper: hyper, shape: shape))
        } else {
            mixer = .shortConvolution(try ShortConvolutionWeights(prefix: prefix, loader: loader, hyper: hyper))
        }
        feedForwardNorm = try loader.vector(prefix + architecture.feedForwardNormName, count: embedding)
        if loader.has(prefix + "ffn_gate_inp.weight") {
            throw .unsupportedTensorType(tensor: prefix + "ffn_gate_inp.weight",
                                         type: "a mixture-of-experts router (MoE layers are not supported)")
        }
        let hidden = hyper.feedForwardLengths[index]
        feedForwardLength = hidden
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
        if hyper.perLayerInputLength > 0 {
            let width = hyper.perLayerInputLength
            perLayerInput = PerLayerInputWeights(
                gate: try loader.matrix(prefix + "inp_gate.weight", inputs: embedding, outputs: width),
                projection: try loader.matrix(prefix + "proj.weight", inputs: width, outputs: embedding),
                postNorm: try loader.vector(prefix + "post_norm.weight", count: embedding))
        } else {
            perLayerInput = nil
        }
        outputScale = architecture.scalesLayerOutput
            ? try loader.optionalVector(prefix + "layer_output_scale.weight", count: 1)?[0] : nil
    }
}
