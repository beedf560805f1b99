import Foundation
import SLMStore

/// What the tools store, as the user works with it: tasks, drafts and notes to list, add,
/// edit and delete by hand, and the journal of every change (the agent's and the user's)
/// to undo. Changes made here are journaled as the user's.
extension Assistant {
    // MARK: - Tasks

    /// Tasks: open ones, done ones, or (nil) all; by due day and time, then priority.
    public func tasks(done: Bool? = false) async throws -> [TaskItem] {
        let status: TaskRecord.Status? = done.map { $0 ? .done : .open }
        return try await store.tasks(status: status).map(TaskItem.init)
    }

    public func task(_ id: Int) async throws -> TaskItem {
        TaskItem(try await store.task(id))
    }

    /// Open tasks that are due now or overdue (reminders).
    public func dueTasks() async throws -> [TaskItem] {
        let now = clock
        return try await store.dueTasks(day: now.day, time: now.time ?? "23:59").map(TaskItem.init)
    }

    /// The day and time it is now where the user is (the runtime's clock and time zone).
    public var clock: DueMoment {
        let calendar = runtime.toolContext.dates.calendar
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: runtime.configuration.now())
        return DueMoment(day: String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0),
                         time: String(format: "%02d:%02d", parts.hour ?? 0, parts.minute ?? 0))
    }

    /// When `phrase` ("tomorrow at 5pm", "2026-12-04") is, or an error that says what is understood.
    public func resolveDue(_ phrase: String) throws -> DueMoment {
        guard let moment = runtime.toolContext.dates.moment(phrase, now: runtime.configuration.now()) else {
            throw AssistantError("cannot tell when “\(phrase)” is; try tomorrow, friday 5pm, in 3 days, on the 3rd or 2026-12-04")
        }
        return moment
    }

    /// Adds a task; `due` is a phrase resolved in code.
    public func addTask(title: String, due: String? = nil, priority: Int = 0, notes: String? = nil) async throws -> TaskItem {
        let title = try Self.checkedTitle(title)
        let moment = try due.map(resolveDue)
        return TaskItem(try await store.addTask(title: title, notes: notes.flatMap(Self.nonEmpty), due: moment?.day,
                                                dueTime: moment?.time, priority: try Self.checkedPriority(priority)))
    }

    /// Changes a task: nil leaves a field; an empty `due` or `notes` clears it.
    public func editTask(_ id: Int, title: String? = nil, due: String? = nil, priority: Int? = nil, notes: String? = nil)
        async throws -> TaskItem
    {
        var edit = TaskEdit(title: try title.map(Self.checkedTitle), priority: try priority.map(Self.checkedPriority))
        if let notes { edit.notes = .some(Self.nonEmpty(notes)) }
        if let due {
            let moment = try Self.nonEmpty(due).map(resolveDue)
            edit.due = .some(moment?.day)
            edit.dueTime = .some(moment?.time)
        }
        return TaskItem(try await store.updateTask(id, edit))
    }

    /// Marks a task done, or (with `done` false) open again.
    public func setTaskDone(_ id: Int, _ done: Bool = true) async throws -> TaskItem {
        TaskItem(done ? try await store.completeTask(id) : try await store.reopenTask(id))
    }

    /// Deletes a task (undoable) and returns it as it was.
    @discardableResult
    public func deleteTask(_ id: Int) async throws -> TaskItem {
        TaskItem(try await store.deleteTask(id))
    }

    // MARK: - Drafts

    public func drafts() async throws -> [DraftItem] {
        try await store.drafts().map(DraftItem.init)
    }

    public func draft(_ id: Int) async throws -> DraftItem {
        DraftItem(try await store.draft(id))
    }

    /// Saves a draft's fields as edited (a new draft when `id` is nil).
    public func saveDraft(_ id: Int?, to recipients: String, cc: String, subject: String, body: String) async throws
        -> DraftItem
    {
        guard let id else {
            return DraftItem(try await store.createDraft(recipients: recipients, cc: cc, subject: subject, body: body))
        }
        return DraftItem(try await store.reviseDraft(id, recipients: recipients, cc: cc, subject: subject, body: body))
    }

    /// Writes draft `id` as an RFC 5322 `.eml` file: to `file`, else `draft-ID.eml` in the
    /// drafts folder (an existing file is replaced); returns where it went.
    public func exportDraft(_ id: Int, to file: URL? = nil) async throws -> URL {
        let record = try await store.draft(id)
        let configuration = runtime.configuration
        let text = EmailMessage(draft: record, date: configuration.now(), timeZone: configuration.timeZone).text
        let written: URL
        if let file {
            do {
                try Data(text.utf8).write(to: file, options: .atomic)
            } catch {
                throw AssistantError("cannot write \(file.path): \((error as NSError).localizedDescription)")
            }
            written = file
        } else {
            written = try runtime.toolContext.drafts.write(text, to: "draft-\(id).eml")
        }
        _ = try await store.reviseDraft(id, status: .exported)
        return written
    }

    /// Marks a draft sent, or (with `sent` false) not sent.
    public func setDraftSent(_ id: Int, _ sent: Bool = true) async throws -> DraftItem {
        DraftItem(try await store.markDraftSent(id, sent: sent))
    }

    @discardableResult
    public func deleteDraft(_ id: Int) async throws -> DraftItem {
        DraftItem(try await store.deleteDraft(id))
    }

    // MARK: - Notes

    /// Notes, or those containing `text`.
    public func notes(matching text: String = "", limit: Int = 1000) async throws -> [NoteItem] {
        try await store.notes(matching: text, limit: limit).map(NoteItem.init)
    }

    public func addNote(_ text: String) async throws -> NoteItem {
        guard let text = Self.nonEmpty(text) else { throw AssistantError("a note needs some text") }
        return NoteItem(try await store.addNote(text))
    }

    public func editNote(_ id: Int, text: String) async throws -> NoteItem {
        guard let text = Self.nonEmpty(text) else { throw AssistantError("a note needs some text (delete it instead)") }
        return NoteItem(try await store.updateNote(id, text: text))
    }

    @discardableResult
    public func deleteNote(_ id: Int) async throws -> NoteItem {
        NoteItem(try await store.deleteNote(id))
    }

    // MARK: - Changes

    /// Changes to tasks, drafts and notes, newest first.
    public func changes(limit: Int = 50) async throws -> [ChangeItem] {
        try await store.changes(limit: limit).map(ChangeItem.init)
    }

    /// Reverts change `id`, by default the newest not yet undone; returns it.
    @discardableResult
    public func undo(_ id: Int? = nil) async throws -> ChangeItem {
        ChangeItem(try await store.undoChange(id))
    }

    /// Reverts what tool call `id` changed (newest first); returns the changes undone.
    public func undo(toolCall id: Int) async throws -> [ChangeItem] {
        let made = try await store.changes(limit: 10_000).filter { $0.origin.toolCallID == id && $0.undoneAt == nil }
        guard !made.isEmpty else { throw AssistantError("that call changed nothing that can be undone") }
        var undone: [ChangeItem] = []
        for change in made { undone.append(ChangeItem(try await store.undoChange(change.id))) }
        return undone
    }

    // MARK: - Checks

    private static func nonEmpty(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : trimmed
    }

    private static func checkedTitle(_ title: String) throws -> String {
        guard let title = nonEmpty(title) else { throw AssistantError("a task needs a title") }
        guard title.count <= 200 else { throw AssistantError("a task's title is at most 200 characters") }
        return title
    }

    private static func checkedPriority(_ priority: Int) throws -> Int {
        guard (0...3).contains(priority) else { throw AssistantError("priority is 0 (none) to 3 (highest), not \(priority)") }
        return priority
    }
}
