import Foundation

/// A conversation's header.
public struct Conversation: Sendable, Equatable, Codable {
    public let id: Int
    public var title: String
    public var agent: String?
    public var model: String?
    public var systemPrompt: String?
    /// Sampling parameters as JSON, as the agent chose them.
    public var sampling: String?
    public let createdAt: Date
    public var updatedAt: Date
}

/// Who wrote a message.
public enum MessageRole: String, Sendable, Codable, CaseIterable {
    case system, user, assistant, tool
}

/// Where a message stands: answers stream in as `partial` and end `complete`, `cancelled`
/// or `failed`; a `partial` answer found when the store opens was cut off by a crash and
/// becomes `interrupted`.
public enum MessageStatus: String, Sendable, Codable, CaseIterable {
    case complete, partial, interrupted, cancelled, failed
}

/// One message of a conversation.
public struct Message: Sendable, Equatable, Codable {
    public let id: Int
    public let conversationID: Int
    /// The message this one follows; nil for a conversation's first. Messages with the same
    /// parent are branches: an edited question, a regenerated answer.
    public let parentID: Int?
    public let role: MessageRole
    public var content: String
    public var agent: String?
    public var promptTokens: Int?
    public var generatedTokens: Int?
    public var status: MessageStatus
    /// Why generation stopped: `eog`, `max_tokens`, `stop`, `cancelled`, `grammar`; nil when
    /// not generated or not known.
    public var stopReason: String?
    /// A thinking model's reasoning before the answer, kept apart from its text.
    public var reasoning: String?
    public let createdAt: Date
    public var updatedAt: Date
}

/// Where a new message goes in its conversation's tree.
public enum MessagePlacement: Sendable, Equatable {
    /// After the last message of the path the conversation shows.
    case afterLeaf
    /// After the given message (nil: as a first message), starting a branch when that
    /// message already has a follower.
    case after(Int?)
}

/// A full-text search result.
public struct SearchHit: Sendable, Equatable, Codable {
    public let messageID: Int
    public let conversationID: Int
    public let conversationTitle: String
    /// The matching text with the match marked `[…]`.
    public let snippet: String
}
