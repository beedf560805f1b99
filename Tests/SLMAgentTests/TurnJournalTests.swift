import Foundation
import SLMAgent
import SLMStore
import SLMTestSupport
import Testing

/// The store writes of one exchange.
@Suite("Turn journal")
struct TurnJournalTests {
    static func store() throws -> Store {
        try Store(path: Fixtures.temporaryDirectory("journal").appendingPathComponent("slm-tui.sqlite3").path)
    }

    @Test("a new conversation is titled after the first line, and the user's message is saved as typed")
    func open() async throws {
        let store = try Self.store()
        let journal = TurnJournal(store: store)
        let long = String(repeating: "word ", count: 30)
        let (id, title) = try await journal.open(conversation: nil, userText: "@planner " + long + "\nmore",
                                                 titleText: long + "\nmore", agent: "planner", model: "m")
        #expect(title == String(long.prefix(57)) + "…")
        let conversation = try #require(id)
        let messages = try await store.messages(in: conversation)
        #expect(messages.map(\.content) == ["@planner " + long + "\nmore"])
        #expect(TurnJournal.title(for: "  \n") == "Untitled")
    }

    @Test("a streaming answer is saved partial at most once per interval, then whole with its end state")
    func throttled() async throws {
        let store = try Self.store()
        let journal = TurnJournal(store: store, saveInterval: .seconds(3600))
        let (id, _) = try await journal.open(conversation: nil, userText: "hi", agent: "a", model: "m")
        for piece in ["one ", "two ", "three"] { try await journal.appendAnswer(piece, agent: "a") }
        let conversation = try #require(id)
        let during = try #require(try await store.messages(in: conversation).last)
        #expect(during.status == .partial && during.content == "", "not saved again within the interval")
        let answer = try await journal.finishAnswer(.cancelled, agent: "a", generatedTokens: 3)
        let after = try #require(try await store.messages(in: conversation).last)
        #expect(after.id == answer && after.status == .cancelled && after.content == "one two three")
        #expect(after.generatedTokens == 3)
    }

    @Test("an empty answer is still saved; an unrecorded exchange saves no conversation")
    func emptyAndUnrecorded() async throws {
        let store = try Self.store()
        let journal = TurnJournal(store: store)
        let (id, _) = try await journal.open(conversation: nil, userText: "hi", agent: "a", model: "m")
        try await journal.finishAnswer(.complete, agent: "a")
        let conversation = try #require(id)
        #expect(try await store.messages(in: conversation).map(\.role) == [.user, .assistant])
        let silent = TurnJournal(store: store, records: false)
        let (none, title) = try await silent.open(conversation: nil, userText: "secret", agent: "a", model: "m")
        #expect(none == nil && title == nil)
        try await silent.appendAnswer("text", agent: "a")
        #expect(try await silent.finishAnswer(.complete, agent: "a") == nil)
        #expect(try await store.conversations().count == 1)
    }
}
