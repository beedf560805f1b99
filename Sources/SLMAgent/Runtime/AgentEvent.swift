import SLMEngine
import SLMStore

/// What a turn reports as it goes. The UI and the headless commands read the same stream.
public enum AgentEvent: Sendable, Equatable {
    /// The turn has its conversation (new or continued; none when not recording) and the
    /// user's message is saved.
    case started(conversationID: Int?)
    case routed(RouteDecision)
    /// The model that answers, and the one the agent preferred when it fell back.
    case model(name: String, preferred: String?)
    /// The oldest messages of the conversation did not fit the context and were left out.
    case contextTrimmed(droppedMessages: Int)
    /// Answer text, as it streams.
    case token(String)
    case toolCall(ToolCallEvent)
    /// A destructive call waits: answer with `AgentRuntime.answerApproval`.
    case needsApproval(ApprovalRequest)
    case approvalAnswered(id: Int, approved: Bool)
    case toolResult(ToolResultEvent)
    /// Speed figures of one generation step.
    case stats(GenerationStats)
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
    public let status: ToolCallRecord.Status
    public let durationMilliseconds: Double
}

/// The end of a turn.
public struct TurnSummary: Sendable, Equatable {
    public let conversationID: Int
    /// The saved answer, when the turn was recorded.
    public let messageID: Int?
    public let agent: String
    public let model: String
    public let text: String
    public let status: MessageStatus
    public let toolCalls: Int
    public let generatedTokens: Int
}
