import Foundation
import SLMAgent

/// What the app works with: the assistant (the one door to the agent, its conversations,
/// tool state and models), the themes, where exports go, and the settings it remembers.
public struct AppServices: Sendable {
    public let assistant: Assistant
    public let themes: ThemeLibrary
    /// Where `/export` writes conversations.
    public let exportsFolder: URL
    public let settingsFile: URL
    public var settings: UserSettings
    /// What was wrong with the settings file when it was read. While there is anything,
    /// the app does not write the file back, so nothing the user wrote in it is lost.
    public let settingsProblems: [String]

    public init(assistant: Assistant, themes: ThemeLibrary, exportsFolder: URL, settingsFile: URL, settings: UserSettings,
                settingsProblems: [String] = []) {
        self.assistant = assistant
        self.themes = themes
        self.exportsFolder = exportsFolder
        self.settingsFile = settingsFile
        self.settings = settings
        self.settingsProblems = settingsProblems
    }

    public var library: ModelLibrary { assistant.library }
    public var discovery: ModelDiscovery { assistant.discovery }
}
