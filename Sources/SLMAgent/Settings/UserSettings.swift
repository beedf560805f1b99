import Foundation
import SLMEngine

/// What the user chose and slm-tui remembers, in `config.json`: the theme, the model, extra
/// folders to look for models in, the memory budget, when idle models are unloaded, the
/// KV cache's precision (`"cache_type": "q8_0"`), the disk saved contexts may take
/// (`"saved_contexts_mb": 1000`), and the models agents prefer (`"agent_models": {"light": NAME, "capable": NAME}`). Kept in `$SLM_TUI_HOME` when that
/// is set (so a test or a second setup stays apart), else in `$XDG_CONFIG_HOME/slm-tui/`,
/// else `~/.config/slm-tui/`. A missing or unreadable file means defaults, never a failure;
/// `read` says what was wrong with it.
public struct UserSettings: Codable, Sendable, Equatable {
    public var theme: String?
    /// The model last chosen: a catalog name or a file path.
    public var model: String?
    public var modelDirectories: [String]?
    /// Memory budget for loaded models, in megabytes.
    public var memoryBudgetMB: Int?
    /// Minutes a model may sit unused before it is unloaded.
    public var idleUnloadMinutes: Int?
    /// Model names (or paths) by the class agents prefer: `light`, `capable`.
    public var agentModels: [String: String]?
    /// The KV cache's precision: `f16` (the default), `q8_0` (about half the memory) or `f32`.
    public var cacheType: String?
    /// Megabytes of disk the saved conversation contexts may take (0: none are kept).
    public var savedContextsMB: Int?
    /// Servers whose models can be picked as `model@server`.
    public var servers: [ModelServer]?

    enum CodingKeys: String, CodingKey {
        case theme, model
        case modelDirectories = "model_directories"
        case memoryBudgetMB = "memory_budget_mb"
        case idleUnloadMinutes = "idle_unload_minutes"
        case agentModels = "agent_models"
        case cacheType = "cache_type"
        case savedContextsMB = "saved_contexts_mb"
        case servers
    }

    public init(theme: String? = nil, model: String? = nil, modelDirectories: [String]? = nil, memoryBudgetMB: Int? = nil,
                idleUnloadMinutes: Int? = nil, agentModels: [String: String]? = nil, cacheType: String? = nil,
                savedContextsMB: Int? = nil, servers: [ModelServer]? = nil) {
        self.servers = servers
        self.savedContextsMB = savedContextsMB
        self.theme = theme
        self.model = model
        self.modelDirectories = modelDirectories
        self.memoryBudgetMB = memoryBudgetMB
        self.idleUnloadMinutes = idleUnloadMinutes
        self.agentModels = agentModels
        self.cacheType = cacheType
    }

    /// The model manager's settings from these choices, at a context and thread count;
    /// `cacheType` (from the command line) wins over the file's `cache_type`.
    public func managerConfiguration(contextLength: Int, threads: Int, cacheType: KVCacheType? = nil)
        -> ModelManager.Configuration
    {
        var configuration = ModelManager.Configuration(contextLength: contextLength, threads: threads)
        if let type = cacheType ?? self.cacheType.flatMap(KVCacheType.init(rawValue:)) { configuration.cacheType = type }
        // out-of-range values never get here from `read`; the clamps keep the arithmetic safe anyway
        if let budget = memoryBudgetMB { configuration.budgetBytes = budget.clamped(to: Range.memoryBudgetMB) * 1_000_000 }
        if let minutes = idleUnloadMinutes {
            configuration.idleTimeout = .seconds(minutes.clamped(to: Range.idleUnloadMinutes) * 60)
        }
        return configuration
    }

    /// Where conversations' contexts are kept in `folder`, within `saved_contexts_mb`
    /// (default one gigabyte); nil when it is 0.
    public func savedContexts(in folder: URL) -> SavedContexts? {
        let megabytes = savedContextsMB.map { $0.clamped(to: Range.savedContextsMB) }
        if megabytes == 0 { return nil }
        return SavedContexts(folder: folder, limitBytes: megabytes.map { $0 * 1_000_000 } ?? SavedContexts.defaultLimitBytes)
    }

    /// The preferred models that `discovery` finds, by class; names it cannot find are left out.
    public func preferredModels(in discovered: [DiscoveredModel]) -> [AgentProfile.ModelClass: ModelReference] {
        var models: [AgentProfile.ModelClass: ModelReference] = [:]
        for (key, name) in agentModels ?? [:] {
            guard let modelClass = AgentProfile.ModelClass(rawValue: key) else { continue }
            if let found = discovered.first(where: { ($0.name == name || $0.path?.path == name) && $0.reference != nil }) {
                models[modelClass] = found.reference
            } else if FileManager.default.fileExists(atPath: name) {
                models[modelClass] = ModelReference(path: URL(fileURLWithPath: name))
            }
        }
        return models
    }

