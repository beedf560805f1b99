/// A Gated DeltaNet layer's weights (Qwen3.5's linear attention), named as llama.cpp's
/// converter writes them.
struct DeltaNetWeights: Sendable {
    /// Embedding to Q|K|V, the convolution's input (`attn_qkv`).
    let inputProjection: WeightMatrix
    /// Embedding to the output gate z, one value per output value (`attn_gate`).
    let outputGate: WeightMatrix
    /// Embedding to one beta and one decay input per value head.
    let beta: WeightMatrix
    let alpha: WeightMatrix
    /// (channels, taps): channel `c`'s taps at `c * taps`, the oldest input's first.
    let filter: [Float]
    /// Per value head: the decay input's bias (`ssm_dt.bias`) and its scale, -exp(A_log) (`ssm_a`).
    let decayBias: [Float]
    let decayScale: [Float]
    /// The gated RMS norm's weight, per head length (`ssm_norm`).
    let outputNorm: [Float]
    let outputProjection: WeightMatrix

    init(prefix: String, loader: TensorLoader, hyper: Hyperparameters, shape: DeltaNetShape) throws(EngineError) {
        let embedding = hyper.embeddingLength
        inputProjection = try loader.matrix(prefix + "attn_qkv.weight", inputs: embedding,
                                            outputs: shape.convolutionChannels)
        outputGate = try loader.matrix(prefix + "attn_gate.weight", inputs: embedding, outputs: shape.valueWidth)
        beta = try loader.matrix(prefix + "ssm_beta.weight", inputs: embedding, outputs: shape.valueHeads)
        alpha = try loader.matrix(prefix + "ssm_alpha.weight", inputs: embedding, outputs: shape.valueHeads)
        filter = try loader.vector(prefix + "ssm_conv1d.weight", count: shape.convolutionChannels * shape.convolutionLength)
        decayBias = try loader.vector(prefix + "ssm_dt.bias", count: shape.valueHeads)
        decayScale = try loader.vector(prefix + "ssm_a", count: shape.valueHeads)
        outputNorm = try loader.vector(prefix + "ssm_norm.weight", count: shape.headLength)
        outputProjection = try loader.matrix(prefix + "ssm_out.weight", inputs: shape.valueWidth, outputs: embedding)
    }
}
