import Foundation

/// Where slm-tui keeps its data: `$SLM_TUI_HOME` if set, else `$XDG_DATA_HOME/slm-tui`,
/// else `~/.local/share/slm-tui`. The database and the `models/` folder live below it.
public struct DataDirectory: Sendable, Equatable {
    public let url: URL

    public init(url: URL) { self.url = url }

    /// The directory the environment chooses (see the type's description).
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        if let home = environment["SLM_TUI_HOME"], !home.isEmpty {
            url = URL(fileURLWithPath: home, isDirectory: true)
        } else if let data = environment["XDG_DATA_HOME"], !data.isEmpty {
            url = URL(fileURLWithPath: data, isDirectory: true).appendingPathComponent("slm-tui", isDirectory: true)
        } else {
            let home = environment["HOME"].map { URL(fileURLWithPath: $0, isDirectory: true) }
                ?? FileManager.default.homeDirectoryForCurrentUser
            url = home.appendingPathComponent(".local/share/slm-tui", isDirectory: true)
        }
    }

    /// The database file.
    public var database: URL { url.appendingPathComponent("slm-tui.sqlite3") }

    /// Downloaded models.
    public var models: URL { url.appendingPathComponent("models", isDirectory: true) }

    /// Where exported email drafts (`.eml`) go.
    public var drafts: URL { url.appendingPathComponent("drafts", isDirectory: true) }

    /// Where conversations' contexts are saved between runs (a cache: deleting it loses
    /// nothing but the time to evaluate them again).
    public var contexts: URL { url.appendingPathComponent("contexts", isDirectory: true) }

    /// Where conversations exported from the app go.
    public var exports: URL { url.appendingPathComponent("exports", isDirectory: true) }
}
