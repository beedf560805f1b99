import Foundation
import SLMKernels

/// Runs a `TransformerModel` over tokens with a KV cache: the forward pass.
///
/// A session belongs to one conversation and one task at a time (it is not Sendable).
/// `evaluate` keeps the tokens it has seen, so a later call that starts with them only
/// runs the new ones — a follow-up turn costs only its own tokens. New tokens go through
/// the layers in batches: each weight matrix is read once per batch, not once per token.
public final class InferenceSession {
    /// Positions evaluated together. A multiple of four, so batched products group rows
    /// exactly as the reference's batches do.
    public static let batchSize = 128
    /// The reference's micro-batch: the batch size that selects its kernels.
    static let referenceBatchSize = 512
    /// From this many rows in a reference batch on, the reference's attention runs in
    /// tiles in single precision (`slm_attend_tiled`); below, in half precision.
    static let tiledAttentionRows = 64
    /// Batch rows per tiled-attention task.
    static let tiledAttentionBlock = 8
    /// From this many visible positions on, a row of a short batch (a generated token)
    /// attends in single precision (`slm_attend_long`, `slm_attend_long_q8_0` over a Q8_0
    /// cache); below, in the reference's arithmetic (half precision for an F16 cache). The reference leaves its one-row kernel at the same length (for its
    /// split-across-threads form, whose sums depend on the thread count); the half-precision
    /// kernel's per-position rounding and exponential made decode at 4,096 positions run at
    /// half the speed of decode at 0.
    static let longAttentionSpan = 512

    public let model: TransformerModel
    public let contextLength: Int
    /// The RoPE divisors this context uses (LongRoPE picks by context).
    private let ropeFactors: [Float]?
    private let cache: KVCache
    /// A hybrid model's recurrent layers' state, at the cache's length; nil for a transformer.
    private let recurrentState: RecurrentState?
    /// Each layer's slot in the KV cache (a layer that shares an earlier layer's cache has
    /// that layer's slot), nil for a recurrent layer.
    private let cacheSlots: [Int?]
    private let scratch: Scratch
    /// Rows of the reference-sized batch the current positions belong to.
    private var logicalBatchRows = 1

    /// Buffers for one batch of positions, allocated once per session with the sizes of a
    /// `ScratchLayout`. Each holds `batchSize` rows of the width named in its comment.
    private final class Scratch {
        let hidden: UnsafeMutablePointer<Float>      // (batch, embedding) the residual stream
        let normed: UnsafeMutablePointer<Float>      // (batch, embedding)
        let branch: UnsafeMutablePointer<Float>      // (batch, embedding) a block's output
        let query: UnsafeMutablePointer<Float>       // (batch, heads * keyLength)
        let key: UnsafeMutablePointer<Float>         // (batch, kvHeads * keyLength)
        let value: UnsafeMutablePointer<Float>       // (batch, kvHeads * valueLength)
        let fused: UnsafeMutablePointer<Float>       // (batch, fused QKV or gate|up rows)
        let attention: UnsafeMutablePointer<Float>   // (batch, heads * valueLength)
        let ropeAngles: UnsafeMutablePointer<Float>  // (batch, ropeDimensions) cosines and sines
        let gate: UnsafeMutablePointer<Float>        // (batch, feedForward)
        let up: UnsafeMutablePointer<Float>          // (batch, feedForward)
        let scores: UnsafeMutablePointer<Float>      // (threads, scoreStride) attention scratch
        let scoreStride: Int                         // max(context, head length)
        let tiledWorkspace: UnsafeMutablePointer<Float>  // (threads, tiledStride) for slm_attend_tiled
        let tiledStride: Int
        let threads: Int
        let logits: UnsafeMutablePointer<Float>      // (vocabulary)
        let convolutionWindow: UnsafeMutablePointer<Float>  // (state rows + batch, convolution channels)
        let attentionGate: UnsafeMutablePointer<Float>  // (batch, heads * keyLength) a gated attention's gates
        let deltaNet: UnsafeMutablePointer<Float>       // (batch, deltaNetWidth) see `DeltaNetRows`
        let perLayerInputs: UnsafeMutablePointer<Float> // (batch, layers * per-layer width) Gemma 4's inputs
        let deltaNetWidth: Int
        let fusedWidth: Int
        let input: ActivationBatch
        /// Bytes allocated, counted as they are: the layout's `bytes` when all is well.
        let allocatedBytes: Int
        private let owned: [UnsafeMutablePointer<Float>]

        init(_ layout: ScratchLayout) {
            var floats = 0
            func buffer(_ count: Int) -> UnsafeMutablePointer<Float> {
                floats += count
                let pointer = UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
                pointer.initialize(repeating: 0, count: max(count, 1))
                return pointer
            }
            let rows = layout.rows
            fusedWidth = layout.fused
            hidden = buffer(rows * layout.embedding)
            normed = buffer(rows * layout.embedding)
            branch = buffer(rows * layout.embedding)
            query = buffer(rows * layout.query)
            key = buffer(rows * layout.key)
            value = buffer(rows * layout.value)
            fused = buffer(rows * layout.fused)
            attention = buffer(rows * layout.attention)
            ropeAngles = buffer(rows * layout.ropeAngles)
            gate = buffer(rows * layout.feedForward)
            up = buffer(rows * layout.feedForward)
            scoreStride = layout.scoreStride
            threads = layout.threads
            scores = buffer(threads * scoreStride)
            tiledStride = layout.tiledStride
            tiledWorkspace = buffer(threads * tiledStride)
            logits = buffer(layout.vocabulary)
            convolutionWindow = buffer(layout.convolutionWindow)
            attentionGate = buffer(rows * layout.attentionGate)
            deltaNetWidth = layout.deltaNet
            deltaNet = buffer(rows * layout.deltaNet)
            perLayerInputs = buffer(rows * layout.perLayerInputs)
            owned = [
                hidden, normed, branch, query, key, value, fused, attention, ropeAngles, gate, up, scores, tiledWorkspace,
                logits, convolutionWindow, attentionGate, deltaNet, perLayerInputs,
            ]
            input = ActivationBatch(capacity: rows, maxWidth: layout.activationWidth, threads: threads)
            allocatedBytes = floats * 4 + input.allocatedBytes
        }

        deinit { owned.forEach { $0.deallocate() } }
    }

