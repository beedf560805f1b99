import Foundation
import SLMStore

/// A saved conversation's header, as a front end lists it.
public struct ConversationInfo: Sendable, Equatable, Codable {
    public let id: Int
    public var title: String
    /// The agent and model that started it.
    public var agent: String?
    public var model: String?
    public var systemPrompt: String?
    /// Sampling parameters as JSON, as they were chosen.
    public var sampling: String?
    public let createdAt: Date
    public var updatedAt: Date

    init(_ conversation: Conversation) {
        id = conversation.id
        title = conversation.title
        agent = conversation.agent
        model = conversation.model
        systemPrompt = conversation.systemPrompt
        sampling = conversation.sampling
        createdAt = conversation.createdAt
        updatedAt = conversation.updatedAt
    }
}

/// A message that matched a search, with the text around the match.
public struct SearchResult: Sendable, Equatable, Codable {
    public let messageID: Int
    public let conversationID: Int
    public let conversationTitle: String
    /// The matching text with the match marked `[…]`.
    public let snippet: String

    init(_ hit: SearchHit) {
        messageID = hit.messageID
        conversationID = hit.conversationID
        conversationTitle = hit.conversationTitle
        snippet = hit.snippet
    }
}
