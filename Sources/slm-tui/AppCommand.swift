import Foundation
import SLMAgent
import SLMStore
import SLMTUI

/// `slm-tui` with no command: the full-screen app.
enum AppCommand {
    static func run(_ words: [String]) throws -> Int32 {
        let arguments = try Arguments(words, options: ["--model", "--db", "--ctx", "--threads", "--cache-type"])
        guard arguments.positionals.isEmpty else { throw UsageError("unknown command \(arguments.positionals[0])") }
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw CommandError("the full-screen app needs a terminal; in scripts use `slm-tui chat` (see --help)")
        }
        let context = try arguments.integer("--ctx", default: 4096, range: 256...1_048_576)
        let threads = try arguments.integer("--threads", default: ProcessInfo.processInfo.activeProcessorCount, range: 1...256)
        let environment = ProcessInfo.processInfo.environment
        let settingsFile = UserSettings.file(environment: environment)
        var (settings, settingsProblems) = UserSettings.read(from: settingsFile)
        if let model = arguments.options["--model"] {
            settings.model = FileManager.default.fileExists(atPath: model) ? URL(fileURLWithPath: model).path : model
        }
        let store = try StoreAccess.open(arguments.options["--db"])
        let data = DataDirectory(environment: environment)
        let cacheType = arguments.options["--cache-type"] == nil ? nil : try arguments.cacheType()
        let manager = ModelManager(configuration: settings.managerConfiguration(contextLength: context, threads: threads,
                                                                                cacheType: cacheType))
        let library = ModelLibrary(directory: data.models, catalog: try ModelCatalog.bundled())
        let home = URL(fileURLWithPath: environment["HOME"] ?? NSHomeDirectory())
        let discovery = ModelDiscovery(library: library, home: home,
                                       extraFolders: (settings.modelDirectories ?? []).map { URL(fileURLWithPath: $0) },
                                       contextLength: context, threads: threads)
        var configuration = RuntimeConfiguration()
        configuration.savedContexts = settings.savedContexts(in: data.contexts)
        if settings.agentModels != nil { configuration.models = settings.preferredModels(in: discovery.discover()) }
        let runtime = AgentRuntime(store: store, models: manager, drafts: DraftsFolder(url: data.drafts),
                                   configuration: configuration, servers: settings.servers ?? [])
        let services = AppServices(
            assistant: Assistant(runtime: runtime, library: library, discovery: discovery),
            themes: ThemeLibrary(folder: ResourceLocator.folder("themes")), exportsFolder: data.exports,
            settingsFile: settingsFile, settings: settings, settingsProblems: settingsProblems)
        Task { await manager.startIdleWatch() }
        let screen = NcursesScreen(noColor: !(environment["NO_COLOR"] ?? "").isEmpty)
        let status = App(screen: screen, services: services).run()
        screen.close()
        return status
    }
}
