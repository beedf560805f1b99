import Foundation
import SLMAgent

/// `slm-tui tasks`, `slm-tui drafts`, `slm-tui notes`: what the tools stored.
enum ToolStateCommands {
    static func tasks(_ words: [String]) throws -> Int32 {
        let arguments = try Arguments(words, flags: ["--json", "--all", "--done"], options: ["--db"])
        guard arguments.positionals.isEmpty else { throw UsageError("tasks takes no positional arguments") }
        let done: Bool? = arguments.has("--all") ? nil : arguments.has("--done")
        let assistant = try AssistantAccess.forReading(arguments.options["--db"])
        let tasks = try wait { try await assistant.tasks(done: done) }
        if arguments.has("--json") {
            try Console.printJSON(tasks.map { TaskLine(id: $0.id, title: $0.title, status: $0.isDone ? "done" : "open",
                                               due: $0.due, priority: $0.priority, notes: $0.notes) })
        } else if tasks.isEmpty {
            Console.print(done == false ? "no open tasks" : "no tasks")
        } else {
            for task in tasks {
                let mark = task.isDone ? "[x]" : "[ ]"
                let due = task.due.map { "  due \($0)" } ?? ""
                let priority = task.priority > 0 ? "  " + String(repeating: "!", count: task.priority) : ""
                Console.print("\(task.id)\t\(mark) \(Console.safe(task.title))\(due)\(priority)")
            }
        }
        return 0
    }

    static func drafts(_ words: [String]) throws -> Int32 {
        let arguments = try Arguments(words, flags: ["--json"], options: ["--db"])
        guard arguments.positionals.isEmpty else { throw UsageError("drafts takes no positional arguments") }
        let assistant = try AssistantAccess.forReading(arguments.options["--db"])
        let drafts = try wait { try await assistant.drafts() }
        if arguments.has("--json") {
            try Console.printJSON(drafts.map { DraftLine(id: $0.id, subject: $0.subject, status: $0.status, to: $0.recipients,
                                                 cc: $0.cc, body: $0.body) })
        } else if drafts.isEmpty {
            Console.print("no drafts")
        } else {
            for draft in drafts {
                Console.print("\(draft.id)\t\(draft.status)\tto \(Console.safe(draft.recipients))\t\(Console.safe(draft.subject))")
            }
        }
        return 0
    }

    static func notes(_ words: [String]) throws -> Int32 {
        let arguments = try Arguments(words, flags: ["--json"], options: ["--db"])
        let assistant = try AssistantAccess.forReading(arguments.options["--db"])
        let query = arguments.positionals.joined(separator: " ")
        let notes = try wait { try await assistant.notes(matching: query, limit: 1000) }
        if arguments.has("--json") {
            try Console.printJSON(notes.map { note in
                NoteLine(id: note.id, title: String(note.text.split(whereSeparator: \.isNewline).first ?? ""), status: "saved",
                         text: note.text)
            })
        } else if notes.isEmpty {
            Console.print(query.isEmpty ? "no notes" : "no notes match")
        } else {
            for note in notes { Console.print("\(note.id)\t\(Console.safe(note.text))") }
        }
        return 0
    }


    struct TaskLine: Encodable {
        let id: Int
        let title: String
        let status: String
        let due: String?
        let priority: Int
        let notes: String?
    }

    struct DraftLine: Encodable {
        let id: Int
        let subject: String
        let status: String
        let to: String
        let cc: String
        let body: String
    }

    struct NoteLine: Encodable {
        let id: Int
        let title: String
        let status: String
        let text: String
    }
}
