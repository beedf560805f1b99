import Foundation

/// A personal task (the planner agent's tool state).
public struct TaskRecord: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable { case open, done }

    public let id: Int
    public var title: String
    public var notes: String?
    /// The day it is due, `yyyy-MM-dd`.
    public var due: String?
    /// The time of day it is due, `HH:mm` (only with a day).
    public var dueTime: String?
    public var priority: Int
    public var status: Status
    public let createdAt: Date
    public var updatedAt: Date
    public var completedAt: Date?
}

/// Changes to a task's fields: nil leaves a field as it is; for the fields that can be
/// empty, `.some(nil)` clears it.
public struct TaskEdit: Sendable, Equatable {
    public var title: String?
    public var notes: String??
    public var due: String??
    public var dueTime: String??
    public var priority: Int?

    public init(title: String? = nil, notes: String?? = nil, due: String?? = nil, dueTime: String?? = nil,
                priority: Int? = nil) {
        self.title = title
        self.notes = notes
        self.due = due
        self.dueTime = dueTime
        self.priority = priority
    }
}

extension Store {
    /// Adds a task; journaled as made by `origin`.
    public func addTask(
        title: String, notes: String? = nil, due: String? = nil, dueTime: String? = nil, priority: Int = 0,
        origin: ChangeOrigin = .user
    ) throws(StoreError) -> TaskRecord {
        let now = Date().timeIntervalSince1970
        let id = try journaled(.task, nil, action: .added, origin: origin) { () throws(SQLiteError) -> Int in
            try database.statement("""
                INSERT INTO tasks (title, notes, due, due_time, priority, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                """).run([.text(title), .text(notes), .text(due), .text(due == nil ? nil : dueTime),
                          .integer(Int64(priority)), .real(now), .real(now)])
            return database.lastInsertedID
        }
        return try task(id)
    }

    public func task(_ id: Int) throws(StoreError) -> TaskRecord {
        guard let task = try tasks(where: "id = ?", [.integer(Int64(id))]).first else { throw .notFound("task \(id)") }
        return task
    }

    /// Tasks, optionally only open or done ones, optionally due before a day; by due day and
    /// time (a day's untimed tasks first), then priority, undated ones last.
    public func tasks(status: TaskRecord.Status? = nil, dueBefore: String? = nil) throws(StoreError) -> [TaskRecord] {
        var conditions = ["1"]
        var values: [SQLValue] = []
        if let status {
            conditions.append("status = ?")
            values.append(.text(status.rawValue))
        }
        if let dueBefore {
            conditions.append("due IS NOT NULL AND due < ?")
            values.append(.text(dueBefore))
        }
        return try tasks(where: conditions.joined(separator: " AND "), values)
    }

    /// Open tasks due by `day` (`yyyy-MM-dd`) at `time` (`HH:mm`): overdue ones, those due
    /// that day with no time, and those whose time has come.
    public func dueTasks(day: String, time: String) throws(StoreError) -> [TaskRecord] {
        try tasks(where: "status = 'open' AND (due < ? OR (due = ? AND (due_time IS NULL OR due_time <= ?)))",
                  [.text(day), .text(day), .text(time)])
    }

    /// Changes a task's fields as `edit` says; journaled as made by `origin`.
    public func updateTask(_ id: Int, _ edit: TaskEdit, origin: ChangeOrigin = .user) throws(StoreError) -> TaskRecord {
        let current = try task(id)
        let due = edit.due ?? current.due
        // a time needs a day: clearing the day clears the time
        let dueTime = due == nil ? nil : edit.dueTime ?? current.dueTime
        try journaled(.task, id, action: .edited, origin: origin) { () throws(SQLiteError) -> Int in
            try database.statement("""
                UPDATE tasks SET title = ?, notes = ?, due = ?, due_time = ?, priority = ?, updated_at = ? WHERE id = ?
                """).run([.text(edit.title ?? current.title), .text(edit.notes ?? current.notes), .text(due),
                          .text(dueTime), .integer(edit.priority ?? current.priority),
                          .real(Date().timeIntervalSince1970), .integer(Int64(id))])
            return id
        }
        return try task(id)
    }

    /// Marks a task done; journaled as made by `origin`.
    public func completeTask(_ id: Int, origin: ChangeOrigin = .user) throws(StoreError) -> TaskRecord {
        let now = Date().timeIntervalSince1970
        try journaled(.task, id, action: .completed, origin: origin) { () throws(SQLiteError) -> Int in
            try database.statement("UPDATE tasks SET status = 'done', completed_at = ?, updated_at = ? WHERE id = ?")
                .run([.real(now), .real(now), .integer(Int64(id))])
            return id
        }
        return try task(id)
    }

    /// Marks a done task open again; journaled as made by `origin`.
    public func reopenTask(_ id: Int, origin: ChangeOrigin = .user) throws(StoreError) -> TaskRecord {
        try journaled(.task, id, action: .reopened, origin: origin) { () throws(SQLiteError) -> Int in
            try database.statement("UPDATE tasks SET status = 'open', completed_at = NULL, updated_at = ? WHERE id = ?")
                .run([.real(Date().timeIntervalSince1970), .integer(Int64(id))])
            return id
        }
        return try task(id)
    }

    /// Deletes a task (journaled as made by `origin`, so it can be undone) and returns it as it was.
    @discardableResult
    public func deleteTask(_ id: Int, origin: ChangeOrigin = .user) throws(StoreError) -> TaskRecord {
        let deleted = try task(id)
        try journaled(.task, id, action: .deleted, origin: origin) { () throws(SQLiteError) -> Int in
            try database.statement("DELETE FROM tasks WHERE id = ?").run([.integer(Int64(id))])
            return id
        }
        return deleted
    }

    private func tasks(where condition: String, _ values: [SQLValue]) throws(StoreError) -> [TaskRecord] {
        try read { () throws(SQLiteError) in
            try database.statement("""
                SELECT id, title, notes, due, due_time, priority, status, created_at, updated_at, completed_at FROM tasks
                WHERE \(condition) ORDER BY due IS NULL, due, due_time IS NOT NULL, due_time, priority DESC, id
                """).rows(values).map { row in
                TaskRecord(id: row.int(0) ?? 0, title: row.string(1) ?? "", notes: row.string(2), due: row.string(3),
                           dueTime: row.string(4), priority: row.int(5) ?? 0,
                           status: TaskRecord.Status(rawValue: row.string(6) ?? "") ?? .open,
                           createdAt: Store.date(row, 7), updatedAt: Store.date(row, 8),
                           completedAt: row.double(9).map(Date.init(timeIntervalSince1970:)))
            }
        }
    }
}
