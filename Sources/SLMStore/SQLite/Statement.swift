import CSQLite

/// A prepared statement, owned and finalized by this object. Text and blobs are bound with
/// their byte lengths, so NUL characters and any length round-trip exactly.
public final class Statement {
    let handle: OpaquePointer
    public let sql: String
    private unowned let database: Database

    init(database: Database, sql: String) throws(SQLiteError) {
        var statement: OpaquePointer?
        let status = sqlite3_prepare_v3(database.handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard status == SQLITE_OK, let statement else { throw database.error(status, sql: sql) }
        handle = statement
        self.sql = sql
        self.database = database
    }

    deinit { sqlite3_finalize(handle) }

    /// Runs the statement with `values` bound in order and returns every row.
    @discardableResult
    public func rows(_ values: [SQLValue] = []) throws(SQLiteError) -> [Row] {
        try bind(values)
        defer { sqlite3_reset(handle) }
        var rows: [Row] = []
        while true {
            let status = sqlite3_step(handle)
            if status == SQLITE_DONE { break }
            guard status == SQLITE_ROW else { throw database.error(status, sql: sql) }
            rows.append(Row(columns: (0..<sqlite3_column_count(handle)).map(column)))
        }
        return rows
    }

    /// Runs a statement that returns no rows.
    public func run(_ values: [SQLValue] = []) throws(SQLiteError) {
        try rows(values)
    }

    private func bind(_ values: [SQLValue]) throws(SQLiteError) {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let status: Int32
            switch value {
            case .null: status = sqlite3_bind_null(handle, index)
            case .integer(let v): status = sqlite3_bind_int64(handle, index, v)
            case .real(let v): status = sqlite3_bind_double(handle, index, v)
            case .text(let v):
                let bytes = Array(v.utf8)
                status = bytes.withUnsafeBufferPointer { buffer in
                    buffer.withMemoryRebound(to: CChar.self) { characters in
                        // a non-nil pointer even for "", or SQLite would bind NULL
                        sqlite3_bind_text(handle, index, characters.baseAddress ?? Database.emptyText,
                                          Int32(characters.count), Database.transient)
                    }
                }
            case .blob(let v):
                status = v.withUnsafeBytes { bytes in
                    sqlite3_bind_blob(handle, index, bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(bytes.count), Database.transient)
                }
            }
            guard status == SQLITE_OK else { throw database.error(status, sql: sql) }
        }
    }

    private func column(_ index: Int32) -> SQLValue {
        switch sqlite3_column_type(handle, index) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(handle, index))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(handle, index))
        case SQLITE_TEXT:
            let count = Int(sqlite3_column_bytes(handle, index))
            guard let text = sqlite3_column_text(handle, index) else { return .text("") }
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(handle, index))
            guard let blob = sqlite3_column_blob(handle, index) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: blob, count: count)))
        default: return .null
        }
    }
}

/// One result row.
public struct Row: Sendable, Equatable {
    public let columns: [SQLValue]

    public subscript(index: Int) -> SQLValue { columns[index] }

    public func int(_ index: Int) -> Int? {
        if case .integer(let v) = columns[index] { Int(v) } else { nil }
    }

    public func double(_ index: Int) -> Double? {
        switch columns[index] {
        case .real(let v): v
        case .integer(let v): Double(v)
        default: nil
        }
    }

    public func string(_ index: Int) -> String? {
        if case .text(let v) = columns[index] { v } else { nil }
    }
}
