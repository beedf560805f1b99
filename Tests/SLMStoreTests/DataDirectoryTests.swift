import Foundation
import SLMStore
import Testing

@Suite("Data directory")
struct DataDirectoryTests {
    @Test("SLM_TUI_HOME wins, then XDG_DATA_HOME, then ~/.local/share")
    func precedence() {
        let all = ["SLM_TUI_HOME": "/a/home", "XDG_DATA_HOME": "/xdg", "HOME": "/users/me"]
        #expect(DataDirectory(environment: all).url.path == "/a/home")
        var noHome = all
        noHome["SLM_TUI_HOME"] = ""
        #expect(DataDirectory(environment: noHome).url.path == "/xdg/slm-tui")
        #expect(DataDirectory(environment: ["HOME": "/users/me"]).url.path == "/users/me/.local/share/slm-tui")
        #expect(DataDirectory(environment: all).models.path == "/a/home/models")
    }

    @Test("the linked SQLite reports a version")
    func sqliteVersion() {
        #expect(SQLiteLibrary.version.split(separator: ".").count >= 3)
    }
}
