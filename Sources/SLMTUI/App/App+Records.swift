import Foundation
import SLMAgent

/// The tasks, drafts and notes views: keys, the forms, and the store work they start (all
/// through the assistant, in the background; results come back as messages).
extension App {
    /// Opens the view of `kind` (F7, F8, F9 or its slash command) and loads its records.
    func openRecords(_ kind: RecordBrowser.Kind) {
        state.modal = .records(RecordBrowser(kind: kind, now: services.assistant.clock))
        reloadRecords(kind)
    }

    /// Loads the records of `kind` again (after a change, or an undo).
    func reloadRecords(_ kind: RecordBrowser.Kind) {
        background { services, inbox in
            let assistant = services.assistant
            let contents: RecordContents = switch kind {
            case .tasks: .tasks(try await assistant.tasks(done: nil))
            case .drafts: .drafts(try await assistant.drafts())
            case .notes: .notes(try await assistant.notes())
            }
            inbox.post(.recordsLoaded(contents, now: assistant.clock))
        }
    }

    /// Shows what was loaded in an open view of the same kind.
    func showRecords(_ contents: RecordContents, now: DueMoment) {
        guard case .records(var browser)? = state.modal else { return }
        switch contents {
        case .tasks(let tasks) where browser.kind == .tasks: browser.tasks = tasks
        case .drafts(let drafts) where browser.kind == .drafts: browser.drafts = drafts
        case .notes(let notes) where browser.kind == .notes: browser.notes = notes
        default: return
        }
        browser.now = now
        browser.selection = min(browser.selection, max(0, browser.rows.count - 1))
        state.modal = .records(browser)
    }

    func handleRecords(_ browser: inout RecordBrowser, _ key: Key) {
        defer { if case .records? = state.modal { state.modal = .records(browser) } }
        if browser.form != nil { return handleForm(&browser, key) }
        if let id = browser.confirmingDelete {
            browser.confirmingDelete = nil
            if key == .character("y") || key == .character("Y") { deleteRecord(id, kind: browser.kind) }
            return
        }
        let selected = browser.selectedID
        switch key {
        case .escape:
            if browser.filter.isEmpty { state.modal = nil } else { browser.filter = "" }
        case .up, .wheelUp: browser.select(step: -1)
        case .down, .wheelDown: browser.select(step: 1)
        case .pageUp: browser.select(step: -pageSize)
        case .pageDown: browser.select(step: pageSize)
        case .home: browser.selection = 0
        case .end: browser.select(step: Int.max / 2)
        case .enter: if let selected { browser.form = form(for: selected, in: browser) }
        case .control("n"): browser.form = form(for: nil, in: browser)
        case .delete: browser.confirmingDelete = selected
        case .control("z"): undoLastChange()
        case .control("d") where browser.kind == .tasks:
            if let selected, let task = browser.tasks.first(where: { $0.id == selected }) { setDone(task, !task.isDone) }
        case .control("a") where browser.kind == .tasks:
            browser.showsDone.toggle()
            browser.selection = 0
        case .control("e") where browser.kind == .drafts: if let selected { exportDraft(selected) }
        case .control("y") where browser.kind == .drafts:
            if let selected, let draft = browser.drafts.first(where: { $0.id == selected }) { copyBody(draft.body) }
        case .control("s") where browser.kind == .drafts:
            if let selected, let draft = browser.drafts.first(where: { $0.id == selected }) { setSent(draft) }
        default:
            if FilterEditing.apply(key, to: &browser.filter) { browser.selection = 0 }
        }
    }

    private func form(for id: Int?, in browser: RecordBrowser) -> RecordForm {
        switch browser.kind {
        case .tasks: .task(id.flatMap { id in browser.tasks.first { $0.id == id } })
        case .drafts: .draft(id.flatMap { id in browser.drafts.first { $0.id == id } })
        case .notes: .note(id.flatMap { id in browser.notes.first { $0.id == id } })
        }
    }

    // MARK: - The form

    private func handleForm(_ browser: inout RecordBrowser, _ key: Key) {
        guard var form = browser.form else { return }
        defer { if browser.form != nil { browser.form = form } }
        let field = form.fields[form.focus]
        switch key {
        case .escape: browser.form = nil
        case .tab: form.moveFocus(by: 1)
        case .control("s"): saveForm(form, kind: browser.kind)
        case .control("o"): editInEditor(&form)
        case .control("e") where browser.kind == .drafts: saveForm(form, kind: .drafts, thenExport: true)
        case .control("y") where browser.kind == .drafts: copyBody(form.value("Body"))
        case .enter:
            if field.isMultiline {
                form.fields[form.focus].editor.newline()
            } else if form.focus == form.fields.count - 1 {
                saveForm(form, kind: browser.kind)
            } else {
                form.moveFocus(by: 1)
            }
        case .newline where field.isMultiline: form.fields[form.focus].editor.newline()
        case .up:
            if field.isMultiline, field.editor.row > 0 { form.fields[form.focus].editor.up() } else { form.moveFocus(by: -1) }
        case .down:
            if field.isMultiline, field.editor.row + 1 < field.editor.lines.count {
                form.fields[form.focus].editor.down()
            } else {
                form.moveFocus(by: 1)
            }
        case .paste(let text):
            form.fields[form.focus].editor.insert(field.isMultiline ? text : text.replacingOccurrences(of: "\n", with: " "))
        default:
            edit(&form.fields[form.focus].editor, key)
        }
    }

