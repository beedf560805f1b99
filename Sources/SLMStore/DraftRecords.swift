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
    /// When the user marked it sent.
    public var sentAt: Date?
}

extension Store {
    /// Stores a new draft; journaled as made by `origin`.
    public func createDraft(recipients: String, cc: String = "", subject: String, body: String,
                            origin: ChangeOrigin = .user) throws(StoreError) -> DraftRecord
    {
        let now = Date().timeIntervalSince1970
        let id = try journaled(.draft, nil, action: .added, origin: origin) { () throws(SQLiteError) -> Int in
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

    /// Changes a draft; nil leaves a field as it is. Journaled as made by `origin` (an
    /// export when the status becomes `exported`).
    public func reviseDraft(
        _ id: Int, recipients: String? = nil, cc: String? = nil, subject: String? = nil, body: String? = nil,
        status: DraftRecord.Status? = nil, origin: ChangeOrigin = .user
    ) throws(StoreError) -> DraftRecord {
        let action: ChangeAction = status == .exported ? .exported : .edited
        try journaled(.draft, id, action: action, origin: origin) { () throws(SQLiteError) -> Int in
            try database.statement("""
                UPDATE drafts SET recipients = COALESCE(?, recipients), cc = COALESCE(?, cc),
                       subject = COALESCE(?, subject), body = COALESCE(?, body), status = COALESCE(?, status),
                       updated_at = ? WHERE id = ?
                """).run([.text(recipients), .text(cc), .text(subject), .text(body), .text(status?.rawValue),
                          .real(Date().timeIntervalSince1970), .integer(Int64(id))])
            return id
        }
        return try draft(id)
    }

    /// Marks a draft sent (or, with `sent` false, not sent); journaled as made by `origin`.
    public func markDraftSent(_ id: Int, sent: Bool = true, origin: ChangeOrigin = .user) throws(StoreError) -> DraftRecord {
        try journaled(.draft, id, action: sent ? .sent : .edited, origin: origin) { () throws(SQLiteError) -> Int in
            let now = Date().timeIntervalSince1970
            try database.statement("UPDATE drafts SET sent_at = ?, updated_at = ? WHERE id = ?")
                .run([sent ? .real(now) : .null, .real(now), .integer(Int64(id))])
            return id
        }
        return try draft(id)
    }

    /// Deletes a draft (journaled as made by `origin`, so it can be undone) and returns it as it was.
    @discardableResult
    public func deleteDraft(_ id: Int, origin: ChangeOrigin = .user) throws(StoreError) -> DraftRecord {
        let deleted = try draft(id)
        try journaled(.draft, id, action: .deleted, origin: origin) { () throws(SQLiteError) -> Int in
            try database.statement("DELETE FROM drafts WHERE id = ?").run([.integer(Int64(id))])
            return id
        }
        return deleted
    }

    private func drafts(where condition: String, _ values: [SQLValue]) throws(StoreError) -> [DraftRecord] {
        try read { () throws(SQLiteError) in
            try database.statement("""
                SELECT id, recipients, cc, subject, body, status, created_at, updated_at, sent_at FROM drafts
                WHERE \(condition) ORDER BY updated_at DESC, id DESC
                """).rows(values).map { row in
                DraftRecord(id: row.int(0) ?? 0, recipients: row.string(1) ?? "", cc: row.string(2) ?? "",
                            subject: row.string(3) ?? "", body: row.string(4) ?? "",
                            status: DraftRecord.Status(rawValue: row.string(5) ?? "") ?? .draft,
                            createdAt: Store.date(row, 6), updatedAt: Store.date(row, 7),
                            sentAt: row.double(8).map(Date.init(timeIntervalSince1970:)))
            }
        }
    }
}
