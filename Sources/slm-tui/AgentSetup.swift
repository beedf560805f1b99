import Foundation
import SLMAgent
import SLMEngine
import SLMStore

/// Builds the agent runtime a command uses: the store, a model manager at the chosen
/// context and threads, the drafts folder, the servers of config.json, and the model
/// selected: a file, a catalog model, or `model@server`.
enum AgentSetup {
    static func runtime(store: Store, model name: String?, contextLength: Int, threads: Int,
                        cacheType: KVCacheType? = nil,
                        configuration: RuntimeConfiguration = RuntimeConfiguration()) throws -> AgentRuntime {
        let settings = SettingsFile.current
        let remote = name.flatMap { RemoteModelName($0, servers: settings.servers ?? []) }
        let reference = try remote.map(ModelReference.init(remote:)) ?? ModelResolution.reference(for: name)
        let manager = ModelManager(configuration: settings.managerConfiguration(contextLength: contextLength, threads: threads,
                                                                                cacheType: cacheType))
        var configuration = configuration
        configuration.savedContexts = settings.savedContexts(in: DataDirectory().contexts)
        if settings.agentModels != nil {
            let library = ModelLibrary(directory: DataDirectory().models, catalog: try ModelCatalog.bundled())
            let home = URL(fileURLWithPath: ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory())
            let found = ModelDiscovery(library: library, home: home,
                                       extraFolders: (settings.modelDirectories ?? []).map { URL(fileURLWithPath: $0) })
            configuration.models = settings.preferredModels(in: found.discover())
        }
        let runtime = AgentRuntime(store: store, models: manager, drafts: DraftsFolder(url: DataDirectory().drafts),
                                   configuration: configuration, servers: settings.servers ?? [])
        if let remote {
            try wait { try await runtime.selectRemoteModel(remote) }
        } else {
            _ = try wait { try await runtime.selectModel(reference) }
        }
        return runtime
    }
}
