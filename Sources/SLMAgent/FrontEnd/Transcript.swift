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

/// A saved conversation as a person reads it: what the user said and the answers, in
/// order, and the tool calls made on the way. This is the one place that decides which
/// saved messages are answers: an assistant message that carried a tool call is not.
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

    /// Reads conversation `id` from the store.
    static func load(_ id: Int, from store: Store) async throws(StoreError) -> Transcript {
        let conversation = try await store.conversation(id)
        let calls = try await store.toolCalls(in: id)
        let callMessages = Set(calls.compactMap(\.messageID))
        let messages: [Message] = try await store.messages(in: id).compactMap { message in
            switch message.role {
            case .user:
                return Message(id: message.id, speaker: .user, text: message.content, time: message.createdAt,
                               status: .complete)
            case .assistant where !callMessages.contains(message.id):
                return Message(id: message.id, speaker: .assistant(agent: message.agent ?? "assistant"),
                               text: message.content, time: message.createdAt, status: AnswerStatus(message.status))
            default:
                return nil
            }
        }
        let toolCalls = calls.map {
            ToolCall(tool: $0.tool, arguments: $0.arguments, result: $0.result, status: $0.status.rawValue,
                     durationMilliseconds: $0.durationMilliseconds, startedAt: $0.startedAt, finishedAt: $0.finishedAt)
        }
        return Transcript(conversation: ConversationInfo(conversation), messages: messages, toolCalls: toolCalls)
    }
}
