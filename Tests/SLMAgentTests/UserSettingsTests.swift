import Foundation
import SLMAgent
import SLMEngine
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

    @Test("values outside their range are reported by key and range, and left to their defaults", arguments: [
        (#"{"memory_budget_mb": 10000000000000}"#, "memory_budget_mb must be 1 to 16777216 MB"),
        (#"{"memory_budget_mb": -5}"#, "memory_budget_mb must be 1 to 16777216 MB, not -5"),
        (#"{"idle_unload_minutes": 9223372036854775807}"#, "idle_unload_minutes must be 1 to 525600 minutes"),
        (#"{"idle_unload_minutes": 0}"#, "idle_unload_minutes must be 1 to 525600 minutes, not 0"),
        (#"{"memory_budget_mb": "lots"}"#, "memory_budget_mb must be a whole number"),
        (#"{"memory_budget_mb": 1e30}"#, "not a valid settings file"),
        (#"{"cache_type": "q4"}"#, "cache_type must be one of f16, f32, q8_0, not q4"),
        (#"{"saved_contexts_mb": -1}"#, "saved_contexts_mb must be 0 to 16777216 MB, not -1"),
        ("{ not json", "not a valid settings file"),
    ])
    func ranges(json: String, problem: String) throws {
        let file = try Fixtures.temporaryDirectory("settings").appendingPathComponent("config.json")
        try Data(json.utf8).write(to: file)
        let (settings, problems) = UserSettings.read(from: file)
        #expect(problems.count == 1)
        #expect(problems.first?.contains(problem) == true, "\(problems)")
        #expect(settings.memoryBudgetMB == nil && settings.idleUnloadMinutes == nil && settings.cacheType == nil)
        // whatever the file says, the manager's figures stay finite and positive
        let configuration = settings.managerConfiguration(contextLength: 4096, threads: 2)
        #expect(configuration.budgetBytes > 0 && configuration.idleTimeout > .zero)
    }

    @Test("values at the edges of their ranges are kept; the arithmetic on them cannot overflow")
    func edges() throws {
        let file = try Fixtures.temporaryDirectory("settings").appendingPathComponent("config.json")
        try Data(#"{"memory_budget_mb": 16777216, "idle_unload_minutes": 525600}"#.utf8).write(to: file)
        let (settings, problems) = UserSettings.read(from: file)
        #expect(problems.isEmpty)
        let configuration = settings.managerConfiguration(contextLength: 4096, threads: 2)
        #expect(configuration.budgetBytes == 16_777_216 * 1_000_000)
        #expect(configuration.idleTimeout == .seconds(525_600 * 60))
        let unchecked = UserSettings(memoryBudgetMB: Int.max, idleUnloadMinutes: Int.max)
        #expect(unchecked.managerConfiguration(contextLength: 4096, threads: 2).budgetBytes == 16_777_216 * 1_000_000)
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

    @Test("the KV cache's precision: config.json's cache_type, unless the command line names one")
    func cacheType() {
        #expect(UserSettings().managerConfiguration(contextLength: 512, threads: 1).cacheType == .f16)
        let settings = UserSettings(cacheType: "q8_0")
        #expect(settings.managerConfiguration(contextLength: 512, threads: 1).cacheType == .q8_0)
        #expect(settings.managerConfiguration(contextLength: 512, threads: 1, cacheType: .f32).cacheType == .f32)
    }
}
