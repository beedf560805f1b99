/// Turns a stream of token ids into text without breaking characters: a token may end
/// in the middle of a UTF-8 sequence (byte tokens, emoji), so bytes wait until whole.
public struct TokenTextDecoder: Sendable {
    private let tokenizer: Tokenizer
    private var pending: [UInt8] = []

    public init(tokenizer: Tokenizer) { self.tokenizer = tokenizer }

    /// The text that `id` completes (possibly empty).
    public mutating func append(_ id: Int) -> String {
        pending += tokenizer.bytes(of: id)
        let complete = Self.completePrefixLength(pending)
        guard complete > 0 else { return "" }
        let text = String(decoding: pending[0..<complete], as: UTF8.self)
        pending.removeFirst(complete)
        return text
    }

    /// Whatever is left, with incomplete sequences replaced by U+FFFD.
    public mutating func finish() -> String {
        defer { pending.removeAll() }
        return pending.isEmpty ? "" : String(decoding: pending, as: UTF8.self)
    }

    /// Bytes up to the last complete UTF-8 sequence; an invalid sequence counts as complete
    /// (it decodes to U+FFFD) so bad bytes never block the stream.
    static func completePrefixLength(_ bytes: [UInt8]) -> Int {
        var index = bytes.count - 1
        var continuation = 0
        while index >= 0, bytes[index] & 0xC0 == 0x80, continuation < 3 {
            index -= 1
            continuation += 1
        }
        guard index >= 0 else { return bytes.count }
        let lead = bytes[index]
        let expected = lead < 0x80 ? 1 : lead >> 5 == 0x6 ? 2 : lead >> 4 == 0xE ? 3 : lead >> 3 == 0x1E ? 4 : 1
        return continuation + 1 >= expected ? bytes.count : index
    }
}
