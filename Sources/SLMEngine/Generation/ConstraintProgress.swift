/// Where one generation stands with its grammar: waiting for it to start, following it,
/// or done. Owned by the generation loop.
struct ConstraintProgress {
    private let constraint: GrammarConstraint?
    /// Set while the grammar is in control.
    private(set) var matcher: GrammarMatcher?
    /// Bytes written under the grammar.
    private(set) var text: [UInt8] = []
    private(set) var isComplete = false
    /// The tail of the generated text, searched for an `.after` trigger.
    private var watched = ""
    /// `.ifAnswerStarts` has been decided one way or the other.
    private var decided = false

    init(_ constraint: GrammarConstraint?) {
        self.constraint = constraint
        if constraint?.activation == .immediately { start() }
    }

    var isActive: Bool { matcher != nil && !isComplete }

    /// For `.ifAnswerStarts`: whether the token just sampled freely opens the answer with
    /// the grammar's first characters, so the grammar should take over from this token.
    mutating func shouldTakeOver(at tokenBytes: ArraySlice<UInt8>) -> Bool {
        guard !decided, matcher == nil, case .ifAnswerStarts(let prefix)? = constraint?.activation else { return false }
        let visible = tokenBytes.drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\n") }
        guard !visible.isEmpty else { return false }
        decided = true
        let wanted = Array(prefix.utf8)
        guard visible.starts(with: wanted) || wanted.starts(with: visible) else { return false }
        start()
        return true
    }

    /// Records a token written under the grammar.
    mutating func accept(_ tokenBytes: ArraySlice<UInt8>) {
        guard var current = matcher else { return }
        current.accept(tokenBytes)
        text += tokenBytes
        matcher = current
        isComplete = current.isComplete
    }

    /// Watches freely generated text for the trigger; returns true when the grammar takes
    /// over from the next token.
    mutating func observe(piece: String) -> Bool {
        guard matcher == nil, case .after(let trigger)? = constraint?.activation else { return false }
        watched += piece
        if watched.contains(trigger) {
            start()
            return true
        }
        if watched.count > trigger.count * 4 { watched = String(watched.suffix(trigger.count)) }
        return false
    }

    private mutating func start() {
        guard let grammar = constraint?.grammar else { return }
        matcher = GrammarMatcher(grammar, leadingWhitespace: true)
    }
}
