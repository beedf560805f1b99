import Foundation
import SLMStore
import SLMTestSupport
import Testing

@Suite("Conversation tree")
struct ConversationTreeTests {
    @Test("a database written by the schema-1 program migrates: each conversation one branch, its path unchanged")
    func migratesSchemaOne() async throws {
        let path = try StoreTests.temporaryPath()
        try FileManager.default.copyItem(at: Fixtures.url("store/schema-v1.sqlite3"), to: URL(fileURLWithPath: path))
        let before = try Database(path: path, readOnly: true)
        #expect(try before.userVersion() == 1)
        let store = try Store(path: path)
        for conversation in try await store.conversations() {
            let all = try await store.messages(in: conversation.id)
            #expect(!all.isEmpty)
            #expect(try await store.path(in: conversation.id) == all)
            #expect(all.first?.parentID == nil)
            for index in all.indices.dropFirst() { #expect(all[index].parentID == all[index - 1].id) }
            for message in all { #expect(try await store.branches(of: message.id) == [message.id]) }
        }
        #expect(try await store.messages(in: 2).map(\.role) == [.user, .assistant, .tool, .assistant, .user, .assistant, .tool, .assistant])
        #expect(try await store.search("milk").count >= 2)
        // a message added after the migration follows the last one
        let next = try await store.appendMessage(to: 1, role: .user, content: "again")
        #expect(next.parentID == 2)
        #expect(try await store.integrityCheck() == "ok")
    }

    @Test("a branch from an earlier message: the path follows it, both are kept, switching shows the other's newest end")
    func branches() async throws {
        let store = try Store(path: try StoreTests.temporaryPath())
        let id = try await store.createConversation(title: "Tree").id
        let question = try await store.appendMessage(to: id, role: .user, content: "Q1")
        let answer = try await store.appendMessage(to: id, role: .assistant, content: "A1")
        let followUp = try await store.appendMessage(to: id, role: .user, content: "Q2")
        let second = try await store.appendMessage(to: id, role: .assistant, content: "A2")
        // edit Q2: a new question after A1
        let edited = try await store.appendMessage(to: id, role: .user, content: "Q2 edited", placement: .after(answer.id))
        #expect(edited.parentID == answer.id)
        let editedAnswer = try await store.appendMessage(to: id, role: .assistant, content: "A2'")
        #expect(try await store.path(in: id).map(\.content) == ["Q1", "A1", "Q2 edited", "A2'"])
        #expect(try await store.branches(of: followUp.id) == [followUp.id, edited.id])
        #expect(try await store.messages(in: id).count == 6)

        try await store.showBranch(followUp.id)
        #expect(try await store.path(in: id).map(\.id) == [question.id, answer.id, followUp.id, second.id])

        // regenerate A2: rewind to Q2, answer again
        try await store.rewind(id, to: followUp.id)
        let regenerated = try await store.appendMessage(to: id, role: .assistant, content: "A2 again")
        #expect(try await store.branches(of: second.id) == [second.id, regenerated.id])
        #expect(try await store.path(in: id).map(\.content) == ["Q1", "A1", "Q2", "A2 again"])
        try await store.showBranch(edited.id)
        #expect(try await store.path(in: id).last?.id == editedAnswer.id)

        // a new first message is a branch of the first
        let other = try await store.appendMessage(to: id, role: .user, content: "Q1 other", placement: .after(nil))
        #expect(try await store.branches(of: question.id) == [question.id, other.id])
        #expect(try await store.path(in: id).map(\.content) == ["Q1 other"])

        let export = try await store.export(id)
        #expect(export.messages.count == 8)
        #expect(export.shownPath == [other.id])
        for text in ["Q2 edited", "A2 again", "Other branch"] { #expect(export.markdown.contains(text)) }
        await #expect(throws: StoreError.self) { try await store.rewind(id + 1, to: question.id) }
        await #expect(throws: StoreError.notFound("message 999")) { try await store.showBranch(999) }
    }

    @Test("a deleted conversation's id is never given again, not even to the next one")
    func idsNotReused() async throws {
        let path = try StoreTests.temporaryPath()
        let store = try Store(path: path)
        let first = try await store.createConversation(title: "one").id
        let second = try await store.createConversation(title: "two").id
        try await store.deleteConversation(second)
        let third = try await store.createConversation(title: "three").id
        #expect(third > second)
        try await store.deleteConversation(third)
        try await store.deleteConversation(first)
        let reopened = try Store(path: path)
        #expect(try await reopened.createConversation(title: "four").id > third)
    }

    @Test("unsent input is kept per conversation, forgotten when emptied or the conversation is deleted")
    func unsentInput() async throws {
        let path = try StoreTests.temporaryPath()
        let store = try Store(path: path)
        let id = try await store.createConversation(title: "Draft").id
        try await store.keepUnsentInput("line one\nline two", conversation: id)
        try await store.keepUnsentInput("not started yet", conversation: 0)
        #expect(try await Store(path: path).unsentInput(conversation: id) == "line one\nline two")
        #expect(try await store.unsentInput(conversation: 0) == "not started yet")
        try await store.keepUnsentInput("", conversation: 0)
        #expect(try await store.unsentInput(conversation: 0) == "")
        try await store.deleteConversation(id)
        #expect(try await store.unsentInput(conversation: id) == "")
    }
}