    /// A session with room for `contextLength` tokens, caching keys and values as
    /// `cacheType`, splitting matrix products over `threads` threads.
    public init(model: TransformerModel, contextLength: Int, cacheType: KVCacheType = .f16, threads: Int = 1)
        throws(EngineError)
    {
        guard contextLength > 0 else {
            throw .invalidMetadata(key: "context", reason: "context length must be positive")
        }
        let layout = try ScratchLayout(hyperparameters: model.hyperparameters, context: contextLength, threads: threads,
                                       rows: Self.batchSize)
        // the checked sizes first: the cache's allocation repeats these products unchecked
        _ = try Self.memoryNeed(hyperparameters: model.hyperparameters, contextLength: contextLength,
                                cacheType: cacheType, threads: max(1, threads))
        self.model = model
        self.contextLength = contextLength
        ropeFactors = model.ropeFactors(contextLength: contextLength)
        cache = KVCache(hyper: model.hyperparameters, contextLength: contextLength, type: cacheType)
        recurrentState = RecurrentState(hyper: model.hyperparameters)
        let h = model.hyperparameters
        var slots: [Int?] = []
        var next = 0
        for layer in 0..<h.layerCount {
            if !h.attentionLayers[layer] {
                slots.append(nil)
            } else if h.keyValueSources[layer] != layer {
                slots.append(slots[h.keyValueSources[layer]])
            } else {
                slots.append(next)
                next += 1
            }
        }
        cacheSlots = slots
        scratch = Scratch(layout)
    }

    /// Bytes this session's buffers took when it was made (the KV cache aside).
    package var scratchBytes: Int { scratch.allocatedBytes }

    /// Positions run through the layers since the session was made: what a reused prefix
    /// or a kept state saved shows here.
    package private(set) var evaluatedPositions = 0

    /// Positions of the last `evaluate`'s tokens that were not run again: its shared prefix
    /// with the cache, or for a hybrid model the kept state it continued from.
    public private(set) var reusedPositions = 0

    /// Bytes of a hybrid model's recurrent state now, its checkpoints included (0 for a transformer).
    public var recurrentStateBytes: Int {
        guard let recurrentState else { return 0 }
        return recurrentState.bytes + recurrentState.checkpoints.reduce(0) { $0 + ($1.values.count + $1.logits.count) * 4 }
    }

    /// Bytes a session allocates for `model`: its KV cache, its per-batch buffers (the same
    /// sizes `init` allocates) and a hybrid model's recurrent state with its checkpoints at
    /// most, so a model's memory can be known before loading it. Every product is checked:
    /// a size that does not fit an `Int` is an error, not a trap.
    public static func memoryNeed(
        hyperparameters h: Hyperparameters, contextLength: Int, cacheType: KVCacheType = .f16, threads: Int = 1
    ) throws(EngineError) -> (kvCacheBytes: Int, scratchBytes: Int, recurrentStateBytes: Int) {
        guard (1...Hyperparameters.Limit.context).contains(contextLength) else {
            throw .invalidMetadata(key: "context",
                                   reason: "\(contextLength) tokens is outside 1…\(Hyperparameters.Limit.context)")
        }
        let geometries = h.attentionGeometries
        for geometry in Set(geometries.map { [$0.keyLength, $0.valueLength] }) {
            if let reason = cacheType.unsupportedReason(keyLength: geometry[0], valueLength: geometry[1]) {
                throw .invalidMetadata(key: "cache type", reason: reason)
            }
        }
        var size = CheckedSize()
        // four bytes a value bounds every cache type, so the per-position bytes cannot overflow
        var positionBytes = 0
        for geometry in geometries {
            let kvWidth = size.sum(size.product(geometry.keyValueHeads, geometry.keyLength),
                                   size.product(geometry.keyValueHeads, geometry.valueLength))
            _ = size.product(kvWidth, 4)
            if size.overflowed { break }
            positionBytes = size.sum(positionBytes, cacheType.bytes(values: geometry.keyWidth),
                                     cacheType.bytes(values: geometry.valueWidth))
        }
        let kvCache = size.product(contextLength, positionBytes)
        // the state, and the copies of it kept with their logits
        let checkpoints = RecurrentState.checkpointLimit(stateFloats: h.recurrentStateFloatsTotal)
        let recurrent = h.recurrentStateFloatsTotal == 0 ? 0 : size.sum(
            size.product(1 + checkpoints, h.recurrentStateFloatsTotal, 4),
            size.product(checkpoints, h.vocabularySize, 4))
        let layout = try ScratchLayout(hyperparameters: h, context: contextLength, threads: threads, rows: batchSize)
        // the sampler's working arrays: two more rows of logits per token drawn; a prompt-lookup
        // check's logits: its rows twice (the product's buffer and the rows kept)
        let logitRows = 2 + 2 * (PromptLookup.defaultDraftLength + 1)
        let scratchBytes = size.sum(layout.bytes, size.product(logitRows, h.vocabularySize, 4))
        guard !size.overflowed else {
            throw .tooLarge("the memory this model needs at \(contextLength) tokens of context")
        }
        return (kvCache, scratchBytes, recurrent)
    }


    /// The tokens whose state the cache holds.
    public var cachedTokens: [Int] { cache.tokens }

    /// How many leading tokens of `tokens` the cache already holds.
    public func cachedPrefixLength(of tokens: [Int]) -> Int { cache.sharedPrefixLength(with: tokens) }

