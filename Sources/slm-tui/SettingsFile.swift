import Foundation
import SLMAgent

/// The user's settings as a command reads them: problems with config.json are said once
/// on stderr, and the command goes on with the defaults for what was wrong.
enum SettingsFile {
    static let current: UserSettings = {
        let (settings, problems) = UserSettings.read(from: UserSettings.file())
        for problem in problems { Console.error("slm-tui: \(Console.safe(problem))") }
        return settings
    }()
}
