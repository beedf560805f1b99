import Foundation

/// A conversation with its messages, every branch, as exported.
public struct ConversationExport: Sendable, Equatable, Codable {
    public let conversation: Conversation
    /// Every message, each with the one it follows, in the order they were written.
    public let messages: [Message]
    /// The ids of the path the conversation shows, first to last.
    public let shownPath: [Int]

    /// Readable Markdown: a title, the path the conversation shows with each message under
    /// its role and time, then each other branch from where it leaves that path.
    public var markdown: String {
        let formatter = ISO8601DateFormatter()
        var lines = ["# \(conversation.title)", ""]
        if let model = conversation.model { lines += ["Model: \(model)", ""] }
        func add(_ message: Message, level: String) {
            var heading = "\(level) \(message.role.rawValue) · \(formatter.string(from: message.createdAt))"
            if message.status != .complete { heading += " (\(message.status.rawValue))" }
            lines += [heading, "", message.content, ""]
        }
        let byID = Dictionary(messages.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for id in shownPath { if let message = byID[id] { add(message, level: "##") } }
        let onPath = Set(shownPath)
        let branchStarts = messages.filter { !onPath.contains($0.id) && ($0.parentID.map(onPath.contains) ?? true) }
        for (number, start) in branchStarts.enumerated() {
            let after = start.parentID.flatMap { byID[$0] }.map { "after the \($0.role.rawValue) message of \(formatter.string(from: $0.createdAt))" }
                ?? "from the start"
            lines += ["---", "", "## Other branch \(number + 1), \(after)", ""]
            var members: Set<Int> = [start.id]
            for message in messages where message.id >= start.id {
                guard message.id == start.id || message.parentID.map(members.contains) == true else { continue }
                members.insert(message.id)
                add(message, level: "###")
            }
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
        ConversationExport(conversation: try conversation(conversationID), messages: try messages(in: conversationID),
                           shownPath: try path(in: conversationID).map(\.id))
    }
}