    /// Makes the cache hold exactly `tokens` and returns the logits after the last one.
    /// Only the part after the longest prefix already cached is computed. `isCancelled`
    /// is asked before each batch; when it says yes, the call throws `.cancelled` and the
    /// cache keeps what was evaluated.
    public func evaluate(_ tokens: [Int], isCancelled: () -> Bool = { false }) throws(EngineError) -> [Float] {
        guard !tokens.isEmpty else { throw .emptyPrompt }
        guard tokens.count <= contextLength else { throw .promptTooLong(tokens: tokens.count, context: contextLength) }
        let vocabulary = model.hyperparameters.vocabularySize
        if let bad = tokens.first(where: { $0 < 0 || $0 >= vocabulary }) {
            throw .tokenOutOfRange(bad, vocabulary: vocabulary)
        }
        let shared = cache.sharedPrefixLength(with: tokens)
        // keep at least the last token to recompute: its logits are not stored
        var reused = min(shared, tokens.count - 1)
        if let recurrentState, reused != cache.count {
            // the recurrent state is known only at the cache's length and at checkpoints
            guard let checkpoint = recurrentState.latestCheckpoint(atMost: shared) else {
                reset()
                return try evaluate(tokens, isCancelled: isCancelled)
            }
            recurrentState.restore(checkpoint)
            cache.truncate(to: checkpoint.position)
            reusedPositions = checkpoint.position
            if checkpoint.position == tokens.count { return checkpoint.logits }
            reused = checkpoint.position
        }
        cache.truncate(to: reused)
        reusedPositions = reused
        var start = reused
        var lastRow = 0
        while start < tokens.count {
            if isCancelled() { throw .cancelled }
            let batch = tokens[start..<min(start + Self.batchSize, tokens.count)]
            let logicalStart = reused + (start - reused) / Self.referenceBatchSize * Self.referenceBatchSize
            logicalBatchRows = min(Self.referenceBatchSize, tokens.count - logicalStart)
            forward(batch, startPosition: start)
            batch.forEach(cache.append)
            lastRow = batch.count - 1
            start += batch.count
        }
        let logits = computeLogits(row: lastRow)
        // a prompt's state is kept: the next turn, or a regenerated answer, starts from it
        if let recurrentState, tokens.count - reused > 1 { recurrentState.keep(position: tokens.count, logits: logits) }
        return logits
    }

    /// Evaluates one more token after the cached ones and returns the next logits.
    public func append(_ token: Int, isCancelled: () -> Bool = { false }) throws(EngineError) -> [Float] {
        try evaluate(cache.tokens + [token], isCancelled: isCancelled)
    }

    /// Evaluates `tokens` after the cached ones as generated tokens are evaluated, all in
    /// one pass over the weights, and returns the logits after each: entry `i` is exactly
    /// (bit for bit) what `append` would give after `tokens[...i]` one at a time. This is
    /// how draft tokens are checked: the caller keeps the longest prefix it agrees with and
    /// cuts the rest with `truncate(to:)`. At most `batchSize` tokens.
    public func appendAll(_ tokens: [Int], isCancelled: () -> Bool = { false }) throws(EngineError) -> [[Float]] {
        guard !tokens.isEmpty else { throw .emptyPrompt }
        precondition(tokens.count <= Self.batchSize, "more tokens than a batch holds")
        guard cache.count + tokens.count <= contextLength else {
            throw .promptTooLong(tokens: cache.count + tokens.count, context: contextLength)
        }
        let vocabulary = model.hyperparameters.vocabularySize
        if let bad = tokens.first(where: { $0 < 0 || $0 >= vocabulary }) {
            throw .tokenOutOfRange(bad, vocabulary: vocabulary)
        }
        if isCancelled() { throw .cancelled }
        // a batch of one-token steps: every product and attention row as a lone token's
        logicalBatchRows = 1
        forward(tokens[...], startPosition: cache.count)
        tokens.forEach(cache.append)
        return computeLogits(rows: tokens.count)
    }

    /// Whether `truncate(to:)` keeps exactly the positions asked for, so draft tokens can be
    /// checked and cut. A hybrid model's recurrent state goes back only to its checkpoints.
    public var canTruncateAnywhere: Bool { recurrentState == nil }

    /// Forgets every cached position from `length` on (drafts that were not kept). With a
    /// recurrent state, goes back to the latest checkpoint at or before `length` instead
    /// (`canTruncateAnywhere`), so fewer positions may stay.
    public func truncate(to length: Int) {
        guard length < cache.count else { return }
        guard let recurrentState else { return cache.truncate(to: length) }
        guard let checkpoint = recurrentState.latestCheckpoint(atMost: length) else { return reset() }
        recurrentState.restore(checkpoint)
        cache.truncate(to: checkpoint.position)
    }

    /// Forgets the cache (and any recurrent state with its checkpoints).
    public func reset() {
        cache.truncate(to: 0)
        recurrentState?.reset()
    }

    // MARK: - Saved contexts

    /// Writes the cached positions to `path` (under a temporary name renamed into place), so
    /// a later session of the same model can continue from them. Nothing is written when
    /// the cache is empty.
    public func saveContext(to path: String) throws(SavedContextError) {
        guard cache.count > 0 else { return }
        try SavedContext.write(cache, state: recurrentState, layout: contextLayout, to: path)
    }

    /// The tokens the saved context at `path` holds, once its header shows it fits this
    /// session (the same model file, kernels and cache layout, no longer than the context).
    public func savedContextTokens(at path: String) throws(SavedContextError) -> [Int] {
        try openContext(path).tokens
    }

    /// Replaces the cache with the saved context at `path`, checked whole first (header,
    /// size, digest); returns the positions it holds. On any problem the cache is unchanged.
    @discardableResult
    public func restoreContext(from path: String) throws(SavedContextError) -> Int {
        let opened = try openContext(path)
        try SavedContext.restore(opened, into: cache, state: recurrentState)
        return opened.tokens.count
    }

    private var contextLayout: SavedContext.Layout {
        SavedContext.Layout(cache: cache, state: recurrentState, fingerprint: model.fingerprint)
    }

    private func openContext(_ path: String) throws(SavedContextError) -> SavedContext.Opened {
        try SavedContext.opened(path, layout: contextLayout, contextLength: contextLength,
                              vocabularySize: model.hyperparameters.vocabularySize)
    }

    // MARK: - Forward pass
    private func forward(_ tokens: ArraySlice<Int>, startPosition: Int) {
        let h = model.hyperparameters
        let s = scratch
        let embedding = h.embeddingLength
        let ids = Array(tokens)
        evaluatedPositions += ids.count
        forEachRow(ids.count) { row in
            let hidden = s.hidden + row * embedding
            model.tokenEmbedding.dequantizeRow(ids[row], into: hidden)
            if model.architecture.scalesEmbedding {
                slm_scale(hidden, Float(embedding).squareRoot(), Int64(embedding))
            } else if let scale = h.embeddingScale {
                slm_scale(hidden, scale, Int64(embedding))
            }
        }
        if let inputs = model.perLayerInputs { computePerLayerInputs(inputs, tokens: ids) }
        for (index, layer) in model.layers.enumerated() {
            switch layer.mixer {
            case .attention(let attention):
                attentionBlock(layer, attention, index: index, rows: tokens.count, startPosition: startPosition)
            case .shortConvolution(let convolution):
                shortConvolutionBlock(layer, convolution, index: index, rows: tokens.count)
            case .gatedDeltaNet(let deltaNet):
                deltaNetBlock(layer, deltaNet, index: index, rows: tokens.count)
            }
            feedForwardBlock(layer, rows: tokens.count)
            if let weights = layer.perLayerInput { perLayerInputBlock(weights, index: index, rows: tokens.count) }
            if let scale = layer.outputScale {
                forEachRow(tokens.count) { row in slm_scale(s.hidden + row * embedding, scale, Int64(embedding)) }
            }
        }
    }

