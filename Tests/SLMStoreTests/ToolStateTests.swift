import Foundation
import SLMStore
import Testing

@Suite("Store: tool state, metrics, export")
struct ToolStateTests {
    @Test("tool calls are recorded and finished with a duration")
    func toolCalls() async throws {
        let store = try Store(path: try StoreTests.temporaryPath())
        let conversation = try await store.createConversation(title: "Tools")
        let call = try await store.recordToolCall(tool: "tasks.add", arguments: #"{"title":"Buy milk"}"#,
                                                  conversationID: conversation.id)
        try await store.finishToolCall(call.id, result: #"{"id":1}"#, status: .succeeded)
        let calls = try await store.toolCalls(in: conversation.id)
        #expect(calls.count == 1)
        #expect(calls.first?.status == .succeeded)
        #expect(calls.first?.result == #"{"id":1}"#)
        #expect((calls.first?.durationMilliseconds ?? -1) >= 0)
        await #expect(throws: StoreError.notFound("tool call 99")) { try await store.finishToolCall(99, result: "", status: .failed) }
    }

    @Test("tasks: add, filter by status and due date, update, complete, delete")
    func tasks() async throws {
        let store = try Store(path: try StoreTests.temporaryPath())
        let invoice = try await store.addTask(title: "Send invoice", due: "2026-12-04", priority: 2)
        let milk = try await store.addTask(title: "Buy milk", due: "2026-11-25")
        _ = try await store.addTask(title: "Someday")
        #expect(try await store.tasks().map(\.title) == ["Buy milk", "Send invoice", "Someday"])
        #expect(try await store.tasks(dueBefore: "2026-12-01").map(\.id) == [milk.id])
        let updated = try await store.updateTask(invoice.id, TaskEdit(notes: "to ACME"))
        #expect(updated.notes == "to ACME" && updated.title == "Send invoice")
        let done = try await store.completeTask(milk.id)
        #expect(done.status == .done && done.completedAt != nil)
        #expect(try await store.tasks(status: .open).map(\.title) == ["Send invoice", "Someday"])
        try await store.deleteTask(invoice.id)
        await #expect(throws: StoreError.notFound("task \(invoice.id)")) { try await store.task(invoice.id) }
    }

    @Test("drafts and notes")
    func draftsAndNotes() async throws {
        let store = try Store(path: try StoreTests.temporaryPath())
        let draft = try await store.createDraft(recipients: "maria@example.com", subject: "Report", body: "Hi Maria,")
        let revised = try await store.reviseDraft(draft.id, body: "Dear Maria,", status: .exported)
        #expect(revised.body == "Dear Maria," && revised.subject == "Report" && revised.status == .exported)
        #expect(try await store.drafts(status: .draft).isEmpty)
        _ = try await store.addNote("The wifi password is on the fridge")
        _ = try await store.addNote("100% cotton, wash at 40_C")
        #expect(try await store.notes(matching: "WIFI fridge").count == 1)
        #expect(try await store.notes(matching: "100%").count == 1)
        #expect(try await store.notes(matching: "_").count == 1)
        #expect(try await store.notes().count == 2)
        let kept = try await store.notes(matching: "wifi")
        try await store.deleteNote(try #require(kept.first).id)
        #expect(try await store.notes().count == 1)
        try await store.deleteDraft(draft.id)
        await #expect(throws: StoreError.notFound("draft \(draft.id)")) { try await store.draft(draft.id) }
    }

    @Test("metrics are summarised per model")
    func metrics() async throws {
        let store = try Store(path: try StoreTests.temporaryPath())
        try await store.recordMetrics(TurnMetrics(model: "gemma3-270m", promptTokens: 10, generatedTokens: 20,
                                                  decodeTokensPerSecond: 50, timeToFirstTokenMilliseconds: 100))
        try await store.recordMetrics(TurnMetrics(model: "gemma3-270m", promptTokens: 5, generatedTokens: 30,
                                                  decodeTokensPerSecond: 70, timeToFirstTokenMilliseconds: 200))
        let summary = try #require(try await store.metricsSummary().first)
        #expect(summary.turns == 2 && summary.generatedTokens == 50)
        #expect(summary.averageDecodeTokensPerSecond == 60)
        #expect(summary.averageTimeToFirstTokenMilliseconds == 150)
    }

    @Test("a conversation exports to Markdown and JSON")
    func export() async throws {
        let store = try Store(path: try StoreTests.temporaryPath())
        let conversation = try await store.createConversation(title: "Trip", model: "gemma3-270m")
        _ = try await store.appendMessage(to: conversation.id, role: .user, content: "Plan a trip")
        _ = try await store.appendMessage(to: conversation.id, role: .assistant, content: "Day 1: …", status: .cancelled)
        let export = try await store.export(conversation.id)
        #expect(export.markdown.hasPrefix("# Trip\n"))
        #expect(export.markdown.contains("## user ·"))
        #expect(export.markdown.contains("(cancelled)"))
        let decoded = try JSONSerialization.jsonObject(with: export.json()) as? [String: Any]
        #expect((decoded?["messages"] as? [Any])?.count == 2)
    }
}

@Suite("Store benchmark")
struct StoreBenchmarkTests {
    @Test("runs on a small database and reports every figure")
    func smallRun() async throws {
        let folder = URL(fileURLWithPath: try StoreTests.temporaryPath()).deletingLastPathComponent()
        let result = try await StoreBenchmark(conversations: 20, messages: 200).run(in: folder)
        #expect(result.conversations == 20 && result.messages == 200)
        #expect(result.medianAppendMilliseconds > 0 && result.listMilliseconds > 0 && result.searchMilliseconds > 0)
    }
}
