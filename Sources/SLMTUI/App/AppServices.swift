import Foundation
import SLMAgent
import SLMStore

/// What the app works with: the agent runtime (with its store and model manager), where
/// models come from, the themes, and the settings it remembers.
public struct AppServices: Sendable {
    public let runtime: AgentRuntime
    public let library: ModelLibrary
    public let discovery: ModelDiscovery
    public let themes: ThemeLibrary
    public let dataDirectory: DataDirectory
    public let settingsFile: URL
    public var settings: UserSettings
    /// What was wrong with the settings file when it was read. While there is anything,
    /// the app does not write the file back, so nothing the user wrote in it is lost.
    public let settingsProblems: [String]

    public init(runtime: AgentRuntime, library: ModelLibrary, discovery: ModelDiscovery, themes: ThemeLibrary,
                dataDirectory: DataDirectory, settingsFile: URL, settings: UserSettings, settingsProblems: [String] = []) {
        self.runtime = runtime
        self.library = library
        self.discovery = discovery
        self.themes = themes
        self.dataDirectory = dataDirectory
        self.settingsFile = settingsFile
        self.settings = settings
        self.settingsProblems = settingsProblems
    }

    public var store: Store { runtime.store }
}