    /// Gemma 4's inputs for every layer from each row's token and (scaled) embedding: the
    /// token's slices of `per_layer_token_embd` times sqrt(width), plus the embedding's
    /// projection times 1/sqrt(embedding) with each slice RMS-normalised, all times 1/sqrt(2).
    private func computePerLayerInputs(_ inputs: TransformerModel.PerLayerInputs, tokens: [Int]) {
        let h = model.hyperparameters
        let s = scratch
        let width = h.perLayerInputLength, total = width * h.layerCount, embedding = h.embeddingLength
        s.input.load(s.hidden, count: tokens.count, width: embedding, stride: embedding)
        s.input.multiply(inputs.projection, into: s.perLayerInputs, outputStride: total, batchRows: logicalBatchRows)
        let projectionScale = 1 / Float(embedding).squareRoot(), tokenScale = Float(width).squareRoot()
        let sumScale = 1 / Float(2).squareRoot()
        inputs.projectionNorm.withUnsafeBufferPointer { norm in
            forEachRow(tokens.count) { row in
                let projected = s.perLayerInputs + row * total
                withUnsafeTemporaryAllocation(of: Float.self, capacity: total) { token in
                    let token = token.baseAddress!
                    inputs.tokenEmbedding.dequantizeRow(tokens[row], into: token)
                    slm_scale(token, tokenScale, Int64(total))
                    slm_scale(projected, projectionScale, Int64(total))
                    for layer in 0..<h.layerCount {
                        let slice = projected + layer * width
                        slm_rms_norm(slice, norm.baseAddress, slice, Int64(width), h.rmsEpsilon)
                    }
                    slm_add(projected, token, Int64(total))
                    slm_scale(projected, sumScale, Int64(total))
                }
            }
        }
    }

    /// Mixes layer `index`'s slice of the per-layer inputs into the residual stream:
    /// GELU(gate · hidden) times the slice, projected back, normalised, added.
    private func perLayerInputBlock(_ weights: LayerWeights.PerLayerInputWeights, index: Int, rows: Int) {
        let h = model.hyperparameters
        let s = scratch
        let width = h.perLayerInputLength, total = width * h.layerCount, embedding = h.embeddingLength
        s.input.load(s.hidden, count: rows, width: embedding, stride: embedding)
        s.input.multiply(weights.gate, into: s.gate, outputStride: width, batchRows: logicalBatchRows)
        forEachRow(rows) { row in
            slm_gated_activation(s.gate + row * width, s.perLayerInputs + row * total + index * width, Int64(width), 1)
        }
        s.input.load(s.gate, count: rows, width: width, stride: width)
        s.input.multiply(weights.projection, into: s.branch, outputStride: embedding, batchRows: logicalBatchRows)
        addBranch(weights.postNorm, rows: rows)
    }

    /// Runs `body(row)` for every row; a batch's rows are spread over the threads (each
    /// body must touch only its own row's memory), a single row runs here.
    private func forEachRow(_ rows: Int, _ body: (Int) -> Void) {
        let parts = rows >= 8 ? min(scratch.threads, rows) : 1
        WorkerPool.run(parts) { part in
            for row in rows * part / parts..<rows * (part + 1) / parts { body(row) }
        }
    }

    /// Runs `body(row, first, count)` over the values of `rows` rows of `width`, for
    /// element-wise steps: a batch's rows are spread over the threads; fewer rows are each
    /// cut into one span a thread (at multiples of 16 values) when wide, so a generated
    /// token's gated activation (a libm exponential a value) does not run on one thread
    /// while the others wait.
    private func forEachSpan(rows: Int, width: Int, _ body: (Int, Int, Int) -> Void) {
        guard rows < 8, width >= 2048, scratch.threads > 1 else {
            forEachRow(rows) { row in body(row, 0, width) }
            return
        }
        let parts = scratch.threads
        for row in 0..<rows {
            WorkerPool.run(parts) { part in
                let first = width * part / parts / 16 * 16
                let last = part + 1 == parts ? width : width * (part + 1) / parts / 16 * 16
                if last > first { body(row, first, last - first) }
            }
        }
    }

    /// RMS-normalizes `rows` rows of the residual stream into `normed`.
    private func normalizeHidden(_ weight: [Float], rows: Int) {
        let h = model.hyperparameters
        let s = scratch
        weight.withUnsafeBufferPointer { weight in
            forEachRow(rows) { row in
                slm_rms_norm(s.hidden + row * h.embeddingLength, weight.baseAddress, s.normed + row * h.embeddingLength,
                             Int64(h.embeddingLength), h.rmsEpsilon)
            }
        }
    }

    /// Adds each row's block output to the residual stream, normalized first when the
    /// family has post-norms.
    private func addBranch(_ postNorm: [Float]?, rows: Int) {
        let h = model.hyperparameters
        let s = scratch
        let embedding = h.embeddingLength
        postNorm.withOptionalPointer { postNorm in
            forEachRow(rows) { row in
                let branch = s.branch + row * embedding
                if let postNorm { slm_rms_norm(branch, postNorm, branch, Int64(embedding), h.rmsEpsilon) }
                if let scale = h.residualScale { slm_scale(branch, scale, Int64(embedding)) }
                slm_add(s.hidden + row * embedding, branch, Int64(embedding))
            }
        }
    }

