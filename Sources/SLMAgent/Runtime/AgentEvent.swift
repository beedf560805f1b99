import SLMEngine
import SLMStore

/// What a turn reports as it goes. The UI and the headless commands read the same stream.
public enum AgentEvent: Sendable, Equatable {
    /// The turn has its conversation (new or continued; none when not recording), with its
    /// title, and the user's message is saved.
    case started(conversation: Int?, title: String?)
    case routed(RouteDecision)
    /// The model that answers, and the one the agent preferred when it fell back.
    case model(name: String, preferred: String?)
    /// Something the user may want to know (the model's own template could not write
    /// the prompt, so its family's format did).
    case note(String)
    /// The oldest messages of the conversation did not fit the context and were left out.
    case contextTrimmed(droppedMessages: Int)
    /// Answer text, as it streams.
    case token(String)
    /// A thinking model's reasoning, as it streams (not part of the answer).
    case thinking(String)
    case toolCall(ToolCallEvent)
    /// A destructive call waits: answer with `AgentRuntime.answerApproval`.
    case needsApproval(ApprovalRequest)
    case approvalAnswered(id: Int, approved: Bool)
    case toolResult(ToolResultEvent)
    /// Speed figures of one generation step, and how full the model's cache is after it.
    case stats(TurnStats)
    case finished(TurnSummary)
    case failed(String)
}

/// A tool call the model made, valid against the tool's schema.
public struct ToolCallEvent: Sendable, Equatable {
    public let id: Int
    public let name: String
    public let arguments: JSONValue

    public init(id: Int, name: String, arguments: JSONValue) {
        self.id = id
        self.name = name
        self.arguments = arguments
    }
}

/// A destructive call waiting for the user.
public struct ApprovalRequest: Sendable, Equatable {
    public let id: Int
    public let tool: String
    public let arguments: JSONValue
    /// Why it needs approval ("tasks_delete cannot be undone").
    public let reason: String

    public init(id: Int, tool: String, arguments: JSONValue, reason: String) {
        self.id = id
        self.tool = tool
        self.arguments = arguments
        self.reason = reason
    }
}

/// How a tool call ended.
public struct ToolResultEvent: Sendable, Equatable {
    public let id: Int
    public let name: String
    /// What the model reads: the tool's result, or `{"error": …}`.
    public let result: JSONValue
    public let status: ToolCallStatus
    public let durationMilliseconds: Double
}

/// Where a tool call stands.
public enum ToolCallStatus: String, Sendable, Equatable, Codable {
    case running, succeeded, failed, denied

    init(_ status: ToolCallRecord.Status) {
        switch status {
        case .running: self = .running
        case .succeeded: self = .succeeded
        case .failed: self = .failed
        case .denied: self = .denied
        }
    }
}

/// Counts and speeds of one generation step, and the cache after it.
public struct TurnStats: Sendable, Equatable {
    public let promptTokens: Int
    /// Prompt tokens found in the cache from an earlier step (or in the conversation's saved
    /// context) and not evaluated again.
    public let reusedPromptTokens: Int
    /// Positions loaded from the conversation's saved context for this step (0: none).
    public let restoredTokens: Int
    public let generatedTokens: Int
    public let prefillTokensPerSecond: Double
    public let decodeTokensPerSecond: Double
    /// From the request to the first generated token.
    public let timeToFirstTokenMilliseconds: Double
    /// Why generation stopped: `eog`, `max_tokens`, `stop`, `cancelled`, `grammar`.
    public let stopReason: String
    /// Tokens the model's cache holds after this step, of `contextLength`.
    public let cachedTokens: Int
    public let contextLength: Int

    init(_ stats: GenerationStats, cachedTokens: Int, contextLength: Int) {
        promptTokens = stats.promptTokens
        reusedPromptTokens = stats.reusedPromptTokens
        restoredTokens = stats.restoredTokens
        generatedTokens = stats.generatedTokens
        prefillTokensPerSecond = stats.prefillTokensPerSecond
        decodeTokensPerSecond = stats.decodeTokensPerSecond
        timeToFirstTokenMilliseconds = stats.timeToFirstTokenMilliseconds
        stopReason = stats.stopReason.rawValue
        self.cachedTokens = cachedTokens
        self.contextLength = contextLength
    }
}

/// The end of a turn.
public struct TurnSummary: Sendable, Equatable {
    public let conversationID: Int
    /// The saved answer, when the turn was recorded.
    public let messageID: Int?
    public let agent: String
    public let model: String
    public let text: String
    public let status: AnswerStatus
    public let toolCalls: Int
    public let generatedTokens: Int
    /// What a thinking model thought before answering, when it did.
    public var thinking: String? = nil
    /// Why the answer's generation stopped: `eog`, `max_tokens`, `stop`, `cancelled`,
    /// `grammar`; nil when not known.
    public var stopReason: String? = nil

    /// The answer stopped at the token limit (and can be continued).
    public var hitTokenLimit: Bool { stopReason == "max_tokens" }
}
