import Foundation

/// A conversation is a tree of messages: each names the one it follows, and messages that
/// follow the same one are branches (an edited question, a regenerated answer). The
/// conversation shows one path, root to its leaf; the model reads that path.
extension Store {
    /// The last message of the path conversation `id` shows; nil when it has none.
    func leaf(of conversationID: Int) throws(SQLiteError) -> Int? {
        let rows = try database.statement("SELECT leaf_id FROM conversations WHERE id = ?")
            .rows([.integer(Int64(conversationID))])
        guard let row = rows.first else { throw SQLiteError(code: 0, message: "no conversation \(conversationID)") }
        return row.int(0)
    }

    /// The messages of the path the conversation shows, first to last.
    public func path(in conversationID: Int) throws(StoreError) -> [Message] {
        try read { () throws(SQLiteError) in
            try database.statement("""
                WITH RECURSIVE up(id, depth) AS (
                    SELECT leaf_id, 0 FROM conversations WHERE id = ?1 AND leaf_id IS NOT NULL
                    UNION ALL
                    SELECT m.parent_id, up.depth + 1 FROM messages m JOIN up ON m.id = up.id
                    WHERE m.parent_id IS NOT NULL
                )
                SELECT \(Self.messageColumns.split(separator: ",").map { "m." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }
                    .joined(separator: ", "))
                FROM up JOIN messages m ON m.id = up.id WHERE m.conversation_id = ?1 ORDER BY up.depth DESC
                """).rows([.integer(Int64(conversationID))]).map(Self.message)
        }
    }

    /// Message `id` and the others that follow the same message, oldest first.
    public func branches(of messageID: Int) throws(StoreError) -> [Int] {
        try read { () throws(SQLiteError) in
            try database.statement("""
                SELECT s.id FROM messages m JOIN messages s
                    ON s.conversation_id = m.conversation_id AND s.parent_id IS m.parent_id
                WHERE m.id = ? ORDER BY s.id
                """).rows([.integer(Int64(messageID))]).compactMap { $0.int(0) }
        }
    }

    /// Shows the branch that starts at message `id`: the path goes on through its newest
    /// followers to their end.
    public func showBranch(_ messageID: Int) throws(StoreError) {
        try write { () throws(SQLiteError) in
            // a follower is always newer than the message it follows, so the deepest message
            // of the newest-follower chain is the largest id on it
            try database.statement("""
                WITH RECURSIVE down(id) AS (
                    SELECT ?1
                    UNION ALL
                    SELECT (SELECT MAX(c.id) FROM messages c WHERE c.parent_id = down.id) FROM down WHERE down.id IS NOT NULL
                )
                UPDATE conversations SET leaf_id = (SELECT MAX(id) FROM down), updated_at = ?2
                WHERE id = (SELECT conversation_id FROM messages WHERE id = ?1)
                """).run([.integer(Int64(messageID)), .real(Date().timeIntervalSince1970)])
        }
        guard database.changes > 0 else { throw .notFound("message \(messageID)") }
    }

    /// Makes message `id` (nil: none) the end of the path conversation `conversationID`
    /// shows, so the next message follows it; nothing is deleted.
    public func rewind(_ conversationID: Int, to messageID: Int?) throws(StoreError) {
        if let messageID {
            let owner = try read { () throws(SQLiteError) in
                try database.statement("SELECT conversation_id FROM messages WHERE id = ?")
                    .rows([.integer(Int64(messageID))]).first?.int(0)
            }
            guard owner == conversationID else { throw .notFound("message \(messageID) in conversation \(conversationID)") }
        }
        try write { () throws(SQLiteError) in
            try database.statement("UPDATE conversations SET leaf_id = ? WHERE id = ?")
                .run([.integer(messageID), .integer(Int64(conversationID))])
        }
        guard database.changes > 0 else { throw .notFound("conversation \(conversationID)") }
    }
}
