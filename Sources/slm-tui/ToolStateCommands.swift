import Foundation
import SLMAgent

/// `slm-tui tasks`, `drafts`, `notes`, `changes` and `undo`: what the tools stored, worked
/// with by hand. Changes made here are journaled like the agent's, so `undo` reverts them.
enum ToolStateCommands {
    // MARK: - Tasks

    static func tasks(_ words: [String]) throws -> Int32 {
        switch words.first {
        case "add": return try addTask(Array(words.dropFirst()))
        case "done", "reopen": return try setTaskDone(Array(words.dropFirst()), done: words.first == "done")
        case "edit": return try editTask(Array(words.dropFirst()))
        case "rm": return try removeTask(Array(words.dropFirst()))
        default: break
        }
        let arguments = try Arguments(words, flags: ["--json", "--all", "--done", "--due"], options: ["--db"])
        guard arguments.positionals.isEmpty else {
            throw UsageError("unknown tasks command \(arguments.positionals[0]); tasks add, done, reopen, edit, rm")
        }
        let assistant = try AssistantAccess.forReading(arguments.options["--db"])
        let tasks: [TaskItem]
        let done: Bool? = arguments.has("--all") ? nil : arguments.has("--done")
        if arguments.has("--due") {
            tasks = try wait { try await assistant.dueTasks() }
        } else {
            tasks = try wait { try await assistant.tasks(done: done) }
        }
        if arguments.has("--json") {
            try Console.printJSON(tasks.map(TaskLine.init))
        } else if tasks.isEmpty {
            Console.print(arguments.has("--due") ? "nothing is due" : done == false ? "no open tasks" : "no tasks")
        } else {
            let now = assistant.clock
            for task in tasks { Console.print(line(task, now: now)) }
        }
        return 0
    }

    /// `3  [ ] Pay rent  due 2026-12-01 17:00  !!  (overdue)`
    static func line(_ task: TaskItem, now: DueMoment) -> String {
        let mark = task.isDone ? "[x]" : "[ ]"
        let due = task.dueText.map { "  due \($0)" } ?? ""
        let priority = task.priority > 0 ? "  " + String(repeating: "!", count: task.priority) : ""
        let overdue = task.isOverdue(at: now) ? "  (overdue)" : ""
        return "\(task.id)\t\(mark) \(Console.safe(task.title))\(due)\(priority)\(overdue)"
    }

    private static func addTask(_ words: [String]) throws -> Int32 {
        let arguments = try Arguments(words, flags: ["--json"], options: ["--db", "--due", "--priority", "--notes"])
        let title = arguments.positionals.joined(separator: " ")
        guard !title.isEmpty else { throw UsageError("tasks add needs the task's text") }
        let priority = try arguments.integer("--priority", default: 0, range: 0...3)
        let assistant = try writer(arguments)
        let task = try wait {
            try await assistant.addTask(title: title, due: arguments.options["--due"], priority: priority,
                                        notes: arguments.options["--notes"])
        }
        try report(task, as: "added", arguments)
        return 0
    }

    private static func setTaskDone(_ words: [String], done: Bool) throws -> Int32 {
        let arguments = try Arguments(words, flags: ["--json"], options: ["--db"])
        let id = try identifier(arguments, "tasks \(done ? "done" : "reopen")")
        let assistant = try writer(arguments)
        let task = try wait { try await assistant.setTaskDone(id, done) }
        try report(task, as: done ? "done" : "reopened", arguments)
        return 0
    }

    private static func editTask(_ words: [String]) throws -> Int32 {
        let arguments = try Arguments(words, flags: ["--json"], options: ["--db", "--title", "--due", "--priority", "--notes"])
        let id = try identifier(arguments, "tasks edit")
        guard ["--title", "--due", "--priority", "--notes"].contains(where: { arguments.options[$0] != nil }) else {
            throw UsageError("tasks edit needs something to change: --title, --due (\"\" clears), --priority or --notes")
        }
        let priority = try arguments.options["--priority"].map { _ in try arguments.integer("--priority", default: 0, range: 0...3) }
        let assistant = try writer(arguments)
        let task = try wait {
            try await assistant.editTask(id, title: arguments.options["--title"], due: arguments.options["--due"],
                                         priority: priority, notes: arguments.options["--notes"])
        }
        try report(task, as: "changed", arguments)
        return 0
    }

    private static func removeTask(_ words: [String]) throws -> Int32 {
        let arguments = try Arguments(words, flags: ["--json"], options: ["--db"])
        let id = try identifier(arguments, "tasks rm")
        let assistant = try writer(arguments)
        let task = try wait { try await assistant.deleteTask(id) }
        try report(task, as: "deleted", arguments)
        return 0
    }

