import SLMEngine

/// Builds a step's prompt: the system text, as much of the conversation as fits the
/// context (the oldest turns drop out first, never the system text or the current turn),
/// the current turn, and what opens the answer.
struct PromptBuilder {
    let model: LoadedModel

    struct Prompt {
        let tokens: [Int]
        /// Messages of the earlier conversation left out to fit.
        let droppedMessages: Int
        /// Why the model's own template could not write this prompt, when it could not.
        var notice: String?
    }

    struct TooLong: Error, CustomStringConvertible {
        let tokens: Int
        let context: Int
        var description: String {
            "the message, instructions and tools take \(tokens) tokens but the context holds \(context); shorten the message or raise the context"
        }
    }

    /// Whether the model's own template writes this prompt and declares `tools` itself.
    var declaresTools: Bool { model.renderer.modelTemplate?.capabilities.tools ?? false }

    /// `reserve` tokens are kept free for the answer. With the model's own template the
    /// tools go to the template (when it declares them); a prompt the template refuses is
    /// written in the family's built-in format, and `notice` says so.
    func build(system: String, history: [ChatMessage], turn: [ChatMessage], tools: [any Tool] = [],
               opening: [ChatTemplate.Piece], reserve: Int, enableThinking: Bool = true) throws(TooLong) -> Prompt
    {
        let turns = Self.turnStarts(history)
        let limit = model.estimate.contextLength - reserve
        let declared = tools.map { tool in
            ChatConversation.Tool(name: tool.name, description: tool.description, parameters: tool.arguments.json.text)
        }
        var notice: String?
        func render(dropping count: Int) -> [Int] {
            let kept = count == 0 ? history[...] : history[(count < turns.count ? turns[count] : history.count)...]
            let messages = [ChatMessage.system(system)] + kept + turn
            var pieces: [ChatTemplate.Piece]
            if model.renderer.modelTemplate != nil {
                let rendered = model.renderer.render(ChatConversation(messages, tools: declaresTools ? declared : [],
                                                                      enableThinking: enableThinking))
                pieces = rendered.pieces
                notice = rendered.notice
            } else {
                pieces = model.template.render(messages)
            }
            // a template that writes the empty thought itself (thinking off) does not get it twice
            let repeated = opening.allSatisfy { if case .markup = $0 { true } else { false } }
                && Self.text(of: pieces).hasSuffix(Self.text(of: opening))
            return model.template.tokens(for: repeated ? pieces : pieces + opening, tokenizer: model.tokenizer)
        }
        let whole = render(dropping: 0)
        if whole.count <= limit { return Prompt(tokens: whole, droppedMessages: 0, notice: notice) }
        // the fewest oldest turns to drop, found by halving: fewer dropped never fits better
        var low = 1, high = turns.count
        var best: [Int]?
        while low <= high {
            let middle = (low + high) / 2
            let tokens = render(dropping: middle)
            if tokens.count <= limit {
                best = tokens
                high = middle - 1
            } else {
                low = middle + 1
            }
        }
        guard let tokens = best else { throw TooLong(tokens: render(dropping: turns.count).count + reserve, context: model.estimate.contextLength) }
        let dropped = low < turns.count ? turns[low] : history.count
        return Prompt(tokens: tokens, droppedMessages: dropped, notice: notice)
    }

    /// The text of rendered pieces, special tokens by name.
    private static func text(of pieces: [ChatTemplate.Piece]) -> String {
        pieces.map { piece in
            switch piece {
            case .text(let text), .special(let text), .markup(let text): text
            }
        }.joined()
    }

    /// Where each turn of the history starts: at a user message (and at the very start).
    static func turnStarts(_ history: [ChatMessage]) -> [Int] {
        var starts = history.indices.filter { $0 == 0 || history[$0].role == .user }
        if starts.first != 0, !history.isEmpty { starts.insert(0, at: 0) }
        return starts
    }
}
