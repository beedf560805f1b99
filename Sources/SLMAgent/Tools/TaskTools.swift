import Foundation
import SLMEngine
import SLMStore

/// The planner's task tools: add, list, update, complete, delete.
enum TaskTools {
    static let all: [any Tool] = [Add(), List(), Update(), Complete(), Delete()]

    static let title = JSONSchema.text(1...120)
    static let notes = JSONSchema.text(0...500)
    static let priority = JSONSchema.integer(minimum: 0, maximum: 3)
    static let id = JSONSchema.Property("id", .integer(minimum: 1), description: "the task's number")
    static let priorityWords = RequestField.mentioned(["priority", "urgent", "important", "asap", "critical"])
    static let notesWords = RequestField.mentioned(["note", "notes", "details", "detail", "comment"])

    /// A `due` argument as a day and maybe a time: phrases are resolved against the clock.
    static func moment(_ arguments: JSONValue, _ key: String, _ context: ToolContext) throws(ToolError) -> DueMoment? {
        guard let phrase = arguments.string(key) else { return nil }
        guard let moment = context.dates.moment(phrase, now: context.now()) else {
            throw ToolError("argument \(key): cannot tell when \"\(phrase)\" is")
        }
        return moment
    }

    /// The title the model wrote, refused when it is a tool's name or description.
    static func title(_ arguments: JSONValue) throws(ToolError) -> String? {
        guard let title = arguments.string("title") else { return nil }
        if let problem = FreeText.titleProblem(title, tools: ToolRegistry.builtIn.tools) {
            throw ToolError("argument title: \(problem); write the task itself in a few words")
        }
        return FreeText.withoutRepetition(title)
    }

    /// Free-text notes, cut where they start repeating.
    static func notes(_ arguments: JSONValue) -> String? {
        arguments.string("notes").map(FreeText.withoutRepetition)
    }

    /// `task 3 “Pay rent”, due 2026-12-01 17:00`
    static func describe(_ task: JSONValue?) -> String {
        guard let task else { return "the task" }
        let time = task["time"]?.stringValue.map { " " + $0 } ?? ""
        let due = task["due"]?.stringValue.map { ", due \($0)\(time)" } ?? ""
        return "task \(task["id"]?.intValue ?? 0) “\(task["title"]?.stringValue ?? "")”\(due)"
    }

    static func json(_ task: TaskRecord) -> JSONValue {
        var members: [JSONValue.Member] = [.init("id", .number(Double(task.id))), .init("title", .string(task.title))]
        if let due = task.due { members.append(.init("due", .string(due))) }
        if let time = task.dueTime { members.append(.init("time", .string(time))) }
        members.append(.init("priority", .number(Double(task.priority))))
        members.append(.init("status", .string(task.status.rawValue)))
        if let notes = task.notes { members.append(.init("notes", .string(notes))) }
        return .object(members)
    }

    /// The task a call names, or the error the model reads when there is none.
    static func existing(_ arguments: JSONValue, _ context: ToolContext) async throws(ToolError) -> TaskRecord {
        do {
            return try await context.store.task(arguments.int("id") ?? 0)
        } catch {
            throw .store(error)
        }
    }

    /// `task 3 “Pay rent”, due Tue 1 Dec 17:00` for a question to the user.
    static func naming(_ task: TaskRecord, timeZone: TimeZone) -> String {
        "task \(task.id) “\(task.title)”" + (task.due.map { ", due " + HumanDate.day($0, timeZone: timeZone) } ?? "")
            + (task.dueTime.map { " " + $0 } ?? "")
    }

    struct Add: Tool {
        let name = "tasks_add"
        let description = "Add a task to the user's list."
        let hints = ["add", "remind", "schedule", "put", "todo", "to-do", "need to", "have to", "don't forget"]
        let permission = ToolPermission.write
        let requestArguments: [String: RequestField] = [
            "due": .moment, "title": .taskTitle, "priority": TaskTools.priorityWords, "notes": TaskTools.notesWords,
        ]
        let arguments = JSONSchema.object([
            .init("title", TaskTools.title, description: "what to do, short"),
            .init("due", .day, required: false, description: "the day it is due"),
            .init("priority", TaskTools.priority, required: false, description: "0 none, 3 highest"),
            .init("notes", TaskTools.notes, required: false),
        ])

        func summary(of result: JSONValue) -> String {
            "Added " + TaskTools.describe(result["added"]) + "."
        }

        func call(_ arguments: JSONValue, context: ToolContext) async throws(ToolError) -> JSONValue {
            let due = try TaskTools.moment(arguments, "due", context)
            let title = try TaskTools.title(arguments) ?? ""
            do {
                let task = try await context.store.addTask(
                    title: title, notes: TaskTools.notes(arguments), due: due?.day, dueTime: due?.time,
                    priority: arguments.int("priority") ?? 0, origin: context.origin)
                return .object(["added": TaskTools.json(task)])
            } catch {
                throw .store(error)
            }
        }
    }

