import Foundation
import SLMStore
import SLMTestSupport
import Testing

@Suite("Store: change journal and undo")
struct ChangeJournalTests {
    @Test("every change to a task, draft or note is journaled with who made it, newest first")
    func journaled() async throws {
        let store = try Store(path: try StoreTests.temporaryPath())
        let conversation = try await store.createConversation(title: "Plans")
        let call = try await store.recordToolCall(tool: "tasks_add", arguments: "{}", conversationID: conversation.id)
        let agent = ChangeOrigin(source: .agent, conversationID: conversation.id, toolCallID: call.id)
        let task = try await store.addTask(title: "Pay rent", due: "2026-12-01", dueTime: "17:00", origin: agent)
        _ = try await store.updateTask(task.id, TaskEdit(title: "Pay the rent"))
        _ = try await store.completeTask(task.id)
        let draft = try await store.createDraft(recipients: "ana@example.com", subject: "Hi", body: "Hello")
        _ = try await store.markDraftSent(draft.id)
        let note = try await store.addNote("Boiler code 1234")
        try await store.deleteNote(note.id)
        let changes = try await store.changes()
        #expect(changes.map(\.action) == [.deleted, .added, .sent, .added, .completed, .edited, .added])
        #expect(changes.map(\.kind) == [.note, .note, .draft, .draft, .task, .task, .task])
        #expect(changes.last?.summary == "added task \(task.id) “Pay rent”")
        #expect(changes.last?.origin == agent)
        #expect(changes.first?.origin == .user)
        #expect(changes.first?.summary == "deleted note \(note.id) “Boiler code 1234”")
    }

    @Test("undo puts each record back as it was, newest change first, then there is nothing to undo")
    func undoInOrder() async throws {
        let store = try Store(path: try StoreTests.temporaryPath())
        let task = try await store.addTask(title: "Pay rent", notes: "to the landlord", due: "2026-12-01", priority: 2)
        _ = try await store.updateTask(task.id, TaskEdit(notes: .some(nil), due: "2026-12-05", dueTime: "09:30"))
        try await store.deleteTask(task.id)
        await #expect(throws: StoreError.notFound("task \(task.id)")) { try await store.task(task.id) }

        let undoneDelete = try await store.undoChange()
        #expect(undoneDelete.action == .deleted && undoneDelete.undoneAt != nil)
        let restored = try await store.task(task.id)
        #expect(restored.due == "2026-12-05" && restored.dueTime == "09:30" && restored.notes == nil)

        try await store.undoChange()
        #expect(try await store.task(task.id) == task)

        try await store.undoChange()
        await #expect(throws: StoreError.notFound("task \(task.id)")) { try await store.task(task.id) }
        await #expect(throws: StoreError.cannotUndo("there is nothing to undo")) { try await store.undoChange() }
    }