    private static func report(_ task: TaskItem, as verb: String, _ arguments: Arguments) throws {
        if arguments.has("--json") {
            try Console.printJSON(TaskLine(task))
        } else {
            let due = task.dueText.map { ", due \($0)" } ?? ""
            Console.print("\(verb) task \(task.id) “\(Console.safe(task.title))”\(due)"
                + (verb == "deleted" ? " (slm-tui undo brings it back)" : ""))
        }
    }

    // MARK: - Drafts

    static func drafts(_ words: [String]) throws -> Int32 {
        switch words.first {
        case "show": return try showDraft(Array(words.dropFirst()))
        case "export": return try exportDraft(Array(words.dropFirst()))
        case "sent": return try markDraftSent(Array(words.dropFirst()))
        case "rm": return try removeDraft(Array(words.dropFirst()))
        default: break
        }
        let arguments = try Arguments(words, flags: ["--json"], options: ["--db"])
        guard arguments.positionals.isEmpty else {
            throw UsageError("unknown drafts command \(arguments.positionals[0]); drafts show, export, sent, rm")
        }
        let assistant = try AssistantAccess.forReading(arguments.options["--db"])
        let drafts = try wait { try await assistant.drafts() }
        if arguments.has("--json") {
            try Console.printJSON(drafts.map(DraftLine.init))
        } else if drafts.isEmpty {
            Console.print("no drafts")
        } else {
            for draft in drafts {
                Console.print("\(draft.id)\t\(draft.status)\tto \(Console.safe(draft.recipients))\t\(Console.safe(draft.subject))")
            }
        }
        return 0
    }

    private static func showDraft(_ words: [String]) throws -> Int32 {
        let arguments = try Arguments(words, flags: ["--json"], options: ["--db"])
        let id = try identifier(arguments, "drafts show")
        let assistant = try AssistantAccess.forReading(arguments.options["--db"])
        let draft = try wait { try await assistant.draft(id) }
        if arguments.has("--json") {
            try Console.printJSON(DraftLine(draft))
        } else {
            var lines = ["Draft \(draft.id) (\(draft.status))", "To: \(Console.safe(draft.recipients))"]
            if !draft.cc.isEmpty { lines.append("Cc: \(Console.safe(draft.cc))") }
            lines += ["Subject: \(Console.safe(draft.subject))", "", Console.safe(draft.body, keepingNewlines: true)]
            Console.print(lines.joined(separator: "\n"))
        }
        return 0
    }

    private static func exportDraft(_ words: [String]) throws -> Int32 {
        let arguments = try Arguments(words, flags: ["--json"], options: ["--db", "-o"])
        let id = try identifier(arguments, "drafts export")
        let file = arguments.options["-o"].map { URL(fileURLWithPath: $0) }
        let assistant = try writer(arguments)
        let written = try wait { try await assistant.exportDraft(id, to: file) }
        if arguments.has("--json") {
            try Console.printJSON(["id": String(id), "path": written.path])
        } else {
            Console.print("exported draft \(id) to \(written.path)")
        }
        return 0
    }

    private static func markDraftSent(_ words: [String]) throws -> Int32 {
        let arguments = try Arguments(words, flags: ["--not"], options: ["--db"])
        let id = try identifier(arguments, "drafts sent")
        let assistant = try writer(arguments)
        let draft = try wait { try await assistant.setDraftSent(id, !arguments.has("--not")) }
        Console.print("draft \(draft.id) “\(Console.safe(draft.subject))” is \(draft.status == "sent" ? "sent" : "not sent")")
        return 0
    }

    private static func removeDraft(_ words: [String]) throws -> Int32 {
        let arguments = try Arguments(words, options: ["--db"])
        let id = try identifier(arguments, "drafts rm")
        let assistant = try writer(arguments)
        let draft = try wait { try await assistant.deleteDraft(id) }
        Console.print("deleted draft \(draft.id) “\(Console.safe(draft.subject))” (slm-tui undo brings it back)")
        return 0
    }

    // MARK: - Notes

    static func notes(_ words: [String]) throws -> Int32 {
        switch words.first {
        case "add": return try addNote(Array(words.dropFirst()))
        case "edit": return try editNote(Array(words.dropFirst()))
        case "rm": return try removeNote(Array(words.dropFirst()))
        default: break
        }
        let arguments = try Arguments(words, flags: ["--json"], options: ["--db"])
        let assistant = try AssistantAccess.forReading(arguments.options["--db"])
        let query = arguments.positionals.joined(separator: " ")
        let notes = try wait { try await assistant.notes(matching: query, limit: 1000) }
        if arguments.has("--json") {
            try Console.printJSON(notes.map(NoteLine.init))
        } else if notes.isEmpty {
            Console.print(query.isEmpty ? "no notes" : "no notes match")
        } else {
            for note in notes { Console.print("\(note.id)\t\(Console.safe(note.text))") }
        }
        return 0
    }

