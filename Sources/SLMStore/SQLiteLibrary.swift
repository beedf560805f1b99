import CSQLite

/// Facts about the system SQLite library slm-tui is linked against.
public enum SQLiteLibrary {
    /// The library's version, e.g. `3.40.1`.
    public static var version: String { String(cString: sqlite3_libversion()) }
}
