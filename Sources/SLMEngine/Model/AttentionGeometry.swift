/// The sizes of one attention layer's heads: the same for every layer of most families,
/// different for sliding-window and global layers in others (`attention.key_length_swa`,
/// `attention.value_length_swa`, `rope.dimension_count_swa`, and a per-layer
/// `attention.head_count_kv`).
public struct AttentionGeometry: Sendable, Equatable {
    public let keyLength: Int
    public let valueLength: Int
    /// Dimensions of each head that RoPE rotates.
    public let ropeDimensions: Int
    /// Key/value heads (queries share them in groups).
    public let keyValueHeads: Int

    /// Values of keys, and of values, one position of this layer caches.
    public var keyWidth: Int { keyValueHeads * keyLength }
    public var valueWidth: Int { keyValueHeads * valueLength }
}
