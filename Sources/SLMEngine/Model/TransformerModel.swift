/// A decoder-only transformer loaded from a GGUF file: hyperparameters, the family's
/// `Architecture` and weights that stay in the file's read-only mapping — except matrices
/// the active kernels read faster packed (`PackedWeights`), whose copies replace their
/// mapped pages.
///
/// ```swift
/// let model = try TransformerModel(file: GGUFFile(path: path))
/// let session = try InferenceSession(model: model, contextLength: 4096)
/// let logits = try session.evaluate(promptTokens)
/// ```
public final class TransformerModel: Sendable {
    public let file: GGUFFile
    public let architecture: Architecture
    public let hyperparameters: Hyperparameters
    let tokenEmbedding: WeightMatrix
    let layers: [LayerWeights]
    let outputNorm: [Float]
    /// The LM head: `output.weight`, or the token embedding when the model ties them.
    let output: WeightMatrix
    /// Per-frequency divisors for RoPE (`rope_freqs.weight`, Llama 3.1+), when present.
    let ropeFrequencyFactors: [Float]?
    /// LongRoPE's divisors (Phi-3.5 / Phi-4-mini): short ones up to the original context,
    /// long ones beyond it.
    let ropeFactorsShort: [Float]?
    let ropeFactorsLong: [Float]?
    /// Gemma 4's per-layer token inputs: each token's slices for all layers, the projection
    /// of the embedding to them and the norm of each projected slice; nil without them.
    let perLayerInputs: PerLayerInputs?
    /// Rearranged copies of matrices the kernels read faster packed (empty on most CPUs).
    let packedWeights: PackedWeights
    /// Tells this model's file from any other: what a saved context is checked against.
    public let fingerprint: ModelFingerprint

    public init(file: GGUFFile) throws(EngineError) {
        let name = file["general.architecture"]?.stringValue ?? "(none)"
        guard let architecture = Architecture.named(name) else { throw .unsupportedArchitecture(name) }
        let hyper = try Hyperparameters(file: file, architecture: architecture)
        fingerprint = ModelFingerprint(file)
        let packedWeights = PackedWeights(file: file)
        let loader = TensorLoader(file: file, packing: packedWeights)
        self.packedWeights = packedWeights
        self.file = file
        self.architecture = architecture
        hyperparameters = hyper
        tokenEmbedding = try loader.matrix("token_embd.weight", inputs: hyper.embeddingLength,
                                           outputs: hyper.vocabularySize)
        var layers: [LayerWeights] = []
        for index in 0..<hyper.layerCount {
            layers.append(try LayerWeights(index: index, loader: loader, hyper: hyper, architecture: architecture))
        }
        self.layers = layers
        perLayerInputs = hyper.perLayerInputLength > 0 ? try PerLayerInputs(loader: loader, hyper: hyper) : nil
        outputNorm = try loader.vector(architecture.outputNormName, count: hyper.embeddingLength)
        output = try loader.optionalMatrix("output.weight", inputs: hyper.embeddingLength,
                                           outputs: hyper.vocabularySize) ?? tokenEmbedding
        let factorCount = hyper.globalGeometry.ropeDimensions / 2
        ropeFrequencyFactors = try loader.optionalVector("rope_freqs.weight", count: factorCount)
        ropeFactorsShort = try loader.optionalVector("rope_factors_short.weight", count: factorCount)
        ropeFactorsLong = try loader.optionalVector("rope_factors_long.weight", count: factorCount)
    }

    /// The RoPE divisors a session of `contextLength` tokens uses: as the reference, the
    /// long LongRoPE factors when the context exceeds the original one.
    func ropeFactors(contextLength: Int) -> [Float]? {
        if let ropeFrequencyFactors { return ropeFrequencyFactors }
        if contextLength > hyperparameters.originalContextLength, let ropeFactorsLong { return ropeFactorsLong }
        return ropeFactorsShort
    }

    /// Bytes of KV cache one token takes (keys and values over the attention layers) in `cacheType`.
    public func kvBytesPerToken(cacheType: KVCacheType = .f16) -> Int {
        let h = hyperparameters
        return h.attentionGeometries.reduce(0) { bytes, geometry in
            bytes + cacheType.bytes(values: geometry.keyWidth) + cacheType.bytes(values: geometry.valueWidth)
        }
    }

    /// The inputs Gemma 4 gives each layer from the token and the embedding.
    struct PerLayerInputs: Sendable {
        /// Rows of `layers × width` per token (`per_layer_token_embd`).
        let tokenEmbedding: WeightMatrix
        /// The embedding to `layers × width` (`per_layer_model_proj`).
        let projection: WeightMatrix
        /// The norm of each layer's projected slice (`per_layer_proj_norm`).
        let projectionNorm: [Float]

        init(loader: TensorLoader, hyper: Hyperparameters) throws(EngineError) {
            let width = hyper.perLayerInputLength * hyper.layerCount
            tokenEmbedding = try loader.matrix("per_layer_token_embd.weight", inputs: width, outputs: hyper.vocabularySize)
            projection = try loader.matrix("per_layer_model_proj.weight", inputs: hyper.embeddingLength, outputs: width)
            projectionNorm = try loader.vector("per_layer_proj_norm.weight", count: hyper.perLayerInputLength)
        }
    }
}
