import Foundation
import SLMEngine

/// Settings of the agent loop.
public struct RuntimeConfiguration: Sendable {
    /// Tool calls one turn may make before it must answer.
    public var maxToolSteps = 4
    /// Tokens one turn may generate over all its steps.
    public var turnTokenBudget = 2048
    /// Tokens of one answer, unless the turn asks for another limit.
    public var answerTokens = 512
    /// Tokens of one tool call (the grammar bounds a call well below this).
    public var callTokens = 1024
    /// The model each kind of agent prefers; an agent falls back to the selected model.
    public var models: [AgentProfile.ModelClass: ModelReference] = [:]
    /// Put before every agent's instructions (a conversation's own system prompt wins).
    public var systemPrompt: String?
    public var timeZone = TimeZone.current
    /// The current moment (a fixed one in tests).
    public var now: @Sendable () -> Date = { Date() }
    /// How often a streaming answer is saved while it grows.
    public var saveInterval = Duration.seconds(1)
    /// Where conversations' contexts are kept between turns and runs (nil: not kept, so a
    /// conversation opened again is evaluated from its start).
    public var savedContexts: SavedContexts?

    public init() {}
}

/// Choices for one turn.
public struct TurnOptions: Sendable {
    /// Continue this conversation; nil starts a new one.
    public var conversationID: Int?
    /// The agent to use; nil lets the router choose.
    public var agent: String?
    /// Sampling for the answer instead of the agent's own.
    public var sampling: SamplingChoice?
    /// Answer length instead of the configured one.
    public var maxTokens: Int?
    /// Save the conversation (tool state is always saved).
    public var record = true
    /// A system prompt for a new conversation.
    public var systemPrompt: String?
    /// Where the turn goes in the conversation: after its last message, or as a new branch.
    public var start: TurnStart
    /// A thinking model may think before it answers; off, its answer starts with an empty
    /// thought, as its template does for `enable_thinking=false`.
    public var enableThinking: Bool

    public init(conversationID: Int? = nil, agent: String? = nil, sampling: SamplingChoice? = nil,
                maxTokens: Int? = nil, record: Bool = true, systemPrompt: String? = nil, start: TurnStart = .newMessage,
                enableThinking: Bool = true) {
        self.conversationID = conversationID
        self.start = start
        self.enableThinking = enableThinking
        self.agent = agent
        self.sampling = sampling
        self.maxTokens = maxTokens
        self.record = record
        self.systemPrompt = systemPrompt
    }
}

/// Where a turn's messages go in its conversation's tree.
public enum TurnStart: Sendable, Equatable {
    /// A new message after the last one shown.
    case newMessage
    /// User message `id` answered again: the new answer is a branch beside the old one.
    case regenerate(userMessage: Int)
    /// User message `id` rewritten: the turn's text is a branch beside it, and is answered.
    case edit(userMessage: Int)
    /// Answer `id`, the last one shown, carried on in the same message.
    case continueAnswer(Int)
}
