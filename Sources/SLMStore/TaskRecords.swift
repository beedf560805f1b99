import Foundation

/// A personal task (the planner agent's tool state).
public struct TaskRecord: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable { case open, done }

    public let id: Int
    public var title: String
    public var notes: String?
    /// An ISO 8601 date or date-time, as the clock tool resolved it.
    public var due: String?
    public var priority: Int
    public var status: Status
    public let createdAt: Date
    public var updatedAt: Date
    public var completedAt: Date?
}

extension Store {
    public func addTask(title: String, notes: String? = nil, due: String? = nil, priority: Int = 0)
        throws(StoreError) -> TaskRecord
    {
        let now = Date().timeIntervalSince1970
        let id = try write { () throws(SQLiteError) -> Int in
            try database.statement("""
                INSERT INTO tasks (title, notes, due, priority, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
                """).run([.text(title), .text(notes), .text(due), .integer(Int64(priority)), .real(now), .real(now)])
            return database.lastInsertedID
        }
        return try task(id)
    }

    public func task(_ id: Int) throws(StoreError) -> TaskRecord {
        guard let task = try tasks(where: "id = ?", [.integer(Int64(id))]).first else { throw .notFound("task \(id)") }
        return task
    }

    /// Tasks, optionally only open or done ones, optionally due before a date; earliest due first.
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

    /// Changes a task's fields; nil leaves a field as it is.
    public func updateTask(_ id: Int, title: String? = nil, notes: String? = nil, due: String? = nil, priority: Int? = nil)
        throws(StoreError) -> TaskRecord
    {
        try write { () throws(SQLiteError) in
            try database.statement("""
                UPDATE tasks SET title = COALESCE(?, title), notes = COALESCE(?, notes), due = COALESCE(?, due),
                       priority = COALESCE(?, priority), updated_at = ? WHERE id = ?
                """).run([.text(title), .text(notes), .text(due), .integer(priority),
                          .real(Date().timeIntervalSince1970), .integer(Int64(id))])
        }
        return try task(id)
    }

    public func completeTask(_ id: Int) throws(StoreError) -> TaskRecord {
        let now = Date().timeIntervalSince1970
        try write { () throws(SQLiteError) in
            try database.statement("UPDATE tasks SET status = 'done', completed_at = ?, updated_at = ? WHERE id = ?")
                .run([.real(now), .real(now), .integer(Int64(id))])
        }
        return try task(id)
    }

    public func deleteTask(_ id: Int) throws(StoreError) {
        try write { () throws(SQLiteError) in
            try database.statement("DELETE FROM tasks WHERE id = ?").run([.integer(Int64(id))])
        }
        guard database.changes > 0 else { throw .notFound("task \(id)") }
    }

    private func tasks(where condition: String, _ values: [SQLValue]) throws(StoreError) -> [TaskRecord] {
        try read { () throws(SQLiteError) in
            try database.statement("""
                SELECT id, title, notes, due, priority, status, created_at, updated_at, completed_at FROM tasks
                WHERE \(condition) ORDER BY due IS NULL, due, priority DESC, id
                """).rows(values).map { row in
                TaskRecord(id: row.int(0) ?? 0, title: row.string(1) ?? "", notes: row.string(2), due: row.string(3),
                           priority: row.int(4) ?? 0, status: TaskRecord.Status(rawValue: row.string(5) ?? "") ?? .open,
                           createdAt: Store.date(row, 6), updatedAt: Store.date(row, 7),
                           completedAt: row.double(8).map(Date.init(timeIntervalSince1970:)))
            }
        }
    }
}
