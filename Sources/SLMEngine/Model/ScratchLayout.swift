import SLMKernels

/// The sizes of a session's buffers, worked out once from the hyperparameters with every
/// product checked: the session allocates exactly these, and the memory estimate before
/// loading adds up the same numbers, so the two cannot disagree.
struct ScratchLayout: Equatable {
    /// Positions a batch holds.
    let rows: Int
    /// Floats per row of each per-batch buffer.
    let embedding: Int          // hidden, normed and branch
    let query: Int
    let key: Int
    let value: Int
    let fused: Int              // fused QKV, gate|up, a gated query|gate, a convolution's inputs
    let attention: Int
    let ropeAngles: Int
    let feedForward: Int        // gate and up (and per-layer input gates)
    /// Per worker thread: attention scores and the tiled attention's workspace.
    let threads: Int
    let scoreStride: Int
    let tiledStride: Int
    let vocabulary: Int         // the logits
    /// A convolution's window: the state's rows, then a batch of rows (0 without one).
    let convolutionWindow: Int
    /// Per row: a gated attention's gates (0 without them).
    let attentionGate: Int
    /// Per row: a DeltaNet layer's convolved Q|K|V, output gate, beta and decay per head,
    /// and output (0 without such layers).
    let deltaNet: Int
    /// Per row: Gemma 4's per-layer inputs, every layer's slice (0 without them).
    let perLayerInputs: Int
    /// The activation batch: rows of this many values, and their converted forms.
    let activationWidth: Int
    /// Bytes the session allocates for all of it.
    let bytes: Int

    init(hyperparameters h: Hyperparameters, context: Int, threads: Int, rows: Int) throws(EngineError) {
        var size = CheckedSize()
        self.rows = rows
        self.threads = max(1, threads)
        embedding = h.embeddingLength
        // the widest layer's heads (sliding-window and global layers may differ)
        let sizes = [h.globalGeometry, h.slidingWindowGeometry]
        let keyLength = sizes.map(\.keyLength).max()!, valueLength = sizes.map(\.valueLength).max()!
        query = size.product(h.headCount, keyLength)
        key = sizes.map { size.product($0.keyValueHeads, $0.keyLength) }.max()!
        value = sizes.map { size.product($0.keyValueHeads, $0.valueLength) }.max()!
        let convolutionInputs = h.shortConvolutionLength > 0 ? size.product(3, h.embeddingLength)
            : h.deltaNet?.convolutionChannels ?? 0
        attentionGate = h.gatesAttentionOutput ? query : 0
        fused = max(size.sum(query, key, value), size.product(2, h.feedForwardLength), convolutionInputs,
                    size.product(2, attentionGate))
        if let shape = h.deltaNet {
            deltaNet = size.sum(shape.convolutionChannels, size.product(2, shape.valueWidth), size.product(2, shape.valueHeads))
        } else {
            deltaNet = 0
        }
        attention = size.product(h.headCount, valueLength)
        perLayerInputs = size.product(h.layerCount, h.perLayerInputLength)
        ropeAngles = sizes.map(\.ropeDimensions).max()!
        // the gate buffer also holds Gemma 4's per-layer input gates
        feedForward = max(h.feedForwardLength, h.perLayerInputLength)
        scoreStride = max(context, keyLength, valueLength)
        tiledStride = sizes.map {
            Int(slm_attend_tiled_workspace(Int64($0.keyLength), Int64(InferenceSession.tiledAttentionBlock),
                                           Int64(h.headCount / max(1, $0.keyValueHeads))))
        }.max()!
        vocabulary = h.vocabularySize
        if let shape = h.deltaNet {
            convolutionWindow = size.product(size.sum(rows, shape.convolutionLength - 1), shape.convolutionChannels)
        } else {
            convolutionWindow = h.shortConvolutionLength > 0
                ? size.product(size.sum(rows, h.shortConvolutionLength - 1), h.embeddingLength) : 0
        }
        activationWidth = max(h.embeddingLength, feedForward, attention, h.deltaNet?.valueWidth ?? 0)
        let perRow = size.sum(size.product(3, embedding), query, key, value, fused, attention, ropeAngles,
                              size.product(2, feedForward), attentionGate, deltaNet, perLayerInputs)
        let floats = size.sum(size.product(rows, perRow), size.product(self.threads, size.sum(scoreStride, tiledStride)),
                              vocabulary, convolutionWindow)
        let activationBytes = size.sum(
            size.product(rows, activationWidth, 4),
            size.product(ActivationBatch.formats.count, rows,
                         size.sum(size.product(activationWidth, 4), ActivationBatch.rowSlack)))
        bytes = size.sum(size.product(floats, 4), activationBytes)
        guard !size.overflowed else { throw .tooLarge("the buffers for \(context) tokens of context") }
    }
}