    /// The input line's editing keys, for a form field.
    private func edit(_ editor: inout InputEditor, _ key: Key) {
        switch key {
        case .character(let character): editor.insert(String(character))
        case .backspace: editor.backspace()
        case .delete: editor.deleteForward()
        case .left: editor.left()
        case .right: editor.right()
        case .wordLeft: editor.wordLeft()
        case .wordRight: editor.wordRight()
        case .home, .control("a"): editor.lineStart()
        case .end, .control("e"): editor.lineEnd()
        case .control("w"): editor.deleteWordBackward()
        case .control("u"): editor.deleteToLineStart()
        case .control("k"): editor.deleteToLineEnd()
        default: break
        }
    }

    /// Saves the form in the background; it closes when the save succeeds, and stays open
    /// with what was typed and the reason when it does not.
    private func saveForm(_ form: RecordForm, kind: RecordBrowser.Kind, thenExport: Bool = false) {
        let id = form.recordID
        let priorityText = form.value("Priority").trimmingCharacters(in: .whitespaces)
        let priority = priorityText.isEmpty ? 0 : Int(priorityText)
        guard kind != .tasks || priority != nil else {
            return formFailed("priority is a number from 0 to 3, not “\(priorityText)”")
        }
        background { services, inbox in
            let assistant = services.assistant
            do {
                let saved: String
                switch kind {
                case .tasks:
                    let priority = priority ?? 0
                    let due = form.value("Due").trimmingCharacters(in: .whitespaces)
                    let task = if let id {
                        try await assistant.editTask(id, title: form.value("Title"), due: due, priority: priority,
                                                     notes: form.value("Notes"))
                    } else {
                        try await assistant.addTask(title: form.value("Title"), due: due.isEmpty ? nil : due,
                                                    priority: priority, notes: form.value("Notes"))
                    }
                    saved = "saved task \(task.id) “\(task.title)”" + (task.dueText.map { ", due \($0)" } ?? "")
                case .drafts:
                    let draft = try await assistant.saveDraft(id, to: form.value("To"), cc: form.value("Cc"),
                                                              subject: form.value("Subject"), body: form.value("Body"))
                    saved = thenExport ? "exported draft \(draft.id) to \(try await assistant.exportDraft(draft.id).path)"
                        : "saved draft \(draft.id)"
                case .notes:
                    let note = if let id {
                        try await assistant.editNote(id, text: form.value("Text"))
                    } else {
                        try await assistant.addNote(form.value("Text"))
                    }
                    saved = "saved note \(note.id)"
                }
                inbox.post(.recordSaved(kind, saved))
            } catch {
                inbox.post(.formFailed(String(describing: error)))
            }
        }
    }

    /// A save that worked: the form closes, the list reloads, the status bar says what was saved.
    func recordSaved(_ kind: RecordBrowser.Kind, _ text: String) {
        if case .records(var browser)? = state.modal, browser.kind == kind {
            browser.form = nil
            state.modal = .records(browser)
        }
        state.notice = AppState.Notice(text: text, isError: false)
        reloadRecords(kind)
        refreshDue()
    }

    func formFailed(_ reason: String) {
        guard case .records(var browser)? = state.modal, browser.form != nil else {
            state.notice = AppState.Notice(text: reason, isError: true)
            return
        }
        browser.form?.error = reason
        state.modal = .records(browser)
    }

