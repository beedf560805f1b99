import Foundation

/// A conversation with its messages, as exported.
public struct ConversationExport: Sendable, Equatable, Codable {
    public let conversation: Conversation
    public let messages: [Message]

    /// Readable Markdown: a title, then each message under its role and time.
    public var markdown: String {
        let formatter = ISO8601DateFormatter()
        var lines = ["# \(conversation.title)", ""]
        if let model = conversation.model { lines += ["Model: \(model)", ""] }
        for message in messages {
            var heading = "## \(message.role.rawValue) · \(formatter.string(from: message.createdAt))"
            if message.status != .complete { heading += " (\(message.status.rawValue))" }
            lines += [heading, "", message.content, ""]
        }
        return lines.joined(separator: "\n")
    }

    /// JSON with ISO 8601 dates.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(self)
    }
}

extension Store {
    public func export(_ conversationID: Int) throws(StoreError) -> ConversationExport {
        ConversationExport(conversation: try conversation(conversationID), messages: try messages(in: conversationID))
    }
}
