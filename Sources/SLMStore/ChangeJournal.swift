import Foundation

/// The kind of record a journaled change touched, with the table that holds it.
public enum RecordKind: String, Sendable, Codable, CaseIterable {
    case task, draft, note

    var table: String {
        switch self {
        case .task: "tasks"
        case .draft: "drafts"
        case .note: "notes"
        }
    }

    /// Every column, the id first: a snapshot holds their values in this order.
    var columns: [String] {
        switch self {
        case .task: ["id", "title", "notes", "due", "due_time", "priority", "status", "created_at", "updated_at",
                     "completed_at"]
        case .draft: ["id", "recipients", "cc", "subject", "body", "status", "created_at", "updated_at", "sent_at"]
        case .note: ["id", "text", "created_at", "updated_at"]
        }
    }

    /// The column that names the record to a person.
    var labelColumn: String {
        switch self {
        case .task: "title"
        case .draft: "subject"
        case .note: "text"
        }
    }
}

/// What a change did to its record.
public enum ChangeAction: String, Sendable, Codable {
    case added, edited, completed, reopened, deleted, exported, sent
}

/// Who made a change: the user (a view, the command line) or the agent in a turn.
public struct ChangeOrigin: Sendable, Equatable {
    public enum Source: String, Sendable, Codable { case agent, user }

    public let source: Source
    public let conversationID: Int?
    public let toolCallID: Int?

    public init(source: Source, conversationID: Int? = nil, toolCallID: Int? = nil) {
        self.source = source
        self.conversationID = conversationID
        self.toolCallID = toolCallID
    }

    /// A change the user made by hand.
    public static let user = ChangeOrigin(source: .user)
}

/// One journaled change: which record, what was done, in words, and whether it was undone.
public struct ChangeRecord: Sendable, Equatable {
    public let id: Int
    public let kind: RecordKind
    public let recordID: Int
    public let action: ChangeAction
    /// `deleted task 3 “Pay rent”`
    public let summary: String
    public let origin: ChangeOrigin
    public let createdAt: Date
    public let undoneAt: Date?
}

/// A record's column values at one moment, in `RecordKind.columns` order; kept as JSON.
struct RecordSnapshot: Codable, Equatable {
    enum Value: Codable, Equatable {
        case null, integer(Int64), real(Double), text(String)

        init(_ value: SQLValue) {
            switch value {
            case .null, .blob: self = .null
            case .integer(let number): self = .integer(number)
            case .real(let number): self = .real(number)
            case .text(let text): self = .text(text)
            }
        }

        var sqlValue: SQLValue {
            switch self {
            case .null: .null
            case .integer(let number): .integer(number)
            case .real(let number): .real(number)
            case .text(let text): .text(text)
            }
        }

        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                self = .null
            } else if let text = try? container.decode(String.self) {
                self = .text(text)
            } else if let number = try? container.decode(Int64.self) {
                self = .integer(number)
            } else {
                self = .real(try container.decode(Double.self))
            }
        }

        func encode(to encoder: Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .null: try container.encodeNil()
            case .integer(let number): try container.encode(number)
            case .real(let number): try container.encode(number)
            case .text(let text): try container.encode(text)
            }
        }

        /// Equal as SQLite compares them: a whole real equals the integer (JSON keeps no difference).
        static func == (left: Value, right: Value) -> Bool {
            switch (left, right) {
            case (.null, .null): true
            case (.text(let a), .text(let b)): a == b
            case (.integer(let a), .integer(let b)): a == b
            case (.integer(let a), .real(let b)), (.real(let b), .integer(let a)): Double(a) == b
            case (.real(let a), .real(let b)): a == b
            default: false
            }
        }
    }

    let values: [Value]

    var json: String {
        (try? JSONEncoder().encode(values)).flatMap { String(data: $0, encoding: .utf8) } ?? "[]"
    }

    init(values: [Value]) { self.values = values }

    init?(json: String?) {
        guard let json, let values = try? JSONDecoder().decode([Value].self, from: Data(json.utf8)) else { return nil }
        self.values = values
    }
}

extension Store {
    // MARK: - Journaled writes