    /// The file for this environment.
    public static func file(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let home = environment["SLM_TUI_HOME"], !home.isEmpty {
            return URL(fileURLWithPath: home).appendingPathComponent("config.json")
        }
        if let config = environment["XDG_CONFIG_HOME"], !config.isEmpty {
            return URL(fileURLWithPath: config).appendingPathComponent("slm-tui/config.json")
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return URL(fileURLWithPath: home).appendingPathComponent(".config/slm-tui/config.json")
    }

    /// Allowed values of the numeric settings.
    public enum Range {
        /// One megabyte up to 16 TB.
        public static let memoryBudgetMB = 1...16_777_216
        /// One minute up to a year.
        public static let idleUnloadMinutes = 1...525_600
        /// None up to 16 TB.
        public static let savedContextsMB = 0...16_777_216
    }

    /// The settings in `file`, or defaults when it is missing or unreadable.
    public static func load(from file: URL = file()) -> UserSettings { read(from: file).settings }

    /// The settings in `file` and what was wrong with it: a file that is not valid JSON
    /// gives the defaults, a value outside its range is left out (its default applies);
    /// each problem is one sentence naming the key and what it may be. A missing file is
    /// not a problem.
    public static func read(from file: URL = file()) -> (settings: UserSettings, problems: [String]) {
        guard let data = try? Data(contentsOf: file) else { return (UserSettings(), []) }
        var settings: UserSettings
        do {
            settings = try JSONDecoder().decode(UserSettings.self, from: data)
        } catch {
            return (UserSettings(), ["\(file.path) is not a valid settings file (\(Self.reason(error))); using the defaults"])
        }
        var problems: [String] = []
        func check(_ value: inout Int?, key: String, range: ClosedRange<Int>, unit: String) {
            guard let found = value, !range.contains(found) else { return }
            problems.append("\(file.lastPathComponent): \(key) must be \(range.lowerBound) to \(range.upperBound) \(unit), "
                + "not \(found); using the default")
            value = nil
        }
        check(&settings.memoryBudgetMB, key: "memory_budget_mb", range: Range.memoryBudgetMB, unit: "MB")
        check(&settings.idleUnloadMinutes, key: "idle_unload_minutes", range: Range.idleUnloadMinutes, unit: "minutes")
        check(&settings.savedContextsMB, key: "saved_contexts_mb", range: Range.savedContextsMB, unit: "MB")
        if let type = settings.cacheType, KVCacheType(rawValue: type) == nil {
            let names = KVCacheType.allCases.map(\.rawValue).joined(separator: ", ")
            problems.append("\(file.lastPathComponent): cache_type must be one of \(names), not \(type); using f16")
            settings.cacheType = nil
        }
        if let servers = settings.servers {
            var kept: [ModelServer] = []
            for server in servers {
                if let problem = server.problem {
                    problems.append("\(file.lastPathComponent): \(problem); that server is left out")
                } else if kept.contains(where: { $0.name == server.name }) {
                    problems.append("\(file.lastPathComponent): two servers are named \(server.name); the second is left out")
                } else {
                    kept.append(server)
                }
            }
            settings.servers = kept
        }
        return (settings, problems)
    }

    /// A decoding error in a sentence: which key, and what was expected.
    private static func reason(_ error: Error) -> String {
        switch error {
        case DecodingError.typeMismatch(let type, let context), DecodingError.valueNotFound(let type, let context):
            let key = context.codingPath.map(\.stringValue).joined(separator: ".")
            return "\(key.isEmpty ? "the file" : key) must be \(type == Int.self ? "a whole number" : "\(type)")"
        case DecodingError.dataCorrupted(let context):
            let key = context.codingPath.map(\.stringValue).joined(separator: ".")
            return key.isEmpty ? "not JSON" : "\(key): \(context.debugDescription)"
        default:
            return "\(error)"
        }
    }

    /// Writes the settings atomically, creating the folder.
    public func save(to file: URL = file()) throws {
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(self).write(to: file, options: .atomic)
    }
}

extension Comparable {
    func clamped(to range: ClosedRange<Self>) -> Self { min(max(self, range.lowerBound), range.upperBound) }
}
