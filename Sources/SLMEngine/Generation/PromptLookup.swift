/// Prompt-lookup drafting: guesses the next tokens by finding the text's last few tokens
/// earlier in the prompt or answer and copying what followed them there. Rewriting an
/// email, repeating a list or quoting code repeats long runs, and a guess costs nothing to
/// make; the model checks every guess, so the answer is the one it would give anyway.
public struct PromptLookup: Sendable, Equatable {
    /// The longest run of last tokens looked for; longer runs are tried first.
    public var longestMatch: Int
    /// The shortest run that counts as a match.
    public var shortestMatch: Int
    /// Most tokens guessed at once.
    public var draftLength: Int

    /// The draft length the engine's memory estimate allows for.
    public static let defaultDraftLength = 8

    public init(longestMatch: Int = 4, shortestMatch: Int = 2, draftLength: Int = defaultDraftLength) {
        precondition(shortestMatch >= 1 && longestMatch >= shortestMatch && draftLength >= 1)
        self.longestMatch = longestMatch
        self.shortestMatch = shortestMatch
        self.draftLength = draftLength
    }

    /// Up to `min(draftLength, limit)` tokens that followed the latest earlier occurrence of
    /// the longest run of `history`'s last tokens found again in it; empty when none is.
    public func draft(after history: [Int], limit: Int) -> [Int] {
        let limit = min(draftLength, limit)
        guard limit > 0 else { return [] }
        for length in stride(from: min(longestMatch, history.count - 1), through: shortestMatch, by: -1) {
            let suffix = history.count - length
            // the latest occurrence first: it is the likeliest to go on as the text does now
            var start = suffix - 1
            while start >= 0 {
                if Self.matches(history, at: start, suffix: suffix, length: length) {
                    let from = start + length
                    let taken = history[from..<min(from + limit, history.count)]
                    if !taken.isEmpty { return Array(taken) }
                }
                start -= 1
            }
        }
        return []
    }

    private static func matches(_ history: [Int], at start: Int, suffix: Int, length: Int) -> Bool {
        for offset in 0..<length where history[start + offset] != history[suffix + offset] { return false }
        return true
    }
}
