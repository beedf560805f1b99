/// Every token's bytes in one flat buffer, for testing tokens against a grammar without
/// asking the tokenizer each time. Control and unused tokens have no bytes, so a grammar
/// never picks them.
public struct TokenByteTable: Sendable {
    private let bytes: [UInt8]
    private let offsets: [Int32]  // (count + 1) start of each token's bytes

    public init(tokenizer: Tokenizer) {
        var bytes: [UInt8] = []
        var offsets: [Int32] = [0]
        offsets.reserveCapacity(tokenizer.vocabulary.count + 1)
        for id in 0..<tokenizer.vocabulary.count {
            if tokenizer.vocabulary.type(of: id) != .unknown { bytes += tokenizer.bytes(of: id) }
            offsets.append(Int32(bytes.count))
        }
        self.bytes = bytes
        self.offsets = offsets
    }

    public var count: Int { offsets.count - 1 }

    /// The bytes of token `id`.
    public subscript(id: Int) -> ArraySlice<UInt8> { bytes[Int(offsets[id])..<Int(offsets[id + 1])] }

    /// The first byte of token `id`, nil when it has none.
    func firstByte(of id: Int) -> UInt8? {
        let start = Int(offsets[id])
        return start < Int(offsets[id + 1]) ? bytes[start] : nil
    }
}