    private func attentionBlock(_ layer: LayerWeights, _ weights: AttentionWeights, index: Int, rows: Int,
                                startPosition: Int) {
        let h = model.hyperparameters
        let s = scratch
        let g = h.geometry(layer: index)
        let queryWidth = h.headCount * g.keyLength
        let keyWidth = g.keyWidth
        let valueWidth = g.valueWidth
        let keepsKeyValues = h.keyValueSources[index] == index
        normalizeHidden(layer.attentionNorm, rows: rows)
        s.input.load(s.normed, count: rows, width: h.embeddingLength, stride: h.embeddingLength)
        switch weights.projections {
        case .separate(let query, let key, let value?) where h.gatesAttentionOutput:
            // each head's query, then its gate
            s.input.multiply([.init(weights: query, output: s.fused, outputStride: s.fusedWidth),
                              .init(weights: key, output: s.key, outputStride: keyWidth),
                              .init(weights: value, output: s.value, outputStride: valueWidth)],
                             batchRows: logicalBatchRows)
            let length = g.keyLength
            for row in 0..<rows {
                let fused = s.fused + row * s.fusedWidth
                for head in 0..<h.headCount {
                    (s.query + row * queryWidth + head * length).update(from: fused + 2 * head * length, count: length)
                    (s.attentionGate + row * queryWidth + head * length)
                        .update(from: fused + (2 * head + 1) * length, count: length)
                }
            }
        case .separate(let query, let key, let value):
            var products: [ActivationBatch.Product] = [.init(weights: query, output: s.query, outputStride: queryWidth),
                                                       .init(weights: key, output: s.key, outputStride: keyWidth)]
            if let value { products.append(.init(weights: value, output: s.value, outputStride: valueWidth)) }
            s.input.multiply(products, batchRows: logicalBatchRows)
            if value == nil { s.value.update(from: s.key, count: rows * keyWidth) }
        case .queryOnly(let query):
            s.input.multiply(query, into: s.query, outputStride: queryWidth, batchRows: logicalBatchRows)
        case .fused(let qkv):
            s.input.multiply(qkv, into: s.fused, outputStride: s.fusedWidth, batchRows: logicalBatchRows)
            for row in 0..<rows {
                let fused = s.fused + row * s.fusedWidth
                (s.query + row * queryWidth).update(from: fused, count: queryWidth)
                (s.key + row * keyWidth).update(from: fused + queryWidth, count: keyWidth)
                (s.value + row * valueWidth).update(from: fused + queryWidth + keyWidth, count: valueWidth)
            }
        }

        let base = layer.isSlidingWindow ? h.ropeBaseSlidingWindow : h.ropeBase
        let neox: Int32 = model.architecture.ropeStyle == .neox ? 1 : 0
        let rotates = model.architecture.noRopeLayerInterval.map { (index + 1) % $0 != 0 } ?? true
        let headLength = Int64(g.keyLength)
        var scoreScale = h.attentionScale
        if model.architecture.scalesQueryFirst { scoreScale = 1 }
        let cache = self.cache
        let slot = cacheSlots[index]!
        let normalizesValues = model.architecture.normalizesValues
        let layerRopeFactors = layer.isSlidingWindow && model.architecture.ropeFactorsOnGlobalLayersOnly ? nil : ropeFactors
        layerRopeFactors.withOptionalPointer { factors in
            forEachRow(rows) { row in
                let position = Int64(startPosition + row)
                let query = s.query + row * queryWidth, key = s.key + row * keyWidth
                let angles = s.ropeAngles + row * g.ropeDimensions
                slm_rope_angles(Int64(g.ropeDimensions), position, base, factors, angles)
                if h.ropeAttentionFactor != 1 { slm_scale(angles, h.ropeAttentionFactor, Int64(g.ropeDimensions)) }
                if let bias = weights.queryBias { slm_add(query, bias, Int64(queryWidth)) }
                if let bias = weights.keyBias { slm_add(key, bias, Int64(keyWidth)) }
                if let bias = weights.valueBias { slm_add(s.value + row * valueWidth, bias, Int64(valueWidth)) }
                for head in 0..<h.headCount {
                    let q = query + head * g.keyLength
                    if let norm = weights.queryNorm { slm_rms_norm(q, norm, q, headLength, h.rmsEpsilon) }
                    if rotates { slm_rope_apply(q, Int64(g.ropeDimensions), angles, neox) }
                }
                if model.architecture.scalesQueryFirst {
                    slm_scale(query, h.attentionScale, Int64(queryWidth))
                }
                guard keepsKeyValues else { return }
                let value = s.value + row * valueWidth
                for head in 0..<g.keyValueHeads {
                    let k = key + head * g.keyLength
                    if let norm = weights.keyNorm { slm_rms_norm(k, norm, k, headLength, h.rmsEpsilon) }
                    if rotates { slm_rope_apply(k, Int64(g.ropeDimensions), angles, neox) }
                    if normalizesValues {
                        let v = value + head * g.valueLength
                        slm_rms_norm(v, nil, v, Int64(g.valueLength), h.rmsEpsilon)
                    }
                }
                cache.store(layer: slot, position: startPosition + row, key: key, value: value)
            }
        }

        attend(layer, slot: slot, geometry: g, rows: rows, startPosition: startPosition, scoreScale: scoreScale)
        let attentionWidth = h.headCount * g.valueLength
        if h.gatesAttentionOutput {
            forEachRow(rows) { row in
                slm_sigmoid_mul(s.attention + row * attentionWidth, s.attentionGate + row * queryWidth, Int64(attentionWidth))
            }
        }
        s.input.load(s.attention, count: rows, width: attentionWidth, stride: attentionWidth)
        s.input.multiply(weights.output, into: s.branch, outputStride: h.embeddingLength, batchRows: logicalBatchRows)
        addBranch(layer.postAttentionNorm, rows: rows)
    }