    @Test("a change whose record changed again since is not undone, and nothing moves")
    func undoConflict() async throws {
        let store = try Store(path: try StoreTests.temporaryPath())
        let note = try await store.addNote("first")
        let added = try #require(try await store.changes().first)
        _ = try await store.updateNote(note.id, text: "second")
        await #expect(throws: StoreError.self) { try await store.undoChange(added.id) }
        #expect(try await store.note(note.id).text == "second")
        // undone once is done
        let edit = try #require(try await store.changes().first)
        try await store.undoChange(edit.id)
        #expect(try await store.note(note.id).text == "first")
        await #expect(throws: StoreError.cannotUndo("change \(edit.id) was already undone")) {
            try await store.undoChange(edit.id)
        }
        await #expect(throws: StoreError.notFound("change 999")) { try await store.undoChange(999) }
    }

    @Test("undoing a delete never overwrites a newer record that took the same id")
    func undoKeepsNewerRecord() async throws {
        let store = try Store(path: try StoreTests.temporaryPath())
        let old = try await store.addTask(title: "Old")
        try await store.deleteTask(old.id)
        let deletion = try #require(try await store.changes().first)
        let newer = try await store.addTask(title: "Newer")
        #expect(newer.id == old.id)
        await #expect(throws: StoreError.self) { try await store.undoChange(deletion.id) }
        #expect(try await store.task(newer.id).title == "Newer")
    }

    @Test("on a full disk a change and its journal entry fail together, and an undo leaves the record as it was")
    func fullDisk() async throws {
        let store = try Store(path: try StoreTests.temporaryPath())
        let kept = try await store.addTask(title: "Kept")
        try await store.limitSize(toPages: 30)
        var failure: StoreError?
        for index in 0..<300 {
            do {
                _ = try await store.addNote(String(repeating: "n\(index) ", count: 3_000))
            } catch {
                failure = error
                break
            }
        }
        guard case .sqlite(let sqlite)? = failure else { Issue.record("expected a full disk, got \(String(describing: failure))"); return }
        #expect(sqlite.primaryCode == 13)
        let notes = try await store.notes(limit: 1000)
        let journaledNotes = try await store.changes(limit: 1000).filter { $0.kind == .note }
        #expect(notes.count == journaledNotes.count, "every stored note has its entry, and no entry lacks its note")
        #expect(try await store.task(kept.id) == kept)
    }

    @Test("a missing record is not found and journals nothing")
    func missing() async throws {
        let store = try Store(path: try StoreTests.temporaryPath())
        await #expect(throws: StoreError.notFound("task 7")) { try await store.completeTask(7) }
        await #expect(throws: StoreError.notFound("draft 7")) { try await store.deleteDraft(7) }
        await #expect(throws: StoreError.notFound("note 7")) { try await store.updateNote(7, text: "x") }
        #expect(try await store.changes().isEmpty)
    }

    @Test("due tasks: overdue, due today without a time, and those whose time has come; by day and time")
    func dueTasks() async throws {
        let store = try Store(path: try StoreTests.temporaryPath())
        _ = try await store.addTask(title: "evening", due: "2026-12-02", dueTime: "19:00")
        _ = try await store.addTask(title: "morning", due: "2026-12-02", dueTime: "09:00")
        _ = try await store.addTask(title: "all day", due: "2026-12-02")
        _ = try await store.addTask(title: "overdue", due: "2026-11-30", dueTime: "23:00")
        _ = try await store.addTask(title: "tomorrow", due: "2026-12-03")
        let done = try await store.addTask(title: "done", due: "2026-11-01")
        _ = try await store.completeTask(done.id)
        #expect(try await store.dueTasks(day: "2026-12-02", time: "12:00").map(\.title) == ["overdue", "all day", "morning"])
        #expect(try await store.tasks(status: .open).map(\.title)
            == ["overdue", "all day", "morning", "evening", "tomorrow"])
    }

    @Test("a task's time goes with its day: clearing the day clears the time")
    func timeNeedsDay() async throws {
        let store = try Store(path: try StoreTests.temporaryPath())
        let task = try await store.addTask(title: "Call", due: "2026-12-02", dueTime: "17:00")
        let cleared = try await store.updateTask(task.id, TaskEdit(due: .some(nil)))
        #expect(cleared.due == nil && cleared.dueTime == nil)
        let timeless = try await store.addTask(title: "x", dueTime: "10:00")
        #expect(timeless.dueTime == nil)
        let reopened = try await store.reopenTask(try await store.completeTask(task.id).id)
        #expect(reopened.status == .open && reopened.completedAt == nil)
    }

    @Test("migrating an older file splits a date-time kept in due into day and time, and starts an empty journal")
    func migration() async throws {
        let path = try StoreTests.temporaryPath()
        try FileManager.default.copyItem(at: Fixtures.url("store/schema-v1.sqlite3"), to: URL(fileURLWithPath: path))
        try Database(path: path).execute("""
            INSERT INTO tasks (title, due, created_at, updated_at) VALUES ('timed', '2026-12-03T17:00', 0, 0);
            INSERT INTO tasks (title, due, created_at, updated_at) VALUES ('dated', '2026-12-04', 0, 0);
            """)
        let store = try Store(path: path)
        let tasks = try await store.tasks().filter { ["timed", "dated"].contains($0.title) }
        #expect(tasks.map(\.due) == ["2026-12-03", "2026-12-04"])
        #expect(tasks.map(\.dueTime) == ["17:00", nil])
        #expect(try await store.changes().isEmpty)
        #expect(try await store.integrityCheck() == "ok")
    }
}
