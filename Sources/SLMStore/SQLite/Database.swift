import CSQLite

/// One connection to an SQLite file, set up as the store needs it: WAL journal, foreign
/// keys on, a busy timeout for other processes, `synchronous=NORMAL`. Statements are
/// prepared once per SQL text and kept. Not thread-safe: its owner (an actor) serializes use.
public final class Database {
    /// SQLite copies bound text and blobs when given this destructor.
    static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
    /// A valid pointer for binding empty text (a nil pointer would bind NULL).
    nonisolated(unsafe) static let emptyText: UnsafePointer<CChar> = {
        let pointer = UnsafeMutablePointer<CChar>.allocate(capacity: 1)
        pointer.initialize(to: 0)
        return UnsafePointer(pointer)
    }()

    let handle: OpaquePointer
    public let path: String
    private var statements: [String: Statement] = [:]

    /// Opens (creating if needed) the database at `path`; with `readOnly`, opens an
    /// existing one for reading only, writing nothing to the file or its folder.
    public init(path: String, readOnly: Bool = false, busyTimeoutMilliseconds: Int32 = 5000) throws(SQLiteError) {
        var connection: OpaquePointer?
        let flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX
        let status = sqlite3_open_v2(path, &connection, flags, nil)
        guard status == SQLITE_OK, let connection else {
            let message = connection.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(status))
            sqlite3_close_v2(connection)
            throw SQLiteError(code: status, message: "cannot open \(path): \(message)")
        }
        handle = connection
        self.path = path
        sqlite3_extended_result_codes(connection, 1)
        sqlite3_busy_timeout(connection, busyTimeoutMilliseconds)
        // touching the schema is what reveals a file that is not a database
        if readOnly {
            try execute("PRAGMA query_only=ON; PRAGMA foreign_keys=ON;")
            _ = try userVersion()
        } else {
            try execute("PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;")
        }
    }

    deinit {
        statements.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Runs one or more statements without parameters.
    public func execute(_ sql: String) throws(SQLiteError) {
        var message: UnsafeMutablePointer<CChar>?
        let status = sqlite3_exec(handle, sql, nil, nil, &message)
        defer { sqlite3_free(message) }
        guard status == SQLITE_OK else {
            throw SQLiteError(code: sqlite3_extended_errcode(handle),
                              message: message.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(status)), sql: sql)
        }
    }

    /// The prepared statement for `sql`, prepared on first use.
    public func statement(_ sql: String) throws(SQLiteError) -> Statement {
        if let statement = statements[sql] { return statement }
        let statement = try Statement(database: self, sql: sql)
        statements[sql] = statement
        return statement
    }

    /// Runs `body` in a transaction that takes the write lock at once; rolls back on error.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// Rows changed by the last statement.
    public var changes: Int32 { sqlite3_changes(handle) }

    /// The rowid of the last inserted row.
    public var lastInsertedID: Int { Int(sqlite3_last_insert_rowid(handle)) }

    /// `PRAGMA user_version`.
    public func userVersion() throws(SQLiteError) -> Int {
        try statement("PRAGMA user_version").rows().first?.int(0) ?? 0
    }

    func error(_ status: Int32, sql: String?) -> SQLiteError {
        SQLiteError(code: sqlite3_extended_errcode(handle), message: String(cString: sqlite3_errmsg(handle)), sql: sql)
    }
}
