import Foundation
import SLMStore

/// How an answer ended.
public enum AnswerStatus: String, Sendable, Equatable, Codable {
    case complete
    /// Still being written, or cut off by a crash (found so when the store opened).
    case interrupted
    case cancelled
    case failed

    init(_ status: MessageStatus) {
        switch status {
        case .complete: self = .complete
        case .partial, .interrupted: self = .interrupted
        case .cancelled: self = .cancelled
        case .failed: self = .failed
        }
    }
}

/// A saved conversation as a person reads it: the path it shows — what the user said and
/// the answers, in order — with where each message has branches, and the tool calls made
/// on the way. This is the one place that decides which saved messages are answers: an
/// assistant message that carried a tool call is not.
public struct Transcript: Sendable, Equatable {
    /// One message of the conversation.
    public struct Message: Sendable, Equatable {
        public enum Speaker: Sendable, Equatable {
            case user
            case assistant(agent: String)
        }

        public let id: Int
        public let speaker: Speaker
        public let text: String
        public let time: Date
        public let status: AnswerStatus
        /// Where this message stands among its alternatives; nil when it has none.
        public let branch: BranchPosition?
        /// How an answer was generated, when that was recorded.
        public let figures: AnswerFigures?
        /// What a thinking model thought before this answer.
        public var thinking: String? = nil
    }

    /// One tool call and how it ended.
    public struct ToolCall: Sendable, Equatable {
        public let tool: String
        /// Arguments and result as JSON text.
        public let arguments: String
        public let result: String?
        /// `running`, `succeeded`, `failed` or `denied`.
        public let status: String
        public var succeeded: Bool { status == "succeeded" }
        public let durationMilliseconds: Double?
        public let startedAt: Date
        public let finishedAt: Date?
    }

    public let conversation: ConversationInfo
    public let messages: [Message]
    public let toolCalls: [ToolCall]

    /// Reads conversation `id` from the store: the path it shows now.
    static func load(_ id: Int, from store: Store) async throws(StoreError) -> Transcript {
        let conversation = try await store.conversation(id)
        let path = try await store.path(in: id)
        let onPath = Set(path.map(\.id))
        let calls = try await store.toolCalls(in: id).filter { call in call.messageID.map(onPath.contains) ?? true }
        let callMessages = Set(calls.compactMap(\.messageID))
        let metrics = try await store.answerMetrics(in: id)
        var messages: [Message] = []
        // a turn's answer branches where the turn's first reply does (a call, or the answer)
        var turnStart: Int?
        for (index, message) in path.enumerated() {
            switch message.role {
            case .user:
                turnStart = index + 1 < path.count ? path[index + 1].id : nil
                messages.append(Message(
                    id: message.id, speaker: .user, text: message.content, time: message.createdAt, status: .complete,
                    branch: try await BranchPosition(of: message.id, in: store), figures: nil))
            case .assistant where !callMessages.contains(message.id):
                let anchor = turnStart ?? message.id
                messages.append(Message(
                    id: message.id, speaker: .assistant(agent: message.agent ?? "assistant"), text: message.content,
                    time: message.createdAt, status: AnswerStatus(message.status),
                    branch: try await BranchPosition(of: anchor, in: store),
                    figures: AnswerFigures(message: message, metrics: metrics[message.id]), thinking: message.reasoning))
            default:
                continue
            }
        }
        let toolCalls = calls.map {
            ToolCall(tool: $0.tool, arguments: $0.arguments, result: $0.result, status: $0.status.rawValue,
                     durationMilliseconds: $0.durationMilliseconds, startedAt: $0.startedAt, finishedAt: $0.finishedAt)
        }
        return Transcript(conversation: ConversationInfo(conversation), messages: messages, toolCalls: toolCalls)
    }
}

/// A message among the alternatives that follow the same message: "2/3".
public struct BranchPosition: Sendable, Equatable {
    /// The saved message whose alternatives these are (for a regenerated answer: the first
    /// reply of its turn).
    public let anchor: Int
    /// 0-based.
    public let index: Int
    public let count: Int
    /// The first message of each alternative, oldest first.
    public let alternatives: [Int]

    init?(of anchor: Int, in store: Store) async throws(StoreError) {
        let alternatives = try await store.branches(of: anchor)
        guard alternatives.count > 1, let index = alternatives.firstIndex(of: anchor) else { return nil }
        self.anchor = anchor
        self.index = index
        count = alternatives.count
        self.alternatives = alternatives
    }
}

/// How an answer was generated.
public struct AnswerFigures: Sendable, Equatable {
    public let generatedTokens: Int?
    /// `eog`, `max_tokens`, `stop`, `cancelled`, `grammar`.
    public let stopReason: String?
    public let decodeTokensPerSecond: Double?
    public let timeToFirstTokenMilliseconds: Double?

    public init(generatedTokens: Int?, stopReason: String?, decodeTokensPerSecond: Double?,
                timeToFirstTokenMilliseconds: Double?) {
        self.generatedTokens = generatedTokens
        self.stopReason = stopReason
        self.decodeTokensPerSecond = decodeTokensPerSecond
        self.timeToFirstTokenMilliseconds = timeToFirstTokenMilliseconds
    }

    init?(message: SLMStore.Message, metrics: TurnMetrics?) {
        guard message.generatedTokens != nil || message.stopReason != nil || metrics != nil else { return nil }
        self.init(generatedTokens: message.generatedTokens ?? metrics?.generatedTokens, stopReason: message.stopReason,
                  decodeTokensPerSecond: metrics?.decodeTokensPerSecond,
                  timeToFirstTokenMilliseconds: metrics?.timeToFirstTokenMilliseconds)
    }

    /// The answer stopped at the token limit (and can be continued).
    public var hitTokenLimit: Bool { stopReason == "max_tokens" }
}
