import Foundation
import SLMAgent
import SLMTestSupport
import Testing

@Suite("User settings")
struct UserSettingsTests {
    @Test("saved and read back; a missing or broken file means defaults")
    func roundTrip() throws {
        let file = try Fixtures.temporaryDirectory("settings").appendingPathComponent("sub/config.json")
        let settings = UserSettings(theme: "light", model: "gemma3-270m", modelDirectories: ["/models"], memoryBudgetMB: 2048,
                                    idleUnloadMinutes: 3, agentModels: ["capable": "big"])
        try settings.save(to: file)
        #expect(UserSettings.load(from: file) == settings)
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.contains("\"memory_budget_mb\" : 2048") && text.contains("\"agent_models\""))
        try Data("{ not json".utf8).write(to: file)
        #expect(UserSettings.load(from: file) == UserSettings())
        #expect(UserSettings.load(from: file.appendingPathExtension("missing")) == UserSettings())
    }

    @Test("the file lives in SLM_TUI_HOME, else XDG_CONFIG_HOME, else ~/.config")
    func location() {
        #expect(UserSettings.file(environment: ["SLM_TUI_HOME": "/h", "XDG_CONFIG_HOME": "/x"]).path == "/h/config.json")
        #expect(UserSettings.file(environment: ["XDG_CONFIG_HOME": "/x", "HOME": "/u"]).path == "/x/slm-tui/config.json")
        #expect(UserSettings.file(environment: ["HOME": "/u"]).path == "/u/.config/slm-tui/config.json")
    }

    @Test("budget, idle time and preferred models reach the runtime's settings")
    func configuration() throws {
        let settings = UserSettings(memoryBudgetMB: 512, idleUnloadMinutes: 2,
                                    agentModels: ["light": "tiny", "capable": Fixtures.url("synthetic/qwen2-f16.gguf").path,
                                                  "huge": "x", "missing": "nowhere"])
        let manager = settings.managerConfiguration(contextLength: 1024, threads: 2)
        #expect(manager.budgetBytes == 512_000_000 && manager.idleTimeout == .seconds(120) && manager.contextLength == 1024)
        let tiny = DiscoveredModel(name: "tiny", path: Fixtures.url("synthetic/llama-f16.gguf"), source: .folder,
                                   architecture: "llama", parameters: 1, quant: "F16", size: 1, memoryNeed: 1, unusable: nil)
        let models = settings.preferredModels(in: [tiny])
        #expect(models[.light]?.name == "tiny")
        #expect(models[.capable]?.name == "qwen2-f16.gguf")
        #expect(models.count == 2)
    }
}
