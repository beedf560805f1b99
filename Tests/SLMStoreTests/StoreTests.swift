import Foundation
import SLMStore
import Testing

@Suite("Store")
struct StoreTests {
    /// A fresh database file in its own temporary folder.
    static func temporaryPath() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("slm-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent("slm-tui.sqlite3").path
    }

    @Test("the file is WAL with foreign keys on and the latest schema version")
    func setUp() throws {
        let path = try Self.temporaryPath()
        _ = try Store(path: path)
        let database = try Database(path: path)
        #expect(try database.statement("PRAGMA journal_mode").rows().first?.string(0) == "wal")
        #expect(try database.statement("PRAGMA foreign_keys").rows().first?.int(0) == 1)
        #expect(try database.userVersion() == 3)
        let tables = try database.statement("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .rows().compactMap { $0.string(0) }
        for table in ["conversations", "messages", "tool_calls", "tasks", "drafts", "notes", "metrics", "messages_fts", "changes"] {
            #expect(tables.contains(table), "missing table \(table)")
        }
    }

    @Test("conversations: create, list most recent first with paging, rename, delete with their messages")
    func conversations() async throws {
        let store = try Store(path: try Self.temporaryPath())
        let first = try await store.createConversation(title: "First", agent: "assistant", model: "gemma3-270m")
        let second = try await store.createConversation(title: "Second")
        _ = try await store.appendMessage(to: first.id, role: .user, content: "hello")  // first is now newest
        #expect(try await store.conversations().map(\.title) == ["First", "Second"])
        #expect(try await store.conversations(limit: 1, offset: 1).map(\.id) == [second.id])
        try await store.renameConversation(second.id, to: "Renamed")
        #expect(try await store.conversation(second.id).title == "Renamed")
        try await store.deleteConversation(first.id)
        #expect(try await store.messages(in: first.id).isEmpty)
        #expect(try await store.search("hello").isEmpty)
        await #expect(throws: StoreError.notFound("conversation \(first.id)")) { try await store.deleteConversation(first.id) }
    }

    @Test("a streaming answer saved as partial is marked interrupted when the store reopens")
    func interrupted() async throws {
        let path = try Self.temporaryPath()
        do {
            let store = try Store(path: path)
            let conversation = try await store.createConversation(title: "Crash")
            _ = try await store.appendMessage(to: conversation.id, role: .user, content: "Tell me a story")
            let answer = try await store.appendMessage(to: conversation.id, role: .assistant, content: "", status: .partial)
            try await store.updateMessage(answer.id, content: "Once upon a", status: .partial)
            #expect(store.interruptedOnOpen == 0)
        }
        let reopened = try Store(path: path)
        #expect(reopened.interruptedOnOpen == 1)
        let messages = try await reopened.messages(in: 1)
        #expect(messages.map(\.status) == [.complete, .interrupted])
        #expect(messages.last?.content == "Once upon a")
    }

    @Test("full-text search follows inserts and updates, and user text is never query syntax")
    func search() async throws {
        let store = try Store(path: try Self.temporaryPath())
        let conversation = try await store.createConversation(title: "Invoices")
        let message = try await store.appendMessage(to: conversation.id, role: .assistant, content: "Send the invoice on Friday")
        #expect(try await store.search("invoice").first?.messageID == message.id)
        #expect(try await store.search("invoi").first?.snippet.contains("[invoice]") == true)
        try await store.updateMessage(message.id, content: "Pay the gas bill", status: .complete)
        #expect(try await store.search("invoice").isEmpty)
        #expect(try await store.search("gas bill").first?.conversationTitle == "Invoices")
        for hostile in ["\"", "AND OR NOT", "a\"b*(c", "NEAR(", "col:thing", "^x"] {
            await #expect(throws: Never.self) { _ = try await store.search(hostile) }
        }
    }

    @Test("hostile strings are stored and read back exactly")
    func hostileStrings() async throws {
        let store = try Store(path: try Self.temporaryPath())
        let conversation = try await store.createConversation(title: "Robert'); DROP TABLE conversations;--")
        let texts = ["quotes ' \" `", "nul \u{0} inside", String(repeating: "é🚀", count: 350_000), "", "\u{FFFD}broken"]
        for text in texts {
            _ = try await store.appendMessage(to: conversation.id, role: .assistant, content: text)
        }
        #expect(try await store.messages(in: conversation.id).map(\.content) == texts)
        #expect(try await store.conversation(conversation.id).title == "Robert'); DROP TABLE conversations;--")
    }

    @Test("a file from a newer slm-tui is refused with a clear message")
    func newerSchema() throws {
        let path = try Self.temporaryPath()
        _ = try Store(path: path)
        try Database(path: path).execute("PRAGMA user_version = 99")
        #expect(throws: StoreError.newerSchema(found: 99, known: 3)) { _ = try Store(path: path) }
    }

    @Test("a corrupt or truncated file is a clear error and can be moved aside, never deleted")
    func corruption() async throws {
        for damage in ["random", "truncated"] {
            let path = try Self.temporaryPath()
            if damage == "random" {
                var generator = SystemRandomNumberGenerator()
                try Data((0..<8192).map { _ in UInt8.random(in: 0...255, using: &generator) }).write(to: URL(fileURLWithPath: path))
            } else {
                do {
                    let store = try Store(path: path)
                    _ = try await store.createConversation(title: "Kept")
                }
                let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
                try bytes.prefix(60).write(to: URL(fileURLWithPath: path))
                for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            }
            let opened = Result { () throws(StoreError) -> Store in try Store(path: path) }
            guard case .failure(let error) = opened, case .corrupt = error else {
                Issue.record("\(damage): expected a corrupt-file error, got \(opened)")
                continue
            }
            #expect(error.description.contains("moved aside"))
            let moved = try Store.moveAside(path: path)
            #expect(FileManager.default.fileExists(atPath: moved.path))
            let fresh = try Store(path: path)
            #expect(try await fresh.conversations().isEmpty)
        }
    }
}
