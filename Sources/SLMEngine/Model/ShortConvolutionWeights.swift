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
