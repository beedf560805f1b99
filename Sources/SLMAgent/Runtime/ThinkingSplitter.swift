/// Splits a thinking model's stream into its reasoning and its answer: text inside a
/// leading `<think>…</think>` (or Gemma 4's `<|channel>thought…<channel|>`) is thought, the
/// rest is answer. A tag split across pieces is held until it is known.
struct ThinkingSplitter {
    private enum Phase { case start, thinking, afterThought, answering }

    private var phase = Phase.start
    private var held = ""
    /// The tags of the thought being read.
    private var tags = ThinkingTags.think
    /// Everything thought so far.
    private(set) var thought = ""

    /// The tags a remote server's separate reasoning is written back with.
    static let open = ThinkingTags.think.open, close = ThinkingTags.think.close

    /// The thought and the answer text in `piece`.
    mutating func push(_ piece: String) -> (thought: String, answer: String) {
        held += piece
        var thoughtPart = "", answerPart = ""
        while !held.isEmpty {
            switch phase {
            case .start:
                let trimmed = held.drop { $0.isWhitespace }
                if let opened = ThinkingTags.all.first(where: { trimmed.hasPrefix($0.open) }) {
                    tags = opened
                    held = String(trimmed.dropFirst(opened.open.count))
                    phase = .thinking
                } else if ThinkingTags.all.contains(where: { $0.open.hasPrefix(String(trimmed)) }) {
                    // maybe the tag, still arriving
                    return (thoughtPart, answerPart)
                } else {
                    phase = .answering
                }
            case .thinking:
                if let range = held.range(of: tags.close) {
                    thoughtPart += held[..<range.lowerBound]
                    held = String(held[range.upperBound...])
                    phase = .afterThought
                } else {
                    // keep a tail that may be the start of the closing tag
                    let keep = Self.partialSuffix(of: held, matching: tags.close)
                    thoughtPart += held.dropLast(keep)
                    held = String(held.suffix(keep))
                    thought += thoughtPart
                    return (thoughtPart, answerPart)
                }
            case .afterThought:
                // the answer begins after the blank line models put after the tag
                held = String(held.drop { $0 == "\n" })
                if !held.isEmpty { phase = .answering }
            case .answering:
                answerPart += held
                held = ""
            }
        }
        thought += thoughtPart
        return (thoughtPart, answerPart)
    }

    /// What was held back, at the end of the stream: unfinished thought stays thought.
    mutating func finish() -> (thought: String, answer: String) {
        defer { held = "" }
        switch phase {
        case .thinking:
            thought += held
            return (held, "")
        default:
            return ("", held)
        }
    }

    /// How many characters at the end of `text` begin `tag`.
    private static func partialSuffix(of text: String, matching tag: String) -> Int {
        for length in stride(from: min(tag.count - 1, text.count), through: 1, by: -1)
            where tag.hasPrefix(text.suffix(length)) {
            return length
        }
        return 0
    }
}
