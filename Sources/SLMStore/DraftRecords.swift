import Foundation

/// An email draft (the writer agent's tool state).
public struct DraftRecord: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable { case draft, exported }

    public let id: Int
    public var recipients: String
    public var cc: String
    public var subject: String
    public var body: String
    public var status: Status
    public let createdAt: Date
    public var updatedAt: Date
}

extension Store {
    public func createDraft(recipients: String, cc: String = "", subject: String, body: String)
        throws(StoreError) -> DraftRecord
    {
        let now = Date().timeIntervalSince1970
        let id = try write { () throws(SQLiteError) -> Int in
            try database.statement("""
                INSERT INTO drafts (recipients, cc, subject, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
                """).run([.text(recipients), .text(cc), .text(subject), .text(body), .real(now), .real(now)])
            return database.lastInsertedID
        }
        return try draft(id)
    }

    public func draft(_ id: Int) throws(StoreError) -> DraftRecord {
        guard let draft = try drafts(where: "id = ?", [.integer(Int64(id))]).first else { throw .notFound("draft \(id)") }
        return draft
    }

    /// Drafts, newest first, optionally only those in one state.
    public func drafts(status: DraftRecord.Status? = nil) throws(StoreError) -> [DraftRecord] {
        if let status { return try drafts(where: "status = ?", [.text(status.rawValue)]) }
        return try drafts(where: "1", [])
    }

    /// Changes a draft; nil leaves a field as it is.
    public func reviseDraft(
        _ id: Int, recipients: String? = nil, cc: String? = nil, subject: String? = nil, body: String? = nil,
        status: DraftRecord.Status? = nil
    ) throws(StoreError) -> DraftRecord {
        try write { () throws(SQLiteError) in
            try database.statement("""
                UPDATE drafts SET recipients = COALESCE(?, recipients), cc = COALESCE(?, cc),
                       subject = COALESCE(?, subject), body = COALESCE(?, body), status = COALESCE(?, status),
                       updated_at = ? WHERE id = ?
                """).run([.text(recipients), .text(cc), .text(subject), .text(body), .text(status?.rawValue),
                          .real(Date().timeIntervalSince1970), .integer(Int64(id))])
        }
        return try draft(id)
    }

    public func deleteDraft(_ id: Int) throws(StoreError) {
        try write { () throws(SQLiteError) in
            try database.statement("DELETE FROM drafts WHERE id = ?").run([.integer(Int64(id))])
        }
        guard database.changes > 0 else { throw .notFound("draft \(id)") }
    }

    private func drafts(where condition: String, _ values: [SQLValue]) throws(StoreError) -> [DraftRecord] {
        try read { () throws(SQLiteError) in
            try database.statement("""
                SELECT id, recipients, cc, subject, body, status, created_at, updated_at FROM drafts
                WHERE \(condition) ORDER BY updated_at DESC, id DESC
                """).rows(values).map { row in
                DraftRecord(id: row.int(0) ?? 0, recipients: row.string(1) ?? "", cc: row.string(2) ?? "",
                            subject: row.string(3) ?? "", body: row.string(4) ?? "",
                            status: DraftRecord.Status(rawValue: row.string(5) ?? "") ?? .draft,
                            createdAt: Store.date(row, 6), updatedAt: Store.date(row, 7))
            }
        }
    }
}