    /// Ctrl-O: the focused field (a one-line field's text too) in `$VISUAL` or `$EDITOR`; the
    /// app gives the terminal to it and takes it back after.
    private func editInEditor(_ form: inout RecordForm) {
        let environment = ProcessInfo.processInfo.environment
        let editor = environment["VISUAL"].flatMap { $0.isEmpty ? nil : $0 } ?? environment["EDITOR"].flatMap { $0.isEmpty ? nil : $0 }
            ?? "vi"
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("slm-tui-\(UUID().uuidString).txt")
        do {
            try Data(form.fields[form.focus].editor.text.utf8).write(to: file)
        } catch {
            form.error = "cannot write a file for the editor: \(error.localizedDescription)"
            return
        }
        defer { try? FileManager.default.removeItem(at: file) }
        var status: Int32 = -1
        screen.suspend {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            // the editor named as a shell would run it ("code -w", "nano"), the file as its last argument
            process.arguments = ["-c", editor + " \"$1\"", "sh", file.path]
            do {
                try process.run()
                process.waitUntilExit()
                status = process.terminationStatus
            } catch {
                status = -1
            }
        }
        guard status == 0, let text = try? String(contentsOf: file, encoding: .utf8) else {
            form.error = "the editor (\(editor)) did not finish cleanly (status \(status)); the field is unchanged"
            return
        }
        let kept = text.hasSuffix("\n") ? String(text.dropLast()) : text
        form.fields[form.focus].editor.setText(form.fields[form.focus].isMultiline ? kept
            : kept.replacingOccurrences(of: "\n", with: " "))
        form.error = nil
    }

    // MARK: - Actions on a chosen record

    private func setDone(_ task: TaskItem, _ done: Bool) {
        background { services, inbox in
            let changed = try await services.assistant.setTaskDone(task.id, done)
            inbox.post(.recordSaved(.tasks, "\(done ? "done" : "reopened"): task \(changed.id) “\(changed.title)”"))
        }
    }

    private func deleteRecord(_ id: Int, kind: RecordBrowser.Kind) {
        background { services, inbox in
            let assistant = services.assistant
            let what: String = switch kind {
            case .tasks: "task \(id) “\(try await assistant.deleteTask(id).title)”"
            case .drafts: "draft \(id) “\(try await assistant.deleteDraft(id).subject)”"
            case .notes: "note \(id)"
            }
            if kind == .notes { try await assistant.deleteNote(id) }
            inbox.post(.recordSaved(kind, "deleted \(what) — Ctrl-Z undoes"))
        }
    }

    private func exportDraft(_ id: Int) {
        background { services, inbox in
            let file = try await services.assistant.exportDraft(id)
            inbox.post(.recordSaved(.drafts, "exported draft \(id) to \(file.path)"))
        }
    }

    private func setSent(_ draft: DraftItem) {
        let sent = draft.status != "sent"
        background { services, inbox in
            _ = try await services.assistant.setDraftSent(draft.id, sent)
            inbox.post(.recordSaved(.drafts, "draft \(draft.id) marked \(sent ? "sent" : "not sent")"))
        }
    }

    private func copyBody(_ body: String) {
        screen.copyToClipboard(body)
        state.notice = AppState.Notice(text: "copied the body (\(body.count) characters)", isError: false)
    }

    // MARK: - Undo and reminders

    /// Ctrl-Z, `/undo [N]`: reverts the newest change (or change N) to a task, draft or note.
    func undoLastChange(_ id: Int? = nil) {
        background { services, inbox in
            inbox.post(.changeUndone(try await services.assistant.undo(id)))
        }
    }

    /// Says in the chat and the trace what was undone, and shows the records as they now are.
    func changeUndone(_ change: ChangeItem) {
        let text = "Undone: " + change.summary + (change.byAgent ? " (the agent's change)" : "")
        state.trace.append(TraceEntry(kind: .info, text: text))
        state.entries.append(ChatEntry(speaker: .notice(isError: false), text: text))
        state.notice = AppState.Notice(text: text, isError: false)
        if case .records(let browser)? = state.modal { reloadRecords(browser.kind) }
        refreshDue()
    }

    /// Asks which tasks are due or overdue now (at start, every minute, after changes).
    func refreshDue() {
        background { services, inbox in
            inbox.post(.dueTasks(try await services.assistant.dueTasks()))
        }
    }

    /// Marks the count in the resource pane; announces in the status bar tasks not announced before.
    func showDue(_ tasks: [TaskItem]) {
        state.resources.dueTasks = tasks.count
        let fresh = tasks.filter { !announcedDue.contains($0.id) }
        announcedDue.formUnion(fresh.map(\.id))
        guard !fresh.isEmpty else { return }
        let now = services.assistant.clock
        let names = fresh.prefix(3).map { task in
            "“\(task.title)”" + (task.isOverdue(at: now) ? " (overdue)" : task.dueTime.map { " at \($0)" } ?? "")
        }
        let more = fresh.count > 3 ? " and \(fresh.count - 3) more" : ""
        state.notice = AppState.Notice(text: "Due: " + names.joined(separator: ", ") + more + " — /tasks", isError: false,
                                       lasting: .seconds(60))
    }
}

/// Records loaded for the tasks, drafts or notes view.
public enum RecordContents: Sendable {
    case tasks([TaskItem])
    case drafts([DraftItem])
    case notes([NoteItem])
}