    /// Every (row, head) pair of the batch attends over the cache; pairs are independent,
    /// so they are spread over the threads, each with its own scratch.
    private func attend(_ layer: LayerWeights, slot: Int, geometry g: AttentionGeometry, rows: Int, startPosition: Int,
                        scoreScale: Float) {
        let h = model.hyperparameters
        let s = scratch
        if logicalBatchRows >= Self.tiledAttentionRows && cache.type == .f16 && g.keyLength == g.valueLength {
            attendTiled(layer, slot: slot, geometry: g, rows: rows, startPosition: startPosition, scoreScale: scoreScale)
            return
        }
        let job = AttentionJob(
            query: s.query, attention: s.attention, scores: s.scores, scoreStride: s.scoreStride,
            keys: cache.keys(layer: slot, head: 0), values: cache.values(layer: slot, head: 0),
            keyHeadStride: cache.keyHeadStrides[slot], valueHeadStride: cache.valueHeadStrides[slot],
            cacheType: cache.type, rowStride: cache.keyHeadLengths[slot], rowBytes: cache.keyHeadBytes[slot],
            headCount: h.headCount, groupSize: h.headCount / g.keyValueHeads,
            keyLength: g.keyLength, valueLength: g.valueLength, scale: scoreScale,
            softcap: h.attentionLogitSoftcap ?? 0, startPosition: startPosition,
            window: layer.isSlidingWindow ? h.slidingWindow : 0,
            splits: min(h.headCount / g.keyValueHeads,
                        max(1, (s.threads + rows * g.keyValueHeads - 1) / (rows * g.keyValueHeads))),
            rows: rows)
        let tasks = job.taskCount
        let workers = min(s.threads, tasks)
        WorkerPool.run(workers) { worker in
            for task in stride(from: worker, to: tasks, by: workers) { job.run(task, worker: worker) }
        }
    }

    /// The reference's batch attention: blocks of rows against tiles of the cache, one
    /// task per (block, key/value head), spread over the threads.
    private func attendTiled(_ layer: LayerWeights, slot: Int, geometry g: AttentionGeometry, rows: Int,
                             startPosition: Int, scoreScale: Float) {
        let h = model.hyperparameters
        let s = scratch
        let headLength = g.keyLength
        let group = h.headCount / g.keyValueHeads
        let block = Self.tiledAttentionBlock
        let blocks = (rows + block - 1) / block
        let tasks = blocks * g.keyValueHeads
        let job = TiledAttentionJob(
            query: s.query, attention: s.attention, workspace: s.tiledWorkspace, workspaceStride: s.tiledStride,
            keys: cache.keys(layer: slot, head: 0), values: cache.values(layer: slot, head: 0),
            keyHeadStride: cache.keyHeadStrides[slot], valueHeadStride: cache.valueHeadStrides[slot],
            rowStride: cache.keyHeadLengths[slot],
            rows: rows, block: block, group: group, headLength: headLength, headCount: h.headCount,
            scale: scoreScale, softcap: h.attentionLogitSoftcap ?? 0, startPosition: startPosition,
            window: layer.isSlidingWindow ? h.slidingWindow : 0)
        let workers = min(s.threads, tasks)
        WorkerPool.run(workers) { worker in
            for task in stride(from: worker, to: tasks, by: workers) { job.run(task, worker: worker) }
        }
    }

    /// LFM2's gated short convolution over a batch: B, C and x from one projection; each
    /// channel's filter runs over its last inputs of B·x (the state's rows, then the batch's);
    /// C times that goes through the output projection. The batch's last inputs become the
    /// state. Sums run over the taps oldest first, as the reference's.
    private func shortConvolutionBlock(_ layer: LayerWeights, _ weights: ShortConvolutionWeights, index: Int,
                                       rows: Int) {
        let h = model.hyperparameters
        let s = scratch
        let embedding = h.embeddingLength, taps = h.shortConvolutionLength, kept = taps - 1
        let state = recurrentState!.layerState(index)
        normalizeHidden(layer.attentionNorm, rows: rows)
        s.input.load(s.normed, count: rows, width: embedding, stride: embedding)
        s.input.multiply(weights.inputProjection, into: s.fused, outputStride: s.fusedWidth, batchRows: logicalBatchRows)
        let window = s.convolutionWindow
        window.update(from: state, count: kept * embedding)
        forEachRow(rows) { row in
            let inputs = s.fused + row * s.fusedWidth
            slm_mul(inputs, inputs + 2 * embedding, window + (kept + row) * embedding, Int64(embedding))
        }
        weights.filter.withUnsafeBufferPointer { filter in
            forEachRow(rows) { row in
                let gates = s.fused + row * s.fusedWidth + embedding
                slm_short_convolution(window + row * embedding, Int64(embedding), filter.baseAddress, Int64(taps),
                                      gates, s.normed + row * embedding)
            }
        }
        state.update(from: window + rows * embedding, count: kept * embedding)
        s.input.load(s.normed, count: rows, width: embedding, stride: embedding)
        s.input.multiply(weights.outputProjection, into: s.branch, outputStride: embedding, batchRows: logicalBatchRows)
        addBranch(layer.postAttentionNorm, rows: rows)
    }

