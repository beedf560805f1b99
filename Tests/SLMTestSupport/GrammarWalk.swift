import SLMEngine

/// Random walks through a grammar, taking only bytes the matcher allows: a way to show
/// the grammar never leads to a dead end and only ever completes valid text.
public struct GrammarWalk {
    private var random: SplitMix64

    public init(seed: UInt64) { random = SplitMix64(seed: seed) }

    private mutating func next() -> UInt64 { random.next() }

    /// Where a walk ended.
    public enum Outcome: Equatable {
        case complete(String)
        /// No byte was allowed before the grammar was complete, after this text.
        case deadEnd(String)
        case tooLong
    }

    /// One walk from the start of `grammar`, leaning towards closing quotes, brackets and
    /// commas so walks end before every length limit is reached.
    public mutating func walk(_ grammar: Grammar, limit: Int = 4000) -> Outcome {
        var matcher = GrammarMatcher(grammar, leadingWhitespace: true)
        var bytes: [UInt8] = []
        while !matcher.isComplete {
            let mask = matcher.allowedFirstBytes()
            let allowed = mask.indices.filter { mask[$0] }
            guard !allowed.isEmpty else { return .deadEnd(String(decoding: bytes, as: UTF8.self)) }
            let structural = allowed.filter { [0x22, 0x7D, 0x5D, 0x2C].contains($0) }
            let pick = !structural.isEmpty && next() % 4 == 0 ? structural : allowed
            let byte = UInt8(pick[Int(next() % UInt64(pick.count))])
            guard matcher.accept(byte) else { return .deadEnd(String(decoding: bytes, as: UTF8.self)) }
            bytes.append(byte)
            if bytes.count > limit { return .tooLong }
        }
        return .complete(String(decoding: bytes, as: UTF8.self))
    }
}
