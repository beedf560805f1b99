import Foundation

/// A note the user asked the assistant to keep.
public struct NoteRecord: Sendable, Equatable, Codable {
    public let id: Int
    public var text: String
    public let createdAt: Date
}

extension Store {
    public func addNote(_ text: String) throws(StoreError) -> NoteRecord {
        let now = Date()
        let id = try write { () throws(SQLiteError) -> Int in
            try database.statement("INSERT INTO notes (text, created_at, updated_at) VALUES (?, ?, ?)")
                .run([.text(text), .real(now.timeIntervalSince1970), .real(now.timeIntervalSince1970)])
            return database.lastInsertedID
        }
        return NoteRecord(id: id, text: text, createdAt: now)
    }

    public func deleteNote(_ id: Int) throws(StoreError) {
        try write { () throws(SQLiteError) in
            try database.statement("DELETE FROM notes WHERE id = ?").run([.integer(Int64(id))])
        }
        guard database.changes > 0 else { throw .notFound("note \(id)") }
    }

    /// Notes containing every word of `text` (case-insensitive), newest first; all notes when empty.
    public func notes(matching text: String = "", limit: Int = 50) throws(StoreError) -> [NoteRecord] {
        let words = text.split(whereSeparator: { $0.isWhitespace }).map(String.init)
        let condition = words.isEmpty ? "1" : words.map { _ in "text LIKE ? ESCAPE '\\'" }.joined(separator: " AND ")
        let values: [SQLValue] = words.map { word in
            let escaped = word.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
            return .text("%" + escaped + "%")
        }
        return try read { () throws(SQLiteError) in
            try database.statement("SELECT id, text, created_at FROM notes WHERE \(condition) ORDER BY id DESC LIMIT ?")
                .rows(values + [.integer(Int64(limit))]).map { row in
                    NoteRecord(id: row.int(0) ?? 0, text: row.string(1) ?? "", createdAt: Store.date(row, 2))
                }
        }
    }
}
