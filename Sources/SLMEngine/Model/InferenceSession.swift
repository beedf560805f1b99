import Foundation
import SLMKernels

/// Runs a `TransformerModel` over tokens with a KV cache: the forward pass.
///
/// A session belongs to one conversation and one task at a time (it is not Sendable).
/// `evaluate` keeps the tokens it has seen, so a later call that starts with them only
/// runs the new ones — a follow-up turn costs only its own tokens.
public final class InferenceSession {
    public let model: TransformerModel
    public let contextLength: Int
    private let cache: KVCache
    private let scratch: Scratch

    /// Buffers for one position's activations, allocated once per session.
    private final class Scratch {
        let hidden: UnsafeMutablePointer<Float>      // (embedding) the residual stream
        let normed: UnsafeMutablePointer<Float>      // (embedding)
        let branch: UnsafeMutablePointer<Float>      // (embedding) a block's output
        let query: UnsafeMutablePointer<Float>       // (heads * keyLength)
        let key: UnsafeMutablePointer<Float>         // (kvHeads * keyLength)
        let value: UnsafeMutablePointer<Float>       // (kvHeads * valueLength)
        let fused: UnsafeMutablePointer<Float>       // (fused QKV or gate|up rows)
        let attention: UnsafeMutablePointer<Float>   // (heads * valueLength)
        let gate: UnsafeMutablePointer<Float>        // (feedForward)
        let up: UnsafeMutablePointer<Float>          // (feedForward)
        let scores: UnsafeMutablePointer<Float>      // (context)
        let logits: UnsafeMutablePointer<Float>      // (vocabulary)
        let input: ActivationBuffer
        private let owned: [UnsafeMutablePointer<Float>]

        init(hyper h: Hyperparameters, context: Int, threads: Int) {
            func buffer(_ count: Int) -> UnsafeMutablePointer<Float> {
                let pointer = UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
                pointer.initialize(repeating: 0, count: max(count, 1))
                return pointer
            }
            let queryWidth = h.headCount * h.keyLength
            let kvWidth = h.headCountKV * (h.keyLength + h.valueLength)
            hidden = buffer(h.embeddingLength)
            normed = buffer(h.embeddingLength)
            branch = buffer(h.embeddingLength)
            query = buffer(queryWidth)
            key = buffer(h.headCountKV * h.keyLength)
            value = buffer(h.headCountKV * h.valueLength)
            fused = buffer(max(queryWidth + kvWidth, 2 * h.feedForwardLength))
            attention = buffer(h.headCount * h.valueLength)
            gate = buffer(h.feedForwardLength)
            up = buffer(h.feedForwardLength)
            scores = buffer(max(context, h.keyLength, h.valueLength))
            logits = buffer(h.vocabularySize)
            owned = [hidden, normed, branch, query, key, value, fused, attention, gate, up, scores, logits]
            input = ActivationBuffer(capacity: max(h.embeddingLength, h.feedForwardLength,
                                                   h.headCount * h.valueLength), threads: threads)
        }

        deinit { owned.forEach { $0.deallocate() } }
    }

    /// A session with room for `contextLength` tokens, caching keys and values as `cacheType`.
    public init(model: TransformerModel, contextLength: Int, cacheType: KVCacheType = .f16, threads: Int = 1)
        throws(EngineError)
    {
        guard contextLength > 0 else {
            throw .invalidMetadata(key: "context", reason: "context length must be positive")
        }
        self.model = model
        self.contextLength = contextLength
        cache = KVCache(hyper: model.hyperparameters, contextLength: contextLength, type: cacheType)
        scratch = Scratch(hyper: model.hyperparameters, context: contextLength, threads: max(1, threads))
    }

    /// The tokens whose state the cache holds.
    public var cachedTokens: [Int] { cache.tokens }

    /// How many leading tokens of `tokens` the cache already holds.
    public func cachedPrefixLength(of tokens: [Int]) -> Int { cache.sharedPrefixLength(with: tokens) }

