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

    init(prefix: String, loader: TensorLoader, hyper: Hyperparameters, geometry g: AttentionGeometry,
         architecture: Architecture) throws(EngineError) {
        let embedding = hyper.embeddingLength
        // a gated family's query rows give each head's query, then its gate
        let queryWidth = hyper.headCount * g.keyLength * (architecture.gatesAttentionOutput ? 2 : 1)
        let keyWidth = hyper.headCountKV * g.keyLength
        let valueWidth = hyper.headCountKV * g.valueLength
        if !architecture.gatesAttentionOutput, loader.has(prefix + "attn_qkv.weight") {
            projections = .fused(try loader.matrix(prefix + "attn_qkv.weight", inputs: embedding,
                                                   outputs: queryWidth + keyWidth + valueWidth))
        } else {
            projections = .separate(
                query: try loader.matrix(prefix + "attn_q.weight", inputs: embedding, outputs: queryWidth),
                key: try loader.matrix(prefix + "attn_k.weight", inputs: embedding, outputs: keyWidth),
                value: try loader.matrix(prefix + "attn_v.weight", inputs: embedding, outputs: valueWidth))
        }
        queryBias = try loader.optionalVector(prefix + "attn_q.bias", count: hyper.headCount * g.keyLength)
        keyBias = try loader.optionalVector(prefix + "attn_k.bias", count: keyWidth)
        valueBias = try loader.optionalVector(prefix + "attn_v.bias", count: valueWidth)
        if architecture.hasQKNorm {
            queryNorm = try loader.vector(prefix + "attn_q_norm.weight", count: g.keyLength)
            keyNorm = try loader.vector(prefix + "attn_k_norm.weight", count: g.keyLength)
        } else {
            queryNorm = nil
            keyNorm = nil
        }
        output = try loader.matrix(prefix + "attn_output.weight", inputs: hyper.headCount * g.valueLength,
                                   outputs: embedding)
    }
}
