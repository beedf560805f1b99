import SLMEngine
import SLMStore

/// The planner's task tools: add, list, update, complete, delete.
enum TaskTools {
    static let all: [any Tool] = [Add(), List(), Update(), Complete(), Delete()]

    static let title = JSONSchema.text(1...120)
    static let notes = JSONSchema.text(0...500)
    static let priority = JSONSchema.integer(minimum: 0, maximum: 3)
    static let id = JSONSchema.Property("id", .integer(minimum: 1), description: "the task's number")

    /// A `day` argument as a date: phrases are resolved against the clock.
    static func date(_ arguments: JSONValue, _ key: String, _ context: ToolContext) throws(ToolError) -> String? {
        guard let day = arguments.string(key) else { return nil }
        guard let date = DateResolver(timeZone: context.timeZone).resolve(day, now: context.now()) else {
            throw ToolError("argument \(key): cannot tell which day \"\(day)\" is")
        }
        return date
    }

    /// `task 3 “Pay rent”, due 2026-12-01`
    static func describe(_ task: JSONValue?) -> String {
        guard let task else { return "the task" }
        let due = task["due"]?.stringValue.map { ", due \($0)" } ?? ""
        return "task \(task["id"]?.intValue ?? 0) “\(task["title"]?.stringValue ?? "")”\(due)"
    }

    static func json(_ task: TaskRecord) -> JSONValue {
        var members: [JSONValue.Member] = [.init("id", .number(Double(task.id))), .init("title", .string(task.title))]
        if let due = task.due { members.append(.init("due", .string(due))) }
        members.append(.init("priority", .number(Double(task.priority))))
        members.append(.init("status", .string(task.status.rawValue)))
        if let notes = task.notes { members.append(.init("notes", .string(notes))) }
        return .object(members)
    }

    struct Add: Tool {
        let name = "tasks_add"
        let description = "Add a task to the user's list."
        let hints = ["add", "remind", "schedule", "put", "todo", "to-do", "need to", "have to", "don't forget"]
        let permission = ToolPermission.write
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
            let due = try TaskTools.date(arguments, "due", context)
            do {
                let task = try await context.store.addTask(
                    title: arguments.string("title") ?? "", notes: arguments.string("notes"), due: due,
                    priority: arguments.int("priority") ?? 0)
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
            let dueBefore = try TaskTools.date(arguments, "due_before", context)
            do {
                let tasks = try await context.store.tasks(status: status, dueBefore: dueBefore)
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

        func call(_ arguments: JSONValue, context: ToolContext) async throws(ToolError) -> JSONValue {
            let due = try TaskTools.date(arguments, "due", context)
            do {
                let task = try await context.store.updateTask(
                    arguments.int("id") ?? 0, title: arguments.string("title"), notes: arguments.string("notes"),
                    due: due, priority: arguments.int("priority"))
                return .object(["updated": TaskTools.json(task)])
            } catch {
                throw .store(error)
            }
        }
    }

    struct Complete: Tool {
        let name = "tasks_complete"
        let description = "Mark a task as done."
        let hints = ["done", "complete", "finish", "mark", "finished"]
        let permission = ToolPermission.write
        let arguments = JSONSchema.object([TaskTools.id])

        func summary(of result: JSONValue) -> String {
            "Marked " + TaskTools.describe(result["completed"]) + " as done."
        }

        func call(_ arguments: JSONValue, context: ToolContext) async throws(ToolError) -> JSONValue {
            do {
                return .object(["completed": TaskTools.json(try await context.store.completeTask(arguments.int("id") ?? 0))])
            } catch {
                throw .store(error)
            }
        }
    }

    struct Delete: Tool {
        let name = "tasks_delete"
        let description = "Delete a task for good."
        let hints = ["delete", "remove", "drop", "cancel"]
        let permission = ToolPermission.destructive
        let arguments = JSONSchema.object([TaskTools.id])

        func summary(of result: JSONValue) -> String {
            "Deleted task \(result["deleted"]?.intValue ?? 0)."
        }

        func call(_ arguments: JSONValue, context: ToolContext) async throws(ToolError) -> JSONValue {
            let id = arguments.int("id") ?? 0
            do {
                try await context.store.deleteTask(id)
                return .object(["deleted": .number(Double(id))])
            } catch {
                throw .store(error)
            }
        }
    }
}
