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
        outputNorm = try loader.vector(architecture.outputNormName, count: hyper.embeddingLength)
        output = try loader.optionalMatrix("output.weight", inputs: hyper.embeddingLength,
                                           outputs: hyper.vocabularySize) ?? tokenEmbedding
        let factorCount = hyper.ropeDimensions / 2
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
            bytes + cacheType.bytes(values: h.headCountKV * geometry.keyLength)
                + cacheType.bytes(values: h.headCountKV * geometry.valueLength)
        }
    }
}