    struct List: Tool {
        let name = "tasks_list"
        let description = "List the user's tasks, earliest due first."
        let hints = ["what", "which", "show", "have", "tasks", "agenda"]
        let permission = ToolPermission.read
        let requestArguments: [String: RequestField] = ["due_before": .moment]
        let arguments = JSONSchema.object([
            .init("status", .oneOf(["open", "done", "all"]), required: false, description: "open by default"),
            .init("due_before", .day, required: false, description: "only tasks due before this day"),
        ])

        func summary(of result: JSONValue) -> String {
            let tasks = result["tasks"]?.arrayValue ?? []
            return tasks.isEmpty ? "No tasks." : tasks.map { "• " + TaskTools.describe($0) }.joined(separator: "\n")
        }

        func call(_ arguments: JSONValue, context: ToolContext) async throws(ToolError) -> JSONValue {
            let status: TaskRecord.Status? = switch arguments.string("status") {
            case "done": .done
            case "all": nil
            default: .open
            }
            let dueBefore = try TaskTools.moment(arguments, "due_before", context)
            do {
                let tasks = try await context.store.tasks(status: status, dueBefore: dueBefore?.day)
                return .object(["count": .number(Double(tasks.count)), "tasks": .array(tasks.prefix(50).map(TaskTools.json))])
            } catch {
                throw .store(error)
            }
        }
    }

    struct Update: Tool {
        let name = "tasks_update"
        let description = "Change a task's title, due day, priority or notes."
        let hints = ["change", "move", "update", "rename", "postpone", "reschedule", "due date"]
        let permission = ToolPermission.write
        let requestArguments: [String: RequestField] = [
            "id": .recordNumber, "due": .moment, "title": .mentioned(["rename", "title", "call it", "name it", "reword"]),
            "priority": TaskTools.priorityWords, "notes": TaskTools.notesWords,
        ]
        let arguments = JSONSchema.object([
            TaskTools.id,
            .init("title", TaskTools.title, required: false),
            .init("due", .day, required: false),
            .init("priority", TaskTools.priority, required: false),
            .init("notes", TaskTools.notes, required: false),
        ])

        func summary(of result: JSONValue) -> String {
            "Changed " + TaskTools.describe(result["updated"]) + "."
        }

        func precheck(_ arguments: JSONValue, context: ToolContext) async throws(ToolError) {
            _ = try await TaskTools.existing(arguments, context)
        }

        func call(_ arguments: JSONValue, context: ToolContext) async throws(ToolError) -> JSONValue {
            let due = try TaskTools.moment(arguments, "due", context)
            var edit = TaskEdit(title: try TaskTools.title(arguments), priority: arguments.int("priority"))
            if let notes = TaskTools.notes(arguments) { edit.notes = .some(notes) }
            if let due {
                edit.due = .some(due.day)
                edit.dueTime = .some(due.time)
            }
            do {
                let task = try await context.store.updateTask(arguments.int("id") ?? 0, edit, origin: context.origin)
                return .object(["updated": TaskTools.json(task)])
            } catch {
                throw .store(error)
            }
        }
    }

    struct Complete: Tool {
        let name = "tasks_complete"
        let description = "Mark a task as done."
        let requestArguments: [String: RequestField] = ["id": .recordNumber]
        let hints = ["done", "complete", "finish", "mark", "finished", "tick off", "check off", "cross off"]
        let permission = ToolPermission.write
        let arguments = JSONSchema.object([TaskTools.id])

        func summary(of result: JSONValue) -> String {
            "Marked " + TaskTools.describe(result["completed"]) + " as done."
        }

        func precheck(_ arguments: JSONValue, context: ToolContext) async throws(ToolError) {
            _ = try await TaskTools.existing(arguments, context)
        }

        func call(_ arguments: JSONValue, context: ToolContext) async throws(ToolError) -> JSONValue {
            do {
                let task = try await context.store.completeTask(arguments.int("id") ?? 0, origin: context.origin)
                return .object(["completed": TaskTools.json(task)])
            } catch {
                throw .store(error)
            }
        }
    }

    struct Delete: Tool {
        let name = "tasks_delete"
        let description = "Delete a task for good."
        let requestArguments: [String: RequestField] = ["id": .recordNumber]
        let hints = ["delete", "remove", "drop", "cancel", "get rid of", "erase", "scrap", "throw away"]
        let permission = ToolPermission.destructive
        let arguments = JSONSchema.object([TaskTools.id])

        func summary(of result: JSONValue) -> String {
            "Deleted " + TaskTools.describe(result["deleted"]) + "."
        }

        func precheck(_ arguments: JSONValue, context: ToolContext) async throws(ToolError) {
            _ = try await TaskTools.existing(arguments, context)
        }

        func approvalReason(for arguments: JSONValue, context: ToolContext) async -> String? {
            guard let task = try? await TaskTools.existing(arguments, context) else { return "Delete a task?" }
            return "Delete " + TaskTools.naming(task, timeZone: context.timeZone) + "?"
        }

        func call(_ arguments: JSONValue, context: ToolContext) async throws(ToolError) -> JSONValue {
            do {
                let task = try await context.store.deleteTask(arguments.int("id") ?? 0, origin: context.origin)
                return .object(["deleted": TaskTools.json(task)])
            } catch {
                throw .store(error)
            }
        }
    }
}
