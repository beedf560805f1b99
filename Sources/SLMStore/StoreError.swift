import CSQLite
import Foundation

/// Why the store cannot do something. Messages say what to do about it.
public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file was written by a newer slm-tui.
    case newerSchema(found: Int, known: Int)
    /// The file is not an SQLite database or is damaged; `moveAside` offers a fresh start.
    case corrupt(path: String, detail: String)
    /// The file or its folder cannot be opened (missing folder, no permission).
    case cannotOpen(path: String, detail: String)
    /// The file can be read but not written (permissions, read-only medium).
    case readOnly(path: String)
    /// Opened for reading only, but the file's schema is older than this version's: it
    /// must be opened for writing once to migrate.
    case needsMigration(path: String, found: Int, latest: Int)
    case notFound(String)
    /// A change cannot be undone (said why: nothing to undo, changed again since).
    case cannotUndo(String)
    case sqlite(SQLiteError)

    public var description: String {
        switch self {
        case .newerSchema(let found, let known):
            "the database was written by a newer slm-tui (schema \(found); this version knows up to \(known)); update slm-tui"
        case .corrupt(let path, let detail):
            "\(path) is damaged or not an slm-tui database (\(detail)); it can be moved aside and a fresh one started"
        case .cannotOpen(let path, let detail):
            "cannot open the database \(path) (\(detail)); check that its folder exists and is writable"
        case .readOnly(let path):
            "the database \(path) is read-only; check its permissions (nothing was changed)"
        case .needsMigration(let path, let found, let latest):
            "the database \(path) has schema \(found) and needs migrating to \(latest), which needs it writable"
        case .notFound(let what):
            "\(what) does not exist"
        case .cannotUndo(let why):
            why
        case .sqlite(let error) where error.primaryCode == SQLITE_BUSY || error.primaryCode == SQLITE_LOCKED:
            "the database is locked by another program (waited 5 s); try again once it lets go (\(error.description))"
        case .sqlite(let error):
            error.description
        }
    }
}