    /// Qwen3.5's Gated DeltaNet over a batch: Q|K|V through a causal convolution and SiLU,
    /// Q and K L2-normalised per head, each value head's state updated by the delta rule
    /// position by position (as the reference's CPU kernel runs prompts too), the output
    /// RMS-normalised per head and gated by SiLU(z), then projected. A row of the `deltaNet`
    /// buffer holds the convolved Q|K|V, z, beta and decay per head, then the output.
    private func deltaNetBlock(_ layer: LayerWeights, _ weights: DeltaNetWeights, index: Int, rows: Int) {
        let h = model.hyperparameters
        let s = scratch
        guard let shape = h.deltaNet, let recurrentState else { preconditionFailure("a DeltaNet layer without its state") }
        let embedding = h.embeddingLength, channels = shape.convolutionChannels, length = shape.headLength
        let valueWidth = shape.valueWidth, heads = shape.valueHeads, keyHeads = shape.keyHeads
        let width = s.deltaNetWidth, taps = shape.convolutionLength, kept = taps - 1
        let gateOffset = channels, betaOffset = channels + valueWidth, decayOffset = betaOffset + heads
        let outputOffset = decayOffset + heads
        let state = recurrentState.layerState(index)  // the convolution's last inputs, then each head's matrix
        let matrices = state + kept * channels
        normalizeHidden(layer.attentionNorm, rows: rows)
        s.input.load(s.normed, count: rows, width: embedding, stride: embedding)
        s.input.multiply(weights.inputProjection, into: s.fused, outputStride: s.fusedWidth, batchRows: logicalBatchRows)
        s.input.multiply(weights.outputGate, into: s.deltaNet + gateOffset, outputStride: width, batchRows: logicalBatchRows)
        s.input.multiply(weights.beta, into: s.deltaNet + betaOffset, outputStride: width, batchRows: logicalBatchRows)
        s.input.multiply(weights.alpha, into: s.deltaNet + decayOffset, outputStride: width, batchRows: logicalBatchRows)

        let window = s.convolutionWindow
        window.update(from: state, count: kept * channels)
        for row in 0..<rows { (window + (kept + row) * channels).update(from: s.fused + row * s.fusedWidth, count: channels) }
        let unit = 1 / Float(length).squareRoot()
        weights.filter.withUnsafeBufferPointer { filter in
            forEachRow(rows) { row in
                let out = s.deltaNet + row * width
                slm_short_convolution(window + row * channels, Int64(channels), filter.baseAddress, Int64(taps), nil, out)
                slm_silu(out, Int64(channels))
                // L2 norms of the query and key heads, as the reference: an RMS norm, then 1/sqrt(length)
                for head in 0..<2 * keyHeads {
                    let x = out + head * length
                    slm_rms_norm(x, nil, x, Int64(length), h.rmsEpsilon / Float(length))
                    slm_scale(x, unit, Int64(length))
                }
                for head in 0..<heads {
                    let beta = out + betaOffset + head, decay = out + decayOffset + head
                    beta.pointee = 1 / (1 + expf(-beta.pointee))
                    let input = decay.pointee + weights.decayBias[head]
                    let softplus = input > 20 ? input : logf(1 + expf(input))
                    decay.pointee = expf(softplus * weights.decayScale[head])
                }
            }
        }
        state.update(from: window + rows * channels, count: kept * channels)

        let base = s.deltaNet
        let workers = min(s.threads, heads)
        WorkerPool.run(workers) { worker in
            for head in stride(from: worker, to: heads, by: workers) {
                let keyHead = head % keyHeads
                slm_delta_rule(matrices + head * length * length, Int64(length), Int64(rows),
                               base + keyHead * length, base + (keyHeads + keyHead) * length,
                               base + 2 * keyHeads * length + head * length, Int64(width),
                               base + decayOffset + head, base + betaOffset + head, Int64(width), unit,
                               base + outputOffset + head * length, Int64(width))
            }
        }
        weights.outputNorm.withUnsafeBufferPointer { norm in
            forEachRow(rows) { row in
                let out = s.deltaNet + row * width
                for head in 0..<heads {
                    let o = out + outputOffset + head * length, z = out + gateOffset + head * length
                    slm_rms_norm(o, norm.baseAddress, o, Int64(length), h.rmsEpsilon)
                    slm_silu(z, Int64(length))
                    slm_mul(o, z, o, Int64(length))
                }
            }
        }
        s.input.load(s.deltaNet + outputOffset, count: rows, width: valueWidth, stride: width)
        s.input.multiply(weights.outputProjection, into: s.branch, outputStride: embedding, batchRows: logicalBatchRows)
        addBranch(layer.postAttentionNorm, rows: rows)
    }

    private func feedForwardBlock(_ layer: LayerWeights, rows: Int) {
        let h = model.hyperparameters
        let s = scratch
        let hidden = layer.feedForwardLength
        normalizeHidden(layer.feedForwardNorm, rows: rows)
        s.input.load(s.normed, count: rows, width: h.embeddingLength, stride: h.embeddingLength)
        let activation: Int32 = model.architecture.activation == .geluTanh ? 1 : 0
        var activated = false
        switch layer.feedForward {
        case .separate(let gate, let up):
            // each thread gates the columns of gate and up it has just computed (elementwise,
            // so the same numbers whatever the split)
            activated = s.input.multiply([.init(weights: gate, output: s.gate, outputStride: hidden),
                                          .init(weights: up, output: s.up, outputStride: hidden)],
                                         batchRows: logicalBatchRows) { first, last in
                for row in 0..<rows {
                    slm_gated_activation(s.gate + row * hidden + first, s.up + row * hidden + first,
                                         Int64(last - first), activation)
                }
            }
        case .fused(let gateUp):
            s.input.multiply(gateUp, into: s.fused, outputStride: s.fusedWidth, batchRows: logicalBatchRows)
            for row in 0..<rows {
                (s.gate + row * hidden).update(from: s.fused + row * s.fusedWidth, count: hidden)
                (s.up + row * hidden).update(from: s.fused + row * s.fusedWidth + hidden, count: hidden)
            }
        }
        if !activated {
            forEachSpan(rows: rows, width: hidden) { row, first, count in
                slm_gated_activation(s.gate + row * hidden + first, s.up + row * hidden + first, Int64(count), activation)
            }
        }
        s.input.load(s.gate, count: rows, width: hidden, stride: hidden)
        s.input.multiply(layer.down, into: s.branch, outputStride: h.embeddingLength, batchRows: logicalBatchRows)
        addBranch(layer.postFeedForwardNorm, rows: rows)
    }

    /// Logits after the batch row `row` (the last evaluated position).
    private func computeLogits(row: Int) -> [Float] {
        let h = model.hyperparameters
        let s = scratch
        slm_rms_norm(s.hidden + row * h.embeddingLength, model.outputNorm, s.normed, Int64(h.embeddingLength),
                     h.rmsEpsilon)
        s.input.load(s.normed, count: 1, width: h.embeddingLength, stride: h.embeddingLength)
        s.input.multiply(model.output, into: s.logits, outputStride: h.vocabularySize, batchRows: 1)
        return finishedLogits(UnsafeBufferPointer(start: s.logits, count: h.vocabularySize))
    }

    /// Logits after each of the batch's first `rows` rows, the output matrix read once for
    /// all of them; each row's are exactly `computeLogits(row:)`'s.
    private func computeLogits(rows: Int) -> [[Float]] {
        let h = model.hyperparameters
        let s = scratch
        let embedding = h.embeddingLength, vocabulary = h.vocabularySize
        forEachRow(rows) { row in
            slm_rms_norm(s.hidden + row * embedding, model.outputNorm, s.normed + row * embedding, Int64(embedding),
                         h.rmsEpsilon)
        }
        s.input.load(s.normed, count: rows, width: embedding, stride: embedding)
        let logits = UnsafeMutablePointer<Float>.allocate(capacity: rows * vocabulary)
        defer { logits.deallocate() }
        s.input.multiply(model.output, into: logits, outputStride: vocabulary, batchRows: 1)
        return (0..<rows).map { finishedLogits(UnsafeBufferPointer(start: logits + $0 * vocabulary, count: vocabulary)) }
    }