    /// Makes the cache hold exactly `tokens` and returns the logits after the last one.
    /// Only the part after the longest prefix already cached is computed. `isCancelled`
    /// is asked before each position; when it says yes, the call throws `.cancelled` and
    /// the cache keeps what was evaluated.
    public func evaluate(_ tokens: [Int], isCancelled: () -> Bool = { false }) throws(EngineError) -> [Float] {
        guard !tokens.isEmpty else { throw .emptyPrompt }
        guard tokens.count <= contextLength else { throw .promptTooLong(tokens: tokens.count, context: contextLength) }
        let vocabulary = model.hyperparameters.vocabularySize
        if let bad = tokens.first(where: { $0 < 0 || $0 >= vocabulary }) {
            throw .tokenOutOfRange(bad, vocabulary: vocabulary)
        }
        // keep at least the last token to recompute: its logits are not stored
        let reused = min(cache.sharedPrefixLength(with: tokens), tokens.count - 1)
        cache.truncate(to: reused)
        for position in reused..<tokens.count {
            if isCancelled() { throw .cancelled }
            forward(token: tokens[position], position: position)
            cache.append(tokens[position])
        }
        return computeLogits()
    }

    /// Evaluates one more token after the cached ones and returns the next logits.
    public func append(_ token: Int, isCancelled: () -> Bool = { false }) throws(EngineError) -> [Float] {
        try evaluate(cache.tokens + [token], isCancelled: isCancelled)
    }

    /// Forgets the cache.
    public func reset() { cache.truncate(to: 0) }

    // MARK: - Forward pass

    private func forward(token: Int, position: Int) {
        let h = model.hyperparameters
        let s = scratch
        let embedding = h.embeddingLength
        model.tokenEmbedding.dequantizeRow(token, into: s.hidden)
        if model.architecture.scalesEmbedding {
            slm_scale(s.hidden, Float(embedding).squareRoot(), Int64(embedding))
        }
        for (index, layer) in model.layers.enumerated() {
            attentionBlock(layer, index: index, position: position)
            feedForwardBlock(layer)
        }
    }

    private func attentionBlock(_ layer: LayerWeights, index: Int, position: Int) {
        let h = model.hyperparameters
        let s = scratch
        let embedding = Int64(h.embeddingLength)
        slm_rms_norm(s.hidden, layer.attentionNorm, s.normed, embedding, h.rmsEpsilon)
        s.input.load(s.normed, count: h.embeddingLength)
        let queryWidth = h.headCount * h.keyLength
        let keyWidth = h.headCountKV * h.keyLength
        let valueWidth = h.headCountKV * h.valueLength
        switch layer.attention {
        case .separate(let query, let key, let value):
            s.input.multiply(query, into: s.query)
            s.input.multiply(key, into: s.key)
            s.input.multiply(value, into: s.value)
        case .fused(let qkv):
            s.input.multiply(qkv, into: s.fused)
            s.query.update(from: s.fused, count: queryWidth)
            s.key.update(from: s.fused + queryWidth, count: keyWidth)
            s.value.update(from: s.fused + queryWidth + keyWidth, count: valueWidth)
        }
        if let bias = layer.queryBias { slm_add(s.query, bias, Int64(queryWidth)) }
        if let bias = layer.keyBias { slm_add(s.key, bias, Int64(keyWidth)) }
        if let bias = layer.valueBias { slm_add(s.value, bias, Int64(valueWidth)) }

        let base = layer.isSlidingWindow ? h.ropeBaseSlidingWindow : h.ropeBase
        let neox: Int32 = model.architecture.ropeStyle == .neox ? 1 : 0
        let headLength = Int64(h.keyLength)
        model.ropeFrequencyFactors.withOptionalPointer { factors in
            for head in 0..<h.headCount {
                let q = s.query + head * h.keyLength
                if let norm = layer.queryNorm { slm_rms_norm(q, norm, q, headLength, h.rmsEpsilon) }
                slm_rope(q, headLength, Int64(h.ropeDimensions), Int64(position), base, factors, neox)
            }
            for head in 0..<h.headCountKV {
                let k = s.key + head * h.keyLength
                if let norm = layer.keyNorm { slm_rms_norm(k, norm, k, headLength, h.rmsEpsilon) }
                slm_rope(k, headLength, Int64(h.ropeDimensions), Int64(position), base, factors, neox)
            }
        }
        cache.store(layer: index, position: position, key: s.key, value: s.value)

        let first = layer.isSlidingWindow ? max(0, position - h.slidingWindow + 1) : 0
        let groupSize = h.headCount / h.headCountKV
        let keys = cache.keys(layer: index), values = cache.values(layer: index)
        for head in 0..<h.headCount {
            let kvHead = head / groupSize
            let query = s.query + head * h.keyLength
            let out = s.attention + head * h.valueLength
            let softcap = h.attentionLogitSoftcap ?? 0
            switch cache.type {
            case .f16:
                let k = keys.assumingMemoryBound(to: UInt16.self) + kvHead * h.keyLength
                let v = values.assumingMemoryBound(to: UInt16.self) + kvHead * h.valueLength
                slm_attend_f16(query, k, v, Int64(cache.keyRowLength), headLength, Int64(first),
                               Int64(position + 1), h.attentionScale, softcap, s.scores, out)
            case .f32:
                let k = keys.assumingMemoryBound(to: Float.self) + kvHead * h.keyLength
                let v = values.assumingMemoryBound(to: Float.self) + kvHead * h.valueLength
                slm_attend_f32(query, k, v, Int64(cache.keyRowLength), headLength, Int64(first),
                               Int64(position + 1), h.attentionScale, softcap, s.scores, out)
            }
        }
        s.input.load(s.attention, count: h.headCount * h.valueLength)
        s.input.multiply(layer.attentionOutput, into: s.branch)
        if let norm = layer.postAttentionNorm { slm_rms_norm(s.branch, norm, s.branch, embedding, h.rmsEpsilon) }
        slm_add(s.hidden, s.branch, embedding)
    }

