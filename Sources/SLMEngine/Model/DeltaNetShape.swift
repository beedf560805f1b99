/// The sizes of Qwen3.5's Gated DeltaNet layers, from the file's `ssm.*` keys.
public struct DeltaNetShape: Sendable, Equatable {
    /// Taps of the causal convolution over Q|K|V (`ssm.conv_kernel`).
    public let convolutionLength: Int
    /// Per-head length of keys, queries and values: the state is this squared per head
    /// (`ssm.state_size`; the value heads' `ssm.inner_size / ssm.time_step_rank` must agree).
    public let headLength: Int
    /// Query/key heads (`ssm.group_count`) and value heads (`ssm.time_step_rank`); value head
    /// h reads query/key head h mod the key heads, as the reference's layout has it.
    public let keyHeads: Int
    public let valueHeads: Int

    /// Floats per position of the convolution's input: Q, K and V.
    public var convolutionChannels: Int { (2 * keyHeads + valueHeads) * headLength }
    /// Floats of one layer's output before its projection (all value heads).
    public var valueWidth: Int { valueHeads * headLength }
    /// Floats of one layer's state: the convolution's last inputs and each head's matrix.
    public var stateFloats: Int { (convolutionLength - 1) * convolutionChannels + valueHeads * headLength * headLength }

    init(metadata: BoundedMetadata) throws(EngineError) {
        convolutionLength = try metadata.required("ssm.conv_kernel", in: 2...64)
        headLength = try metadata.required("ssm.state_size", in: 1...1024)
        keyHeads = try metadata.required("ssm.group_count", in: 1...Hyperparameters.Limit.heads)
        valueHeads = try metadata.required("ssm.time_step_rank", in: 1...Hyperparameters.Limit.heads)
        guard valueHeads % keyHeads == 0 else {
            throw .invalidMetadata(key: metadata.prefix + "ssm.group_count",
                                   reason: "\(keyHeads) key heads do not divide \(valueHeads) value heads")
        }
        let inner = try metadata.required("ssm.inner_size", in: 1...Hyperparameters.Limit.embedding * 16)
        guard inner == valueHeads * headLength else {
            throw .invalidMetadata(key: metadata.prefix + "ssm.inner_size",
                                   reason: "\(inner) is not \(valueHeads) value heads of \(headLength)")
        }
    }
}