    /// The output layer's products with the family's final scale and soft cap applied.
    private func finishedLogits(_ raw: UnsafeBufferPointer<Float>) -> [Float] {
        let h = model.hyperparameters
        var logits = Array(raw)
        if let scale = h.logitScale {
            // as the reference: times the reciprocal
            let factor = 1 / scale
            for index in logits.indices { logits[index] *= factor }
        }
        if let cap = h.finalLogitSoftcap {
            for index in logits.indices { logits[index] = cap * tanhf(logits[index] / cap) }
        }
        return logits
    }
}

/// One layer's attention over a batch, as independent (row, head) tasks. Holds raw
/// pointers into session buffers; each task writes only its own output head.
private struct AttentionJob: @unchecked Sendable {
    let query: UnsafeMutablePointer<Float>
    let attention: UnsafeMutablePointer<Float>
    let scores: UnsafeMutablePointer<Float>
    let scoreStride: Int
    /// Key/value head 0's rows; head h's lie h head strides (bytes) further on.
    let keys: UnsafeRawPointer
    let values: UnsafeRawPointer
    let keyHeadStride: Int
    let valueHeadStride: Int
    let cacheType: KVCacheType
    /// Values between a head's positions (keys and values have equal heads there).
    let rowStride: Int
    /// Bytes between a head's positions of a Q8_0 cache.
    let rowBytes: Int
    let headCount: Int
    let groupSize: Int
    let keyLength: Int
    let valueLength: Int
    let scale: Float
    let softcap: Float
    let startPosition: Int
    /// Positions a sliding-window layer sees, 0 for a global layer.
    let window: Int

    /// Parts each key/value head's group of query heads is split into (so a generated
    /// token's few groups still reach every thread); tasks are (row, key/value head, part).
    let splits: Int

    var taskCount: Int { rows * (headCount / groupSize) * splits }
    let rows: Int

    func run(_ task: Int, worker: Int) {
        let kvHeads = headCount / groupSize
        let row = task / (kvHeads * splits), kvHead = task % (kvHeads * splits) / splits, part = task % splits
        let position = startPosition + row
        let first = window > 0 ? max(0, position - window + 1) : 0
        let firstHead = kvHead * groupSize + groupSize * part / splits
        let heads = kvHead * groupSize + groupSize * (part + 1) / splits - firstHead
        let q = query + row * headCount * keyLength + firstHead * keyLength
        let out = attention + row * headCount * valueLength + firstHead * valueLength
        let scratch = scores + worker * scoreStride
        switch cacheType {
        case .f16:
            // the group's heads read each cached row once
            let k = (keys + kvHead * keyHeadStride).assumingMemoryBound(to: UInt16.self)
            let v = (values + kvHead * valueHeadStride).assumingMemoryBound(to: UInt16.self)
            if position + 1 - first >= InferenceSession.longAttentionSpan && keyLength == valueLength
                && keyLength % 8 == 0 {
                slm_attend_long(q, Int64(keyLength), Int64(heads), k, v, Int64(rowStride), Int64(keyLength),
                                Int64(first), Int64(position + 1), scale, softcap, out, Int64(valueLength))
            } else {
                slm_attend_f16_heads(q, Int64(keyLength), Int64(heads), k, v, Int64(rowStride), Int64(keyLength),
                                     Int64(first), Int64(position + 1), scale, softcap, scratch, out,
                                     Int64(valueLength))
            }
        case .f32:
            let k = (keys + kvHead * keyHeadStride).assumingMemoryBound(to: Float.self)
            let v = (values + kvHead * valueHeadStride).assumingMemoryBound(to: Float.self)
            for head in 0..<heads {
                slm_attend_f32(q + head * keyLength, k, v, Int64(rowStride), Int64(keyLength), Int64(first),
                               Int64(position + 1), scale, softcap, scratch, out + head * valueLength)
            }
        case .q8_0 where position + 1 - first >= InferenceSession.longAttentionSpan && keyLength == valueLength:
            slm_attend_long_q8_0(q, Int64(keyLength), Int64(heads), keys + kvHead * keyHeadStride,
                                 values + kvHead * valueHeadStride, rowBytes, Int64(keyLength), Int64(first),
                                 Int64(position + 1), scale, softcap, out, Int64(valueLength))
        case .q8_0:
            slm_attend_q8_0(q, Int64(keyLength), Int64(heads), keys + kvHead * keyHeadStride,
                            values + kvHead * valueHeadStride,
                            rowBytes, Int64(keyLength), Int64(first), Int64(position + 1), scale, softcap, out,
                            Int64(valueLength))
        }
    }
}

/// One layer's batch attention as independent (block of rows, key/value head) tasks for
/// `slm_attend_tiled`; each task writes only its own rows and heads of the output.
private struct TiledAttentionJob: @unchecked Sendable {
    let query: UnsafeMutablePointer<Float>
    let attention: UnsafeMutablePointer<Float>
    let workspace: UnsafeMutablePointer<Float>
    let workspaceStride: Int
    /// Key/value head 0's rows; head h's lie h head strides (bytes) further on.
    let keys: UnsafeRawPointer
    let values: UnsafeRawPointer
    let keyHeadStride: Int
    let valueHeadStride: Int
    let rowStride: Int
    let rows: Int
    let block: Int
    let group: Int
    let headLength: Int
    let headCount: Int
    let scale: Float
    let softcap: Float
    let startPosition: Int
    let window: Int

    func run(_ task: Int, worker: Int) {
        let kvHeads = headCount / group
        let first = task / kvHeads * block, kvHead = task % kvHeads
        let count = min(block, rows - first)
        let width = headCount * headLength
        let headOffset = kvHead * group * headLength
        withUnsafeTemporaryAllocation(of: Int64.self, capacity: count) { positions in
            for row in 0..<count { positions[row] = Int64(startPosition + first + row) }
            slm_attend_tiled(query + first * width + headOffset, Int64(width), positions.baseAddress, Int64(count),
                             Int64(group), (keys + kvHead * keyHeadStride).assumingMemoryBound(to: UInt16.self),
                             (values + kvHead * valueHeadStride).assumingMemoryBound(to: UInt16.self), Int64(rowStride),
                             Int64(headLength), Int64(window), scale, softcap, workspace + worker * workspaceStride,
                             attention + first * width + headOffset, Int64(width))
        }
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