    private func feedForwardBlock(_ layer: LayerWeights) {
        let h = model.hyperparameters
        let s = scratch
        let embedding = Int64(h.embeddingLength)
        let hidden = h.feedForwardLength
        slm_rms_norm(s.hidden, layer.feedForwardNorm, s.normed, embedding, h.rmsEpsilon)
        s.input.load(s.normed, count: h.embeddingLength)
        switch layer.feedForward {
        case .separate(let gate, let up):
            s.input.multiply(gate, into: s.gate)
            s.input.multiply(up, into: s.up)
        case .fused(let gateUp):
            s.input.multiply(gateUp, into: s.fused)
            s.gate.update(from: s.fused, count: hidden)
            s.up.update(from: s.fused + hidden, count: hidden)
        }
        let activation: Int32 = model.architecture.activation == .geluTanh ? 1 : 0
        slm_gated_activation(s.gate, s.up, Int64(hidden), activation)
        s.input.load(s.gate, count: hidden)
        s.input.multiply(layer.down, into: s.branch)
        if let norm = layer.postFeedForwardNorm { slm_rms_norm(s.branch, norm, s.branch, embedding, h.rmsEpsilon) }
        slm_add(s.hidden, s.branch, embedding)
    }

    private func computeLogits() -> [Float] {
        let h = model.hyperparameters
        let s = scratch
        slm_rms_norm(s.hidden, model.outputNorm, s.normed, Int64(h.embeddingLength), h.rmsEpsilon)
        s.input.load(s.normed, count: h.embeddingLength)
        s.input.multiply(model.output, into: s.logits)
        var logits = Array(UnsafeBufferPointer(start: s.logits, count: h.vocabularySize))
        if let cap = h.finalLogitSoftcap {
            for index in logits.indices { logits[index] = cap * tanhf(logits[index] / cap) }
        }
        return logits
    }
}

extension Optional where Wrapped == [Float] {
    /// Calls `body` with a pointer to the array's storage, or nil.
    fileprivate func withOptionalPointer<R>(_ body: (UnsafePointer<Float>?) -> R) -> R {
        switch self {
        case .some(let array): array.withUnsafeBufferPointer { body($0.baseAddress) }
        case .none: body(nil)
        }
    }
}
