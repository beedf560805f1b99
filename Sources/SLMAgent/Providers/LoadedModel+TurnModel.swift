import SLMEngine

/// The in-process engine answers a step with a prompt of tokens in the model's chat format
/// and, when the step may call a tool, a grammar that holds the call to the tools' schemas.
extension LoadedModel: TurnModel {
    var name: String { reference.name }
    var contextLength: Int { estimate.contextLength }
    var argumentsKey: String { toolCallStyle.argumentsKey }
    var takesReadArguments: Bool { true }
    var enforcesCalls: Bool { true }

    func visibleAnswer(callsPossible: Bool) -> VisibleAnswer {
        VisibleAnswer(style: toolCallStyle, callsPossible: callsPossible)
    }

    func callMessage(name: String, arguments: JSONValue, id: String) -> ChatMessage {
        toolCallStyle.callMessage(name: name, arguments: arguments, id: id)
    }

    func step(_ input: StepInput) throws -> StepStream {
        let style = toolCallStyle
        let builder = PromptBuilder(model: self)
        let describesTools = input.calls != .none
        // tools are described only when the step may call one: shown them, a base model
        // writes calls instead of answering; a model's own template declares them itself.
        // Either way the agent's whole set is described, the same in every step and turn
        // (what the conversation before it evaluated stays valid); the grammar holds a call
        // to the step's own tools.
        let ownDeclaration = describesTools && builder.declaresTools
        let prompt = try builder.build(
            system: input.system, history: input.history,
            turn: describesTools && !ownDeclaration ? Self.describing(style.toolSection(input.agentTools), in: input.turn)
                : input.turn,
            tools: ownDeclaration ? input.agentTools : [],
            opening: input.calls.isRequired ? style.requiredOpening
                : input.answerPrefix.isEmpty ? thinkingOpening(toolStep: describesTools, enableThinking: input.enableThinking)
                : [.text(input.answerPrefix)],
            reserve: input.maxTokens, enableThinking: input.enableThinking)
        let constraint: GrammarConstraint? = switch input.calls {
        case .required: GrammarConstraint(style.grammar(for: input.tools))
        case .optional: GrammarConstraint(style.grammar(for: input.tools), activation: style.activation)
        case .none: nil
        }
        // with no calls allowed, an answer that starts writing one ends there
        let stops = constraint == nil ? style.opener.map { [$0] } ?? [] : []
        let request = GenerationRequest(prompt: prompt.tokens, maxTokens: input.maxTokens, sampling: input.sampling,
                                        stopStrings: stops, constraint: constraint, contextFile: input.contextFile)
        return StepStream(events: generator.generate(request), droppedMessages: prompt.droppedMessages,
                          notice: prompt.notice)
    }

    /// The turn with `tools` (a tool section) before its request. It goes there, not into
    /// the system text, so a step that may call a tool and the steps and turns that may not
    /// share the conversation before the request: the engine keeps its evaluated prefix (and
    /// a saved context) across them, where a tool section in the system text made every
    /// such step evaluate the whole conversation again (a tool-using turn in a
    /// 4,400-token conversation: two prefills of 6.6-7.8 s each on Gemma 3 270M). With no
    /// history the prompt is the same text as before (the built-in formats without a system
    /// role put the system text at the start of the first request).
    static func describing(_ tools: String, in turn: [ChatMessage]) -> [ChatMessage] {
        guard let request = turn.firstIndex(where: { $0.role == .user }) else { return turn }
        var described = turn
        described[request].content = tools + "\n\n" + turn[request].content
        return described
    }

    /// With thinking off — and on steps that may call a tool, where a small model's long
    /// thought only delays the call — a thinking model's answer opens with an empty thought.
    private func thinkingOpening(toolStep: Bool, enableThinking: Bool) -> [ChatTemplate.Piece] {
        guard let thinkingTags, !enableThinking || toolStep else { return [] }
        return [.markup(thinkingTags.emptyThought)]
    }
}
