/// An attention layer's projections, biases and per-head norms.
struct AttentionWeights: Sendable {
    /// Q, K and V: separate projections, or one fused matrix whose rows are Q|K|V; only Q
    /// in a layer that attends over an earlier layer's cache.
    enum Projections: Sendable {
        /// Without a value projection the values are the keys before their norm (Gemma 4's
        /// `attention_k_eq_v`).
        case separate(query: WeightMatrix, key: WeightMatrix, value: WeightMatrix?)
        case fused(WeightMatrix)
        case queryOnly(WeightMatrix)
    }

    let projections: Projections
    let queryBias: [Float]?
    let keyBias: [Float]?
    let valueBias: [Float]?
    let queryNorm: [Float]?
    let keyNorm: [Float]?
    let output: WeightMatrix

    /// `keepsKeyValues` is false for a layer that reads an earlier layer's cache: its key
    /// and value projections (and key norm), if the file has them, are not used.
    init(prefix: String, loader: TensorLoader, hyper: Hyperparameters, geometry g: AttentionGeometry,
         architecture: Architecture, keepsKeyValues: Bool = true) throws(EngineError) {
        let embedding = hyper.embeddingLength
        // a gated family's query rows give each head's query, then its gate
        let queryWidth = hyper.headCount * g.keyLength * (architecture.gatesAttentionOutput ? 2 : 1)
        let keyWidth = g.keyWidth
        let valueWidth = g.valueWidth
        if !keepsKeyValues {
            projections = .queryOnly(try loader.matrix(prefix + "attn_q.weight", inputs: embedding, outputs: queryWidth))
        } else if !architecture.gatesAttentionOutput, loader.has(prefix + "attn_qkv.weight") {
            projections = .fused(try loader.matrix(prefix + "attn_qkv.weight", inputs: embedding,
                                                   outputs: queryWidth + keyWidth + valueWidth))
        } else {
            projections = .separate(
                query: try loader.matrix(prefix + "attn_q.weight", inputs: embedding, outputs: queryWidth),
                key: try loader.matrix(prefix + "attn_k.weight", inputs: embedding, outputs: keyWidth),
                value: try Self.valueProjection(prefix: prefix, loader: loader, inputs: embedding, geometry: g,
                                                architecture: architecture))
        }
        queryBias = try loader.optionalVector(prefix + "attn_q.bias", count: hyper.headCount * g.keyLength)
        keyBias = try loader.optionalVector(prefix + "attn_k.bias", count: keyWidth)
        valueBias = try loader.optionalVector(prefix + "attn_v.bias", count: valueWidth)
        if architecture.hasQKNorm {
            queryNorm = try loader.vector(prefix + "attn_q_norm.weight", count: g.keyLength)
            keyNorm = keepsKeyValues ? try loader.vector(prefix + "attn_k_norm.weight", count: g.keyLength) : nil
        } else {
            queryNorm = nil
            keyNorm = nil
        }
        output = try loader.matrix(prefix + "attn_output.weight", inputs: hyper.headCount * g.valueLength,
                                   outputs: embedding)
    }

    /// `attn_v`, or nil where a family takes the keys as values when it is absent (equal
    /// head sizes only).
    private static func valueProjection(prefix: String, loader: TensorLoader, inputs: Int, geometry g: AttentionGeometry,
                                        architecture: Architecture) throws(EngineError) -> WeightMatrix? {
        let name = prefix + "attn_v.weight"
        if architecture.normalizesValues, !loader.has(name), g.keyLength == g.valueLength { return nil }
        return try loader.matrix(name, inputs: inputs, outputs: g.valueWidth)
    }
}
