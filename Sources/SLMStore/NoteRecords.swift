import Foundation

/// A note the user asked the assistant to keep.
public struct NoteRecord: Sendable, Equatable, Codable {
    public let id: Int
    public var text: String
    public let createdAt: Date
}

extension Store {
    /// Keeps a note; journaled as made by `origin`.
    public func addNote(_ text: String, origin: ChangeOrigin = .user) throws(StoreError) -> NoteRecord {
        let now = Date().timeIntervalSince1970
        let id = try journaled(.note, nil, action: .added, origin: origin) { () throws(SQLiteError) -> Int in
            try database.statement("INSERT INTO notes (text, created_at, updated_at) VALUES (?, ?, ?)")
                .run([.text(text), .real(now), .real(now)])
            return database.lastInsertedID
        }
        return try note(id)
    }

    public func note(_ id: Int) throws(StoreError) -> NoteRecord {
        let rows = try read { () throws(SQLiteError) in
            try database.statement("SELECT id, text, created_at FROM notes WHERE id = ?").rows([.integer(Int64(id))])
        }
        guard let row = rows.first else { throw .notFound("note \(id)") }
        return NoteRecord(id: row.int(0) ?? 0, text: row.string(1) ?? "", createdAt: Store.date(row, 2))
    }

    /// Replaces a note's text; journaled as made by `origin`.
    public func updateNote(_ id: Int, text: String, origin: ChangeOrigin = .user) throws(StoreError) -> NoteRecord {
        try journaled(.note, id, action: .edited, origin: origin) { () throws(SQLiteError) -> Int in
            try database.statement("UPDATE notes SET text = ?, updated_at = ? WHERE id = ?")
                .run([.text(text), .real(Date().timeIntervalSince1970), .integer(Int64(id))])
            return id
        }
        return try note(id)
    }

    /// Deletes a note (journaled as made by `origin`, so it can be undone) and returns it as it was.
    @discardableResult
    public func deleteNote(_ id: Int, origin: ChangeOrigin = .user) throws(StoreError) -> NoteRecord {
        let deleted = try note(id)
        try journaled(.note, id, action: .deleted, origin: origin) { () throws(SQLiteError) -> Int in
            try database.statement("DELETE FROM notes WHERE id = ?").run([.integer(Int64(id))])
            return id
        }
        return deleted
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
