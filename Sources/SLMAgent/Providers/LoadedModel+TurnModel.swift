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
        // writes calls instead of answering; a model's own template declares them itself
        let ownDeclaration = describesTools && builder.declaresTools
        let prompt = try builder.build(
            system: describesTools && !ownDeclaration ? input.system + "\n\n" + style.toolSection(input.agentTools)
                : input.system,
            history: input.history, turn: input.turn, tools: ownDeclaration ? input.tools : [],
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

    /// With thinking off — and on steps that may call a tool, where a small model's long
    /// thought only delays the call — a thinking model's answer opens with an empty thought.
    private func thinkingOpening(toolStep: Bool, enableThinking: Bool) -> [ChatTemplate.Piece] {
        guard let thinkingTags, !enableThinking || toolStep else { return [] }
        return [.markup(thinkingTags.emptyThought)]
    }
}
