/// The sizes of one attention layer's heads: the same for every layer of most families,
/// different for sliding-window and global layers in others (`attention.key_length_swa`,
/// `attention.value_length_swa`, `rope.dimension_count_swa`).
public struct AttentionGeometry: Sendable, Equatable {
    public let keyLength: Int
    public let valueLength: Int
    /// Dimensions of each head that RoPE rotates.
    public let ropeDimensions: Int
}
