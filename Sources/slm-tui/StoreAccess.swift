import Foundation
import SLMAgent
import SLMStore

/// Opens the database a command uses: `--db PATH`, else the data directory's file.
enum StoreAccess {
    static func path(_ option: String?) -> String {
        option ?? DataDirectory().database.path
    }

    /// The store for a command that only reads: it writes nothing, so it works on a full
    /// disk and in a read-only folder. A database that does not exist yet, or whose schema
    /// must first be migrated, is opened for writing instead.
    static func openForReading(_ option: String?) throws -> Store {
        let path = path(option)
        guard FileManager.default.fileExists(atPath: path) else { return try open(option) }
        do {
            return try Store(path: path, access: .readOnly)
        } catch StoreError.needsMigration {
            return try open(option)
        } catch StoreError.corrupt(let path, let detail) {
            throw CommandError("\(path) is damaged or not an slm-tui database (\(detail)); run `slm-tui history --move-aside` to rename it with a timestamp and start a fresh one")
        }
    }

    /// The store, creating its folder if needed. A damaged file is moved aside (renamed with a
    /// timestamp, never deleted) only when `moveAsideIfCorrupt` says so; otherwise the
    /// error says how.
    static func open(_ option: String?, moveAsideIfCorrupt: Bool = false) throws -> Store {
        let path = path(option)
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        try createFolder(folder)
        do {
            return try Store(path: path)
        } catch StoreError.corrupt(let path, let detail) {
            guard moveAsideIfCorrupt else {
                throw CommandError("\(path) is damaged or not an slm-tui database (\(detail)); run `slm-tui history --move-aside` to rename it with a timestamp and start a fresh one")
            }
            let moved = try Store.moveAside(path: path)
            Console.error("moved the damaged database to \(moved.path)")
            return try Store(path: path)
        }
    }
}

/// Creates `folder` (and its parents) for the database, or says in words why it cannot.
private func createFolder(_ folder: URL) throws {
    do {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    } catch {
        // walk up to the first part of the path that exists and is not a folder
        var part = folder
        var isFolder: ObjCBool = false
        while part.path != "/", !(FileManager.default.fileExists(atPath: part.path, isDirectory: &isFolder) && !isFolder.boolValue) {
            part.deleteLastPathComponent()
        }
        let reason = part.path != "/" ? "\(part.path) is a file, not a folder" : (error as NSError).localizedDescription
        throw CommandError("cannot create the data folder \(folder.path): \(reason) (set SLM_TUI_HOME or --db to another place)")
    }
}

/// The assistant a reading command uses: the history and tool state through the agent's
/// front-end door, over a database opened for reading.
enum AssistantAccess {
    static func forReading(_ option: String?) throws -> Assistant {
        try assistant(StoreAccess.openForReading(option))
    }

    /// The assistant over `store`, with the default model manager, library and discovery.
    static func assistant(_ store: Store) throws -> Assistant {
        let data = DataDirectory()
        let runtime = AgentRuntime(store: store, models: ModelManager(), drafts: DraftsFolder(url: data.drafts))
        let library = ModelLibrary(directory: data.models, catalog: try ModelCatalog.bundled())
        let home = URL(fileURLWithPath: ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory())
        return Assistant(runtime: runtime, library: library, discovery: ModelDiscovery(library: library, home: home))
    }
}

/// A command failure with a message for the user.
struct CommandError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