    private static func addNote(_ words: [String]) throws -> Int32 {
        let arguments = try Arguments(words, flags: ["--json"], options: ["--db"])
        let text = arguments.positionals.joined(separator: " ")
        let assistant = try writer(arguments)
        let note = try wait { try await assistant.addNote(text) }
        if arguments.has("--json") { try Console.printJSON(NoteLine(note)) } else { Console.print("added note \(note.id)") }
        return 0
    }

    private static func editNote(_ words: [String]) throws -> Int32 {
        let arguments = try Arguments(words, flags: ["--json"], options: ["--db"])
        guard let first = arguments.positionals.first, let id = Int(first), id > 0 else {
            throw UsageError("notes edit needs a note's number and its new text")
        }
        let text = arguments.positionals.dropFirst().joined(separator: " ")
        let assistant = try writer(arguments)
        let note = try wait { try await assistant.editNote(id, text: text) }
        if arguments.has("--json") { try Console.printJSON(NoteLine(note)) } else { Console.print("changed note \(note.id)") }
        return 0
    }

    private static func removeNote(_ words: [String]) throws -> Int32 {
        let arguments = try Arguments(words, options: ["--db"])
        let id = try identifier(arguments, "notes rm")
        let assistant = try writer(arguments)
        let note = try wait { try await assistant.deleteNote(id) }
        let first = note.text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        Console.print("deleted note \(note.id) “\(Console.safe(first))” (slm-tui undo brings it back)")
        return 0
    }

    // MARK: - Changes

    /// `slm-tui changes [--json] [--limit N]`
    static func changes(_ words: [String]) throws -> Int32 {
        let arguments = try Arguments(words, flags: ["--json"], options: ["--db", "--limit"])
        guard arguments.positionals.isEmpty else { throw UsageError("changes takes no positional arguments") }
        let limit = try arguments.integer("--limit", default: 20, range: 1...10_000)
        let assistant = try AssistantAccess.forReading(arguments.options["--db"])
        let changes = try wait { try await assistant.changes(limit: limit) }
        if arguments.has("--json") {
            try Console.printJSON(changes.map(ChangeLine.init))
        } else if changes.isEmpty {
            Console.print("no changes")
        } else {
            for change in changes {
                let who = change.byAgent ? "agent" : "you"
                Console.print("\(change.id)\t\(who)\t\(Console.safe(change.summary))\(change.isUndone ? "\t(undone)" : "")")
            }
        }
        return 0
    }

    /// `slm-tui undo [ID]`: the newest change, or change ID.
    static func undo(_ words: [String]) throws -> Int32 {
        let arguments = try Arguments(words, flags: ["--json"], options: ["--db"])
        guard arguments.positionals.count <= 1 else { throw UsageError("undo takes at most one change number") }
        let id = try arguments.positionals.first.map { text in
            guard let id = Int(text), id > 0 else { throw UsageError("undo needs a change number (see slm-tui changes), not \(text)") }
            return id
        }
        let assistant = try writer(arguments)
        let change = try wait { try await assistant.undo(id) }
        if arguments.has("--json") {
            try Console.printJSON(ChangeLine(change))
        } else {
            Console.print("undone: \(Console.safe(change.summary))")
        }
        return 0
    }

    // MARK: - Plumbing

    private static func writer(_ arguments: Arguments) throws -> Assistant {
        try AssistantAccess.assistant(StoreAccess.open(arguments.options["--db"]))
    }

    private static func identifier(_ arguments: Arguments, _ command: String) throws(UsageError) -> Int {
        guard arguments.positionals.count == 1, let id = Int(arguments.positionals[0]), id > 0 else {
            throw UsageError("\(command) needs one number (the first column of the list)")
        }
        return id
    }

    struct TaskLine: Encodable {
        let id: Int
        let title: String
        let status: String
        let due: String?
        let time: String?
        let priority: Int
        let notes: String?

        init(_ task: TaskItem) {
            (id, title, status, due, time) = (task.id, task.title, task.isDone ? "done" : "open", task.due, task.dueTime)
            (priority, notes) = (task.priority, task.notes)
        }
    }

    struct DraftLine: Encodable {
        let id: Int
        let subject: String
        let status: String
        let to: String
        let cc: String
        let body: String

        init(_ draft: DraftItem) {
            (id, subject, status, to, cc, body) = (draft.id, draft.subject, draft.status, draft.recipients, draft.cc, draft.body)
        }
    }

    struct NoteLine: Encodable {
        let id: Int
        let title: String
        let status: String
        let text: String

        init(_ note: NoteItem) {
            (id, title, status, text) = (note.id, String(note.text.split(whereSeparator: \.isNewline).first ?? ""), "saved",
                                         note.text)
        }
    }

    struct ChangeLine: Encodable {
        let id: Int
        let summary: String
        let by: String
        let toolCall: Int?
        let undone: Bool

        init(_ change: ChangeItem) {
            (id, summary, by, toolCall, undone) = (change.id, change.summary, change.byAgent ? "agent" : "user",
                                                   change.toolCallID, change.isUndone)
        }
    }
}
