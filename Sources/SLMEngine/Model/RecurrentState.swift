/// The state a hybrid model's recurrent layers carry from one position to the next (a short
/// convolution's last inputs), beside the KV cache and always at the cache's length.
///
/// Unlike keys and values, this state cannot be cut back to an earlier position: it is
/// only known where it was kept. So it keeps checkpoints: after each prompt, the state and
/// the logits after its last token. A follow-up turn continues from the current state;
/// a prompt that leaves the cache's path earlier (an edited or regenerated message, an
/// answer that tokenizes differently) restarts from the latest checkpoint before the
/// point where it differs, so it never evaluates the whole conversation again.
final class RecurrentState {
    /// A state kept at `position` with the logits after the token before it.
    struct Checkpoint {
        let position: Int
        let values: [Float]
        let logits: [Float]
    }

    /// Checkpoints kept at most; older ones are dropped first.
    static let checkpointLimit = 4
    /// Bytes the checkpoints' states may take together: a large state (Qwen3.5's matrices,
    /// 20 MB for the 0.8B) keeps fewer copies, but always the latest prompt's.
    static let checkpointBudget = 48 << 20

    /// Checkpoints kept for a state of `floats` floats.
    static func checkpointLimit(stateFloats floats: Int) -> Int {
        max(1, min(checkpointLimit, checkpointBudget / max(1, floats * 4)))
    }

    /// Floats one recurrent layer's state holds.
    let layerFloats: Int
    /// The slot of each model layer's state, nil for attention layers.
    let slots: [Int?]
    let totalFloats: Int
    /// Checkpoints kept for this state's size.
    let limit: Int
    private let values: UnsafeMutablePointer<Float> // (recurrent layers, layerFloats)
    private(set) var checkpoints: [Checkpoint] = []

    /// The state of `hyper`'s recurrent layers, or nil when every layer attends.
    init?(hyper: Hyperparameters) {
        guard hyper.attentionLayerCount < hyper.layerCount, hyper.recurrentStateFloats > 0 else { return nil }
        layerFloats = hyper.recurrentStateFloats
        var next = 0
        slots = hyper.attentionLayers.map { attends in
            if attends { return nil }
            defer { next += 1 }
            return next
        }
        totalFloats = next * layerFloats
        limit = Self.checkpointLimit(stateFloats: totalFloats)
        values = .allocate(capacity: totalFloats)
        values.initialize(repeating: 0, count: totalFloats)
    }

    deinit { values.deallocate() }

    /// Bytes of one copy of the state.
    var bytes: Int { totalFloats * 4 }

    /// Model layer `layer`'s state.
    func layerState(_ layer: Int) -> UnsafeMutablePointer<Float> {
        guard let slot = slots[layer] else { preconditionFailure("layer \(layer) attends; it has no recurrent state") }
        return values + slot * layerFloats
    }

    /// The whole state, as a saved context stores it.
    var allValues: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: values, count: totalFloats) }

    /// The state before any position, and no checkpoints.
    func reset() {
        values.update(repeating: 0, count: totalFloats)
        checkpoints.removeAll()
    }

    /// Keeps the current state as the one at `position`, with the logits after it.
    func keep(position: Int, logits: [Float]) {
        checkpoints.removeAll { $0.position == position }
        checkpoints.append(Checkpoint(position: position,
                                      values: Array(UnsafeBufferPointer(start: values, count: totalFloats)),
                                      logits: logits))
        if checkpoints.count > limit { checkpoints.removeFirst() }
    }

    /// Takes `checkpoint` (one read back from a saved context) as kept.
    func adopt(_ checkpoint: Checkpoint) {
        precondition(checkpoint.values.count == totalFloats, "a checkpoint of another state's size")
        checkpoints.removeAll { $0.position == checkpoint.position }
        checkpoints.append(checkpoint)
        checkpoints.sort { $0.position < $1.position }
        if checkpoints.count > limit { checkpoints.removeFirst() }
    }

    /// The latest checkpoint at or before `position`.
    func latestCheckpoint(atMost position: Int) -> Checkpoint? {
        checkpoints.filter { $0.position <= position }.max { $0.position < $1.position }
    }

    /// Makes `checkpoint`'s state current and forgets the checkpoints after it.
    func restore(_ checkpoint: Checkpoint) {
        checkpoint.values.withUnsafeBufferPointer { values.update(from: $0.baseAddress!, count: totalFloats) }
        forgetCheckpoints(after: checkpoint.position)
    }

    /// Forgets checkpoints past `position` (the positions they stand for are gone).
    func forgetCheckpoints(after position: Int) { checkpoints.removeAll { $0.position > position } }
}
