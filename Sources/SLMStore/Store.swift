import CSQLite
import Foundation

/// The slm-tui database: conversations, messages and tool state in one SQLite file.
/// An actor: one connection, used by one task at a time; every write is a transaction.
///
/// ```swift
/// let store = try Store(path: DataDirectory().database.path)
/// let conversation = try await store.createConversation(title: "Invoices")
/// let answer = try await store.appendMessage(to: conversation.id, role: .assistant, content: "", status: .partial)
/// try await store.updateMessage(answer.id, content: "Done.", status: .complete)
/// ```
public actor Store {
    let database: Database
    /// Partial answers a crash had left behind, marked interrupted when the store opened.
    public nonisolated let interruptedOnOpen: Int

    /// How a store is opened.
    public enum Access: Sendable {
        /// Creates and migrates the file if needed and marks answers a crash left partial.
        case readWrite
        /// Reads an existing file of the current schema and writes nothing at all, so
        /// reading works on a full disk and in a read-only folder. Writes fail.
        case readOnly
    }

    /// Opens the database at `path`: by default creating and migrating it if needed.
    public init(path: String, access: Access = .readWrite) throws(StoreError) {
        do {
            switch access {
            case .readWrite:
                database = try Database(path: path)
                try Schema.migrate(database)
                let statement = try database.statement(
                    "UPDATE messages SET status = 'interrupted' WHERE status = 'partial'")
                try statement.run()
                interruptedOnOpen = Int(database.changes)
            case .readOnly:
                database = try Database(path: path, readOnly: true)
                let version = try database.userVersion()
                guard version <= Schema.latestVersion else {
                    throw StoreError.newerSchema(found: version, known: Schema.latestVersion)
                }
                guard version == Schema.latestVersion else {
                    throw StoreError.needsMigration(path: path, found: version, latest: Schema.latestVersion)
                }
                interruptedOnOpen = 0
            }
        } catch let error as SQLiteError {
            if error.isCorruption { throw .corrupt(path: path, detail: error.message) }
            if error.primaryCode == SQLITE_READONLY { throw .readOnly(path: path) }
            if error.primaryCode == SQLITE_CANTOPEN { throw .cannotOpen(path: path, detail: error.message) }
            throw .sqlite(error)
        } catch let error as StoreError {
            throw error
        } catch {
            throw .sqlite(SQLiteError(code: -1, message: String(describing: error)))
        }
    }

    /// Renames a damaged database file (and its WAL files) aside with a timestamp, never
    /// deleting it, so a fresh one can be created. Returns the new name.
    public static func moveAside(path: String, now: Date = Date()) throws -> URL {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        formatter.timeZone = TimeZone(identifier: "UTC")
        let target = URL(fileURLWithPath: path + ".corrupt-" + formatter.string(from: now))
        try FileManager.default.moveItem(atPath: path, toPath: target.path)
        for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
            try FileManager.default.moveItem(atPath: path + suffix, toPath: target.path + suffix)
        }
        return target
    }

    /// Caps the file at `pages` database pages: writes beyond fail with a full-disk error
    /// and change nothing. (Also how tests simulate a full disk.)
    public func limitSize(toPages pages: Int) throws(StoreError) {
        try read { () throws(SQLiteError) in try database.execute("PRAGMA max_page_count = \(max(1, pages))") }
    }

    /// `PRAGMA integrity_check`: "ok", or what is wrong.
    public func integrityCheck() throws(StoreError) -> String {
        try read { () throws(SQLiteError) in
            try database.statement("PRAGMA integrity_check").rows().compactMap { $0.string(0) }.joined(separator: "; ")
        }
    }

    // MARK: - Conversations

    /// Creates a conversation, and with `firstMessage` its first user message in the same
    /// transaction, so a crash never leaves a conversation without the message that began it.
    public func createConversation(
        title: String, agent: String? = nil, model: String? = nil, systemPrompt: String? = nil,
        sampling: String? = nil, firstMessage: String? = nil
    ) throws(StoreError) -> Conversation {
        let now = Date()
        let id = try write { () throws(SQLiteError) -> Int in
            // the id follows the highest ever given, so a deleted conversation's id is never
            // reused (a script holding it must not reach another conversation)
            try database.statement("""
                INSERT INTO conversations (id, title, agent, model, system_prompt, sampling, created_at, updated_at)
                VALUES ((SELECT id + 1 FROM id_high_water WHERE name = 'conversations'), ?, ?, ?, ?, ?, ?, ?)
                """).run([.text(title), .text(agent), .text(model), .text(systemPrompt), .text(sampling),
                          .real(now.timeIntervalSince1970), .real(now.timeIntervalSince1970)])
            let id = database.lastInsertedID
            if let firstMessage {
                try database.statement("""
                    INSERT INTO messages (conversation_id, parent_id, role, content, status, created_at, updated_at)
                    VALUES (?, NULL, 'user', ?, 'complete', ?, ?)
                    """).run([.integer(Int64(id)), .text(firstMessage), .real(now.timeIntervalSince1970),
                              .real(now.timeIntervalSince1970)])
                try database.statement("UPDATE conversations SET leaf_id = ? WHERE id = ?")
                    .run([.integer(Int64(database.lastInsertedID)), .integer(Int64(id))])
            }
            return id
        }
        return Conversation(id: id, title: title, agent: agent, model: model, systemPrompt: systemPrompt,
                            sampling: sampling, createdAt: now, updatedAt: now)
    }

    /// Conversations, most recently updated first.
    public func conversations(limit: Int = 50, offset: Int = 0) throws(StoreError) -> [Conversation] {
        try read { () throws(SQLiteError) in
            try database.statement("""
                SELECT id, title, agent, model, system_prompt, sampling, created_at, updated_at
                FROM conversations ORDER BY updated_at DESC, id DESC LIMIT ? OFFSET ?
                """).rows([.integer(Int64(limit)), .integer(Int64(offset))]).map(Self.conversation)
        }
    }

    public func conversation(_ id: Int) throws(StoreError) -> Conversation {
        let rows = try read { () throws(SQLiteError) in
            try database.statement("""
                SELECT id, title, agent, model, system_prompt, sampling, created_at, updated_at
                FROM conversations WHERE id = ?
                """).rows([.integer(Int64(id))])
        }
        guard let row = rows.first else { throw .notFound("conversation \(id)") }
        return Self.conversation(row)
    }

    public func renameConversation(_ id: Int, to title: String) throws(StoreError) {
        try write { () throws(SQLiteError) in
            try database.statement("UPDATE conversations SET title = ?, updated_at = ? WHERE id = ?")
                .run([.text(title), .real(Date().timeIntervalSince1970), .integer(Int64(id))])
        }
        guard database.changes > 0 else { throw .notFound("conversation \(id)") }
    }

    /// Sets (or with nil, clears) a conversation's system prompt.
    public func setSystemPrompt(_ id: Int, to prompt: String?) throws(StoreError) {
        try write { () throws(SQLiteError) in
            try database.statement("UPDATE conversations SET system_prompt = ?, updated_at = ? WHERE id = ?")
                .run([.text(prompt), .real(Date().timeIntervalSince1970), .integer(Int64(id))])
        }
        guard database.changes > 0 else { throw .notFound("conversation \(id)") }
    }

    /// Deletes a conversation with its messages and tool calls.
    public func deleteConversation(_ id: Int) throws(StoreError) {
        try write { () throws(SQLiteError) in
            try database.statement("DELETE FROM conversations WHERE id = ?").run([.integer(Int64(id))])
        }
        guard database.changes > 0 else { throw .notFound("conversation \(id)") }
    }

    // MARK: - Messages

    /// Adds a message where `placement` says (by default after the shown path's last) and
    /// makes it the end of the path the conversation shows.
    public func appendMessage(
        to conversationID: Int, role: MessageRole, content: String, agent: String? = nil,
        status: MessageStatus = .complete, promptTokens: Int? = nil, generatedTokens: Int? = nil,
        placement: MessagePlacement = .afterLeaf
    ) throws(StoreError) -> Message {
        let now = Date()
        let (id, parent) = try write { () throws(SQLiteError) -> (Int, Int?) in
            let parent: Int? = switch placement {
            case .afterLeaf: try leaf(of: conversationID)
            case .after(let message): message
            }
            try database.statement("""
                INSERT INTO messages (conversation_id, parent_id, role, content, agent, prompt_tokens, generated_tokens,
                                      status, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).run([.integer(Int64(conversationID)), .integer(parent), .text(role.rawValue), .text(content),
                          .text(agent), .integer(promptTokens), .integer(generatedTokens), .text(status.rawValue),
                          .real(now.timeIntervalSince1970), .real(now.timeIntervalSince1970)])
            let id = database.lastInsertedID
            try database.statement("UPDATE conversations SET leaf_id = ?, updated_at = ? WHERE id = ?")
                .run([.integer(Int64(id)), .real(now.timeIntervalSince1970), .integer(Int64(conversationID))])
            return (id, parent)
        }
        return Message(id: id, conversationID: conversationID, parentID: parent, role: role, content: content,
                       agent: agent, promptTokens: promptTokens, generatedTokens: generatedTokens, status: status,
                       reasoning: nil, createdAt: now, updatedAt: now)
    }

    /// Replaces a message's text and status (a streaming answer's periodic save, then its
    /// end, with why generation stopped).
    public func updateMessage(
        _ id: Int, content: String, status: MessageStatus, generatedTokens: Int? = nil, stopReason: String? = nil,
        reasoning: String? = nil
    ) throws(StoreError) {
        try write { () throws(SQLiteError) in
            try database.statement("""
                UPDATE messages SET content = ?, status = ?, generated_tokens = COALESCE(?, generated_tokens),
                                    stop_reason = COALESCE(?, stop_reason), reasoning = COALESCE(?, reasoning),
                                    updated_at = ? WHERE id = ?
                """).run([.text(content), .text(status.rawValue), .integer(generatedTokens), .text(stopReason),
                          .text(reasoning), .real(Date().timeIntervalSince1970), .integer(Int64(id))])
        }
        guard database.changes > 0 else { throw .notFound("message \(id)") }
    }

    /// All of a conversation's messages, every branch, in the order they were written.
    public func messages(in conversationID: Int) throws(StoreError) -> [Message] {
        try read { () throws(SQLiteError) in
            try database.statement("SELECT \(Self.messageColumns) FROM messages WHERE conversation_id = ? ORDER BY id")
                .rows([.integer(Int64(conversationID))]).map(Self.message)
        }
    }

    static let messageColumns = """
        id, conversation_id, parent_id, role, content, agent, prompt_tokens, generated_tokens, status, stop_reason,
        reasoning, created_at, updated_at
        """

    // MARK: - Search

    /// Messages whose text matches `text` (every word, as a prefix), best matches first.
    public func search(_ text: String, limit: Int = 20) throws(StoreError) -> [SearchHit] {
        let query = Self.ftsQuery(text)
        guard !query.isEmpty else { return [] }
        return try read { () throws(SQLiteError) in
            try database.statement("""
                SELECT m.id, m.conversation_id, c.title, snippet(messages_fts, 0, '[', ']', '…', 12)
                FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid
                JOIN conversations c ON c.id = m.conversation_id
                WHERE messages_fts MATCH ? ORDER BY rank LIMIT ?
                """).rows([.text(query), .integer(Int64(limit))]).map { row in
                SearchHit(messageID: row.int(0) ?? 0, conversationID: row.int(1) ?? 0,
                          conversationTitle: row.string(2) ?? "", snippet: row.string(3) ?? "")
            }
        }
    }

    /// User text as an FTS5 query: each word quoted (no operators from the user) and
    /// matched as a prefix.
    static func ftsQuery(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace })
            .map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"*" }
            .joined(separator: " ")
    }

    // MARK: - Plumbing

    func write<T>(_ body: () throws(SQLiteError) -> T) throws(StoreError) -> T {
        do {
            return try database.transaction { try body() }
        } catch let error as SQLiteError {
            throw .sqlite(error)
        } catch {
            throw .sqlite(SQLiteError(code: -1, message: String(describing: error)))
        }
    }

    func read<T>(_ body: () throws(SQLiteError) -> T) throws(StoreError) -> T {
        do {
            return try body()
        } catch {
            throw .sqlite(error)
        }
    }

    static func date(_ row: Row, _ index: Int) -> Date {
        Date(timeIntervalSince1970: row.double(index) ?? 0)
    }

    private static func conversation(_ row: Row) -> Conversation {
        Conversation(id: row.int(0) ?? 0, title: row.string(1) ?? "", agent: row.string(2), model: row.string(3),
                     systemPrompt: row.string(4), sampling: row.string(5), createdAt: date(row, 6),
                     updatedAt: date(row, 7))
    }

    static func message(_ row: Row) -> Message {
        Message(id: row.int(0) ?? 0, conversationID: row.int(1) ?? 0, parentID: row.int(2),
                role: MessageRole(rawValue: row.string(3) ?? "") ?? .user, content: row.string(4) ?? "",
                agent: row.string(5), promptTokens: row.int(6), generatedTokens: row.int(7),
                status: MessageStatus(rawValue: row.string(8) ?? "") ?? .complete, stopReason: row.string(9),
                reasoning: row.string(10), createdAt: date(row, 11), updatedAt: date(row, 12))
    }
}
