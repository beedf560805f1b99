import Foundation
import SLMStore
import SLMTestSupport
import Testing

/// The store under failure: processes killed mid-answer, two writers at once, a full disk,
/// paths that cannot be opened.
@Suite("Store faults", .serialized)
struct FaultTests {
    static var writer: URL { BuiltProducts.executable("store-writer") }

    static func answer(tag: String, words: Int) -> String {
        (0..<words).map { "\(tag)-w\($0) " }.joined()
    }

    /// Launches the writer; returns the process and a pipe with its "completed N" lines.
    static func launch(_ db: String, exchanges: Int, words: Int, tag: String) throws -> (Process, Pipe) {
        let process = Process()
        process.executableURL = writer
        process.arguments = [db, "\(exchanges)", "\(words)", tag]
        let output = Pipe.unshared()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        return (process, output)
    }

    @Test("killed with SIGKILL mid-answer 20 times: completed messages kept, partial text intact, file sound")
    func killed() async throws {
        let path = try StoreTests.temporaryPath()
        let words = 300
        var generator = SystemRandomNumberGenerator()
        for run in 0..<20 {
            let tag = "r\(run)"
            let (process, output) = try Self.launch(path, exchanges: 3, words: words, tag: tag)
            try await Task.sleep(for: .milliseconds(Int.random(in: 30...900, using: &generator)))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let completed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                .split(separator: "\n").count

            let store = try Store(path: path)
            #expect(try await store.integrityCheck() == "ok")
            let full = Self.answer(tag: tag, words: words)
            let conversations = try await store.conversations(limit: 1000).filter { $0.title.hasPrefix("\(tag) ") }
            #expect(conversations.count >= completed)
            for conversation in conversations {
                let messages = try await store.messages(in: conversation.id)
                #expect(messages.first?.role == .user)
                guard let answer = messages.dropFirst().first else { continue }
                let exchange = Int(conversation.title.split(separator: " ").last ?? "") ?? -1
                if exchange < completed {
                    #expect(answer.status == .complete && answer.content == full, "run \(run) exchange \(exchange)")
                } else {
                    #expect(answer.status != .partial, "partial answers are marked on reopening")
                    #expect(full.hasPrefix(answer.content), "run \(run): saved text is a prefix of the answer")
                }
            }
        }
    }

    @Test("two processes writing to one file at once lose nothing")
    func twoWriters() async throws {
        let path = try StoreTests.temporaryPath()
        _ = try Store(path: path)
        let first = try Self.launch(path, exchanges: 3, words: 80, tag: "one")
        let second = try Self.launch(path, exchanges: 3, words: 80, tag: "two")
        for (process, _) in [first, second] { process.waitUntilExit() }
        #expect(first.0.terminationStatus == 0 && second.0.terminationStatus == 0)
        let store = try Store(path: path)
        #expect(try await store.integrityCheck() == "ok")
        let conversations = try await store.conversations(limit: 100)
        #expect(conversations.count == 6)
        for conversation in conversations {
            let tag = String(conversation.title.prefix(3))
            let messages = try await store.messages(in: conversation.id)
            #expect(messages.map(\.status) == [.complete, .complete])
            #expect(messages.last?.content == Self.answer(tag: tag, words: 80))
        }
    }

    @Test("a full disk is a clear error and earlier data stays")
    func fullDisk() async throws {
        let store = try Store(path: try StoreTests.temporaryPath())
        let conversation = try await store.createConversation(title: "Before")
        _ = try await store.appendMessage(to: conversation.id, role: .user, content: "kept")
        try await store.limitSize(toPages: 40)
        var failure: StoreError?
        for _ in 0..<200 {
            do {
                _ = try await store.appendMessage(to: conversation.id, role: .assistant,
                                                  content: String(repeating: "x", count: 20_000))
            } catch {
                failure = error
                break
            }
        }
        let error = try #require(failure)
        guard case .sqlite(let sqlite) = error else {
            Issue.record("expected an SQLite error, got \(error)")
            return
        }
        #expect(sqlite.primaryCode == 13)  // SQLITE_FULL
        #expect(error.description.contains("full"))
        #expect(try await store.messages(in: conversation.id).first?.content == "kept")
        #expect(try await store.integrityCheck() == "ok")
    }

    @Test("a database another program holds locked is a clear error that says so, and the write goes through once it lets go")
    func locked() async throws {
        let path = try StoreTests.temporaryPath()
        let store = try Store(path: path)
        let conversation = try await store.createConversation(title: "Kept")
        let locker = try Database(path: path)
        try locker.execute("BEGIN EXCLUSIVE")
        await #expect { _ = try await store.appendMessage(to: conversation.id, role: .user, content: "waits") } throws: { error in
            "\(error)".contains("locked by another program")
        }
        try locker.execute("ROLLBACK")
        _ = try await store.appendMessage(to: conversation.id, role: .user, content: "after")
        #expect(try await store.messages(in: conversation.id).map(\.content) == ["after"])
    }

    @Test("paths that cannot be opened give clear errors")
    func unopenable() throws {
        #expect { _ = try Store(path: "/nonexistent-dir/slm.sqlite3") } throws: { error in
            "\(error)".contains("unable to open") || "\(error)".contains("cannot open")
        }
        let directory = FileManager.default.temporaryDirectory.path
        #expect(throws: StoreError.self) { _ = try Store(path: directory) }
    }
}

/// Reading never writes: `history`, `export` and the listings work while writing is
/// impossible (a full disk, a read-only folder, another process holding the write lock).
@Suite("Store read-only access")
struct ReadOnlyAccessTests {
    @Test("a read-only store reads while another connection holds the write lock, and changes nothing")
    func readsWhileWritesAreImpossible() async throws {
        let path = try StoreTests.temporaryPath()
        let writer = try Store(path: path)
        let conversation = try await writer.createConversation(title: "Invoices")
        _ = try await writer.appendMessage(to: conversation.id, role: .user, content: "hi", status: .complete)
        _ = try await writer.appendMessage(to: conversation.id, role: .assistant, content: "half an ans",
                                           status: .partial)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        // a second connection takes the write lock: every write now fails or waits
        let locker = try Database(path: path)
        try locker.execute("BEGIN IMMEDIATE")
        defer { try? locker.execute("ROLLBACK") }

        let reader = try Store(path: path, access: .readOnly)
        #expect(reader.interruptedOnOpen == 0)
        #expect(try await reader.conversations().map(\.title) == ["Invoices"])
        let messages = try await reader.messages(in: conversation.id)
        #expect(messages.map(\.status) == [.complete, .partial], "opening for reading marks nothing")
        _ = try await reader.export(conversation.id)
        await #expect(throws: StoreError.self) { try await reader.createConversation(title: "no") }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test("a file of an older schema is not migrated by a read-only open")
    func olderSchema() throws {
        let path = try StoreTests.temporaryPath()
        let database = try Database(path: path)
        try database.execute("CREATE TABLE t (x); PRAGMA user_version = 0")
        #expect(throws: StoreError.self) { try Store(path: path, access: .readOnly) }
        #expect(try database.userVersion() == 0)
    }
}
