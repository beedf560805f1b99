/// What one generation step of a turn may do, decided from the turn's state alone: a pure
/// value, so the loop's policy is tested as a table.
///
/// The first step of an agent that starts with a tool, or of a request that names its
/// tools ("delete task 2"), must call one of them and is constrained from its first token;
/// so must the second step of a request whose second part names tools ("… and delete task 2").
/// Later steps of a chat-tuned model may call a tool while calls and tokens are left;
/// otherwise the step answers, and a base model is never shown the tools.
package struct StepPlan: Equatable, Sendable {
    /// How a tool call is allowed.
    package enum Calls: Equatable, Sendable {
        /// The step answers in words.
        case none
        /// The step must call one of these tools; the grammar holds from the first token.
        case required([String])
        /// The step may call one of these tools once it opens a call.
        case optional([String])
    }

    package let calls: Calls
    /// Tokens the step may generate.
    package let maxTokens: Int
    /// Whether its text is shown as the answer (a required call's is not).
    package let showsText: Bool
    /// Whether the system text describes the tools.
    package var describesTools: Bool { calls != .none }

    /// The turn's state when a step begins.
    package struct State: Equatable, Sendable {
        /// Steps already taken (each made one call).
        package var steps = 0
        /// Tokens already generated in the turn.
        package var generated = 0
        /// The turn was told to answer now (a repeated or refused call).
        package var mustAnswer = false
        /// The agent's tools.
        package var agentTools: [String] = []
        /// The tools the request names, when it names any.
        package var hintedTools: [String]?
        /// The tools a second step of the request names ("… and delete task 2").
        package var followUpTools: [String]?
        package var agentStartsWithTool = false
        package var isChatTuned = true
        /// The answer length the turn asked for, if any.
        package var requestedTokens: Int?

        package init(steps: Int = 0, generated: Int = 0, mustAnswer: Bool = false, agentTools: [String] = [],
                     hintedTools: [String]? = nil, followUpTools: [String]? = nil, agentStartsWithTool: Bool = false,
                     isChatTuned: Bool = true, requestedTokens: Int? = nil) {
            self.steps = steps
            self.generated = generated
            self.mustAnswer = mustAnswer
            self.agentTools = agentTools
            self.hintedTools = hintedTools
            self.followUpTools = followUpTools
            self.agentStartsWithTool = agentStartsWithTool
            self.isChatTuned = isChatTuned
            self.requestedTokens = requestedTokens
        }
    }

    package init(calls: Calls, maxTokens: Int, showsText: Bool) {
        self.calls = calls
        self.maxTokens = maxTokens
        self.showsText = showsText
    }

    /// The plan for the next step of a turn in `state` under `configuration`'s budgets.
    package init(_ state: State, configuration: RuntimeConfiguration) {
        let firstStep = state.steps == 0
        let hasTools = !state.agentTools.isEmpty
        let tokensLeft = configuration.turnTokenBudget - state.generated
        // a request of two steps gets its second call too (a small model answers after one)
        let followUp = state.steps == 1 && !state.mustAnswer && tokensLeft > 64 && state.steps < configuration.maxToolSteps
            ? state.followUpTools : nil
        let mustCall = hasTools && !state.mustAnswer
            && ((firstStep && (state.agentStartsWithTool || state.hintedTools != nil)) || followUp != nil)
        let mayCall = !mustCall && !state.mustAnswer && hasTools && state.isChatTuned
            && state.steps < configuration.maxToolSteps && tokensLeft > 64
        if mustCall {
            calls = .required(followUp ?? state.hintedTools ?? state.agentTools)
        } else if mayCall {
            calls = .optional(state.agentTools)
        } else {
            calls = .none
        }
        let wanted = mustCall ? configuration.callTokens : state.requestedTokens ?? configuration.answerTokens
        maxTokens = min(wanted, max(16, tokensLeft))
        showsText = !mustCall
    }
}

extension StepPlan.Calls {
    /// The tools the step's grammar names.
    package var toolNames: [String] {
        switch self {
        case .none: []
        case .required(let names), .optional(let names): names
        }
    }

    package var isRequired: Bool { if case .required = self { true } else { false } }
}
