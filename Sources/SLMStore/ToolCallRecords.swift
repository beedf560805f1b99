import Foundation

/// A tool call the agent made, with its outcome.
public struct ToolCallRecord: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable { case running, succeeded, failed, denied }

    public let id: Int
    public let conversationID: Int?
    public let messageID: Int?
    public let tool: String
    /// Arguments and result as JSON text.
    public let arguments: String
    public var result: String?
    public var status: Status
    public let startedAt: Date
    public var finishedAt: Date?
    public var durationMilliseconds: Double?
}

extension Store {
    /// Records the start of a tool call.
    public func recordToolCall(
        tool: String, arguments: String, conversationID: Int? = nil, messageID: Int? = nil
    ) throws(StoreError) -> ToolCallRecord {
        let now = Date()
        let id = try write { () throws(SQLiteError) -> Int in
            try database.statement("""
                INSERT INTO tool_calls (conversation_id, message_id, tool, arguments, status, started_at)
                VALUES (?, ?, ?, ?, 'running', ?)
                """).run([.integer(conversationID), .integer(messageID), .text(tool), .text(arguments),
                          .real(now.timeIntervalSince1970)])
            return database.lastInsertedID
        }
        return ToolCallRecord(id: id, conversationID: conversationID, messageID: messageID, tool: tool,
                              arguments: arguments, result: nil, status: .running, startedAt: now)
    }

    /// Records how a tool call ended.
    public func finishToolCall(_ id: Int, result: String, status: ToolCallRecord.Status) throws(StoreError) {
        let now = Date().timeIntervalSince1970
        try write { () throws(SQLiteError) in
            try database.statement("""
                UPDATE tool_calls SET result = ?, status = ?, finished_at = ?,
                       duration_ms = (? - started_at) * 1000 WHERE id = ?
                """).run([.text(result), .text(status.rawValue), .real(now), .real(now), .integer(Int64(id))])
        }
        guard database.changes > 0 else { throw .notFound("tool call \(id)") }
    }

    /// Tool calls of a conversation, in order.
    public func toolCalls(in conversationID: Int) throws(StoreError) -> [ToolCallRecord] {
        try read { () throws(SQLiteError) in
            try database.statement("""
                SELECT id, conversation_id, message_id, tool, arguments, result, status, started_at, finished_at,
                       duration_ms FROM tool_calls WHERE conversation_id = ? ORDER BY id
                """).rows([.integer(Int64(conversationID))]).map { row in
                ToolCallRecord(
                    id: row.int(0) ?? 0, conversationID: row.int(1), messageID: row.int(2), tool: row.string(3) ?? "",
                    arguments: row.string(4) ?? "", result: row.string(5),
                    status: ToolCallRecord.Status(rawValue: row.string(6) ?? "") ?? .running,
                    startedAt: Store.date(row, 7), finishedAt: row.double(8).map(Date.init(timeIntervalSince1970:)),
                    durationMilliseconds: row.double(9))
            }
        }
    }
}