    /// Runs `body` (which writes record `id` of `kind`, or with no id adds one and returns
    /// its id) in one transaction with the journal entry that records the record before
    /// and after it. A missing record is `notFound` and changes nothing.
    @discardableResult
    func journaled(
        _ kind: RecordKind, _ id: Int?, action: ChangeAction, origin: ChangeOrigin,
        _ body: () throws(SQLiteError) -> Int
    ) throws(StoreError) -> Int {
        if let id, try read({ () throws(SQLiteError) in try snapshot(kind, id) }) == nil {
            throw .notFound("\(kind.rawValue) \(id)")
        }
        return try write { () throws(SQLiteError) -> Int in
            let before = try id.flatMap { id throws(SQLiteError) in try snapshot(kind, id) }
            let recordID = try body()
            let after = try snapshot(kind, recordID)
            let label = Self.label(kind, after ?? before)
            try database.statement("""
                INSERT INTO changes (kind, record_id, action, summary, before, after, source, conversation_id,
                                     tool_call_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).run([.text(kind.rawValue), .integer(Int64(recordID)), .text(action.rawValue),
                          .text("\(action.rawValue) \(kind.rawValue) \(recordID)\(label)"), .text(before?.json),
                          .text(after?.json), .text(origin.source.rawValue), .integer(origin.conversationID),
                          .integer(origin.toolCallID), .real(Date().timeIntervalSince1970)])
            return recordID
        }
    }

    /// The record's values now, or nil when it does not exist.
    private func snapshot(_ kind: RecordKind, _ id: Int) throws(SQLiteError) -> RecordSnapshot? {
        let rows = try database.statement("SELECT \(kind.columns.joined(separator: ", ")) FROM \(kind.table) WHERE id = ?")
            .rows([.integer(Int64(id))])
        return rows.first.map { row in RecordSnapshot(values: row.columns.map(RecordSnapshot.Value.init)) }
    }

    /// ` “Pay rent”`: the record's name for a summary, shortened; empty when it has none.
    private static func label(_ kind: RecordKind, _ snapshot: RecordSnapshot?) -> String {
        guard let index = kind.columns.firstIndex(of: kind.labelColumn), let snapshot, index < snapshot.values.count,
            case .text(let text) = snapshot.values[index]
        else { return "" }
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        guard !line.isEmpty else { return "" }
        return " “" + (line.count > 40 ? String(line.prefix(39)) + "…" : line) + "”"
    }

    // MARK: - Reading and undoing

    /// Journaled changes, newest first.
    public func changes(limit: Int = 50) throws(StoreError) -> [ChangeRecord] {
        try changes(where: "1", [], limit: limit)
    }

    public func change(_ id: Int) throws(StoreError) -> ChangeRecord {
        guard let change = try changes(where: "id = ?", [.integer(Int64(id))], limit: 1).first else {
            throw .notFound("change \(id)")
        }
        return change
    }

    /// Puts the record of change `id` (by default the newest change not yet undone) back as
    /// it was before, and marks the change undone. Refused, changing nothing, when the
    /// record changed again since (undo the later change first) or the change was undone.
    @discardableResult
    public func undoChange(_ id: Int? = nil) throws(StoreError) -> ChangeRecord {
        let target: ChangeRecord
        if let id {
            target = try change(id)
        } else {
            guard let newest = try changes(where: "undone_at IS NULL", [], limit: 1).first else {
                throw .cannotUndo("there is nothing to undo")
            }
            target = newest
        }
        guard target.undoneAt == nil else { throw .cannotUndo("change \(target.id) was already undone") }
        let kind = target.kind
        let states = try read { () throws(SQLiteError) in
            try database.statement("SELECT before, after FROM changes WHERE id = ?").rows([.integer(Int64(target.id))])
        }
        let before = RecordSnapshot(json: states.first?.string(0))
        let after = RecordSnapshot(json: states.first?.string(1))
        let current = try read { () throws(SQLiteError) in try snapshot(kind, target.recordID) }
        guard current == after else {
            throw .cannotUndo("\(kind.rawValue) \(target.recordID) changed after “\(target.summary)”; undo the later change first")
        }
        try write { () throws(SQLiteError) in
            if let before {
                let placeholders = Array(repeating: "?", count: kind.columns.count).joined(separator: ", ")
                try database.statement("""
                    INSERT OR REPLACE INTO \(kind.table) (\(kind.columns.joined(separator: ", "))) VALUES (\(placeholders))
                    """).run(before.values.map(\.sqlValue))
            } else {
                try database.statement("DELETE FROM \(kind.table) WHERE id = ?").run([.integer(Int64(target.recordID))])
            }
            try database.statement("UPDATE changes SET undone_at = ? WHERE id = ?")
                .run([.real(Date().timeIntervalSince1970), .integer(Int64(target.id))])
        }
        return try change(target.id)
    }

    private func changes(where condition: String, _ values: [SQLValue], limit: Int) throws(StoreError) -> [ChangeRecord] {
        try read { () throws(SQLiteError) in
            try database.statement("""
                SELECT id, kind, record_id, action, summary, source, conversation_id, tool_call_id, created_at, undone_at
                FROM changes WHERE \(condition) ORDER BY id DESC LIMIT ?
                """).rows(values + [.integer(Int64(limit))]).map { row in
                ChangeRecord(
                    id: row.int(0) ?? 0, kind: RecordKind(rawValue: row.string(1) ?? "") ?? .task, recordID: row.int(2) ?? 0,
                    action: ChangeAction(rawValue: row.string(3) ?? "") ?? .edited, summary: row.string(4) ?? "",
                    origin: ChangeOrigin(source: ChangeOrigin.Source(rawValue: row.string(5) ?? "") ?? .user,
                                         conversationID: row.int(6), toolCallID: row.int(7)),
                    createdAt: Store.date(row, 8), undoneAt: row.double(9).map(Date.init(timeIntervalSince1970:)))
            }
        }
    }
}
