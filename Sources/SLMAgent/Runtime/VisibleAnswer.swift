import SLMEngine

/// Decides which streamed text the user sees while the model may still turn its answer
/// into a tool call: text before a `<tool_call>` tag is shown, the tag and the call are
/// not; with Llama 3, an answer that opens with `{` is held until it is known to be a call
/// (then dropped) or not (then shown).
struct VisibleAnswer {
    private var trigger: StopStringFilter?
    /// The first character of an answer that may be a call in disguise.
    private let jsonOpening: Character?
    private var undecided = ""
    private var holding = false
    private var decided = false
    /// The tag has appeared: nothing more is shown.
    private var triggered = false
    /// Everything shown so far.
    private(set) var shown = ""

    init(style: ToolCallStyle, callsPossible: Bool) {
        trigger = callsPossible ? style.opener.map { StopStringFilter(stopStrings: [$0]) } : nil
        // a call that opens with JSON (Llama 3), or whose opener is a control token the
        // text never shows (`<|tool_call|>`), is held until it is known to be one
        jsonOpening = callsPossible ? (style == .llama3 ? "{" : style == .toolCallToken ? "[" : nil) : nil
    }

    /// The part of `text` to show now.
    mutating func push(_ text: String) -> String {
        var visible = text
        if let jsonOpening {
            if holding { undecided += text; return "" }
            if !decided {
                undecided += text
                let opening = undecided.drop { $0.isWhitespace }
                guard let first = opening.first else { return "" }
                decided = true
                if first == jsonOpening { holding = true; return "" }
                visible = undecided
                undecided = ""
            }
        }
        if var filter = trigger {
            guard !triggered else { return "" }
            let (emit, stopped) = filter.push(visible)
            (visible, triggered) = (emit, stopped)
            trigger = filter
        }
        shown += visible
        return visible
    }

    /// At the end of the step: what was held back and is now shown, given whether the
    /// step ended in a call.
    mutating func finish(endedInCall: Bool) -> String {
        guard !endedInCall else { return "" }
        var rest = undecided
        undecided = ""
        if var filter = trigger, !triggered {
            rest = filter.push(rest).emit + filter.flush()
            trigger = filter
        }
        shown += rest
        return rest
    }
}

/// Text that looks like a tool call the parser could not take (`<input_input>{"name": …`):
/// never shown as an answer.
enum CallMarkup {
    static func looksLikeCall(_ text: String) -> Bool {
        var rest = Substring(text.trimmingCharacters(in: .whitespacesAndNewlines))
        // tags and a code fence the model put before the JSON
        while true {
            if rest.hasPrefix("<"), let close = rest.firstIndex(of: ">") {
                rest = rest[rest.index(after: close)...].drop { $0.isWhitespace }
            } else if rest.hasPrefix("```") {
                rest = rest.drop { $0 != "\n" }.drop { $0.isWhitespace }
            } else {
                break
            }
        }
        return rest.hasPrefix("{") && rest.contains("\"name\"")
    }
}
