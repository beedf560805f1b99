import Foundation
import SLMEngine

/// Finds models: slm-tui's models folder, folders from the settings, and models other
/// programs keep — Ollama (`~/.ollama/models` manifests pointing at GGUF blobs), LM Studio
/// (`~/.lmstudio/models`, `~/.cache/lm-studio/models`) and the Hugging Face cache
/// (`~/.cache/huggingface/hub`) — read in place, never moved or changed; then catalog
/// models not downloaded yet. Each file is described on its own: one that is not a usable
/// model, for whatever reason its contents give, is listed with the reason and never stops
/// the listing.
public struct ModelDiscovery: Sendable {
    public let library: ModelLibrary
    public let home: URL
    public let extraFolders: [URL]
    /// Context and threads the memory figures assume.
    public let contextLength: Int
    public let threads: Int

    public init(library: ModelLibrary, home: URL, extraFolders: [URL] = [], contextLength: Int = 4096,
                threads: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.library = library
        self.home = home
        self.extraFolders = extraFolders
        self.contextLength = contextLength
        self.threads = threads
    }

    /// Everything found, each file once (the first place it was found wins).
    public func discover() -> [DiscoveredModel] {
        var found: [(name: String, path: URL, source: DiscoveredModel.Source)] = []
        for entry in library.catalog.entries where library.isInstalled(entry) {
            found.append((entry.name, library.path(for: entry), .library))
        }
        found += ggufFiles(in: library.directory, depth: 1).map { ($0.lastPathComponent, $0, .library) }
        for folder in extraFolders {
            found += ggufFiles(in: folder, depth: 3).map { ($0.lastPathComponent, $0, .folder) }
        }
        found += ollamaModels()
        for folder in [".lmstudio/models", ".cache/lm-studio/models"] {
            let root = home.appendingPathComponent(folder)
            found += ggufFiles(in: root, depth: 3).map { file in
                (file.path.dropFirst(root.path.count + 1).description, file, .lmStudio)
            }
        }
        found += huggingFaceModels()

        var seen = Set<String>()
        var models: [DiscoveredModel] = []
        for item in found {
            let key = item.path.resolvingSymlinksInPath().path
            guard seen.insert(key).inserted else { continue }
            var model = describe(name: item.name, path: item.path, source: item.source)
            model.capabilities = library.catalog.entries.first { $0.name == item.name }?.capabilities ?? []
            models.append(model)
        }
        for entry in library.catalog.entries where !library.isInstalled(entry) {
            var model = DiscoveredModel(
                name: entry.name, path: nil, source: .catalog, architecture: entry.architecture, parameters: entry.parameters,
                quant: entry.quant, size: entry.size, memoryNeed: nil, unusable: nil)
            model.capabilities = entry.capabilities
            models.append(model)
        }
        return models
    }

    /// Reads a file's header to describe it.
    public func describe(name: String, path: URL, source: DiscoveredModel.Source) -> DiscoveredModel {
        let size = (try? FileManager.default.attributesOfItem(atPath: path.resolvingSymlinksInPath().path)[.size] as? Int) ?? nil
        do {
            let file = try GGUFFile(path: path.path)
            let summary = ModelSummary(file)
            var unusable: String?
            var need: Int?
            if Architecture.named(summary.architecture) == nil {
                unusable = "architecture \(summary.architecture) is not supported"
            } else {
                do {
                    // what loading checks, short of building the tokenizer: every number in
                    // range, every tensor present with its shape, a usable vocabulary
                    _ = try TransformerModel(file: file)
                    try Tokenizer.check(file: file)
                    need = try MemoryEstimate(file: file, contextLength: contextLength, threads: threads).totalBytes
                } catch {
                    unusable = error.description
                }
            }
            return DiscoveredModel(
                name: name, path: path, source: source, architecture: summary.architecture,
                parameters: summary.parameterCount, quant: FileType.quant(of: file), size: size, memoryNeed: need,
                unusable: unusable)
        } catch {
            return DiscoveredModel(name: name, path: path, source: source, architecture: nil, parameters: nil, quant: nil,
                                   size: size, memoryNeed: nil, unusable: error.description)
        }
    }

    /// `.gguf` files below `folder`, at most `depth` folders down, in name order.
    func ggufFiles(in folder: URL, depth: Int) -> [URL] {
        guard depth > 0, let items = try? FileManager.default.contentsOfDirectory(
            at: folder, includingPropertiesForKeys: [.isDirectoryKey], options: [.skipsHiddenFiles])
        else { return [] }
        var files: [URL] = []
        for item in items.sorted(by: { $0.lastPathComponent < $1.lastPathComponent }) {
            let isDirectory = (try? item.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) ?? false
            if isDirectory {
                files += ggufFiles(in: item, depth: depth - 1)
            } else if item.pathExtension.lowercased() == "gguf" {
                files.append(item)
            }
        }
        return files
    }

    /// Ollama keeps a manifest per `model:tag` whose model layer names a blob by digest.
    func ollamaModels() -> [(name: String, path: URL, source: DiscoveredModel.Source)] {
        let root = home.appendingPathComponent(".ollama/models")
        let manifests = root.appendingPathComponent("manifests")
        guard let enumerator = FileManager.default.enumerator(at: manifests, includingPropertiesForKeys: [.isRegularFileKey])
        else { return [] }
        var models: [(String, URL, DiscoveredModel.Source)] = []
        for case let file as URL in enumerator {
            guard (try? file.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true,
                let data = try? Data(contentsOf: file), data.count < 1_000_000,
                let text = String(data: data, encoding: .utf8), let manifest = JSONValue(parsing: text),
                let layer = manifest["layers"]?.arrayValue?.first(where: {
                    $0["mediaType"]?.stringValue == "application/vnd.ollama.image.model"
                }),
                let digest = layer["digest"]?.stringValue, digest.hasPrefix("sha256:")
            else { continue }
            let blob = root.appendingPathComponent("blobs/" + digest.replacingOccurrences(of: ":", with: "-"))
            guard FileManager.default.fileExists(atPath: blob.path) else { continue }
            // manifests/<registry>/<namespace>/<model>/<tag>; the default namespace is not shown
            let parts = file.path.dropFirst(manifests.path.count + 1).split(separator: "/").map(String.init)
            guard parts.count >= 3 else { continue }
            let model = parts[parts.count - 2], tag = parts[parts.count - 1], namespace = parts[parts.count - 3]
            let name = (namespace == "library" ? "" : namespace + "/") + model + ":" + tag
            models.append((name, blob, .ollama))
        }
        return models.sorted { $0.0 < $1.0 }
    }

    /// The Hugging Face cache: `models--ORG--REPO/snapshots/REVISION/*.gguf`.
    func huggingFaceModels() -> [(name: String, path: URL, source: DiscoveredModel.Source)] {
        let hub = home.appendingPathComponent(".cache/huggingface/hub")
        guard let repositories = try? FileManager.default.contentsOfDirectory(atPath: hub.path) else { return [] }
        var models: [(String, URL, DiscoveredModel.Source)] = []
        for repository in repositories.sorted() where repository.hasPrefix("models--") {
            let repo = repository.dropFirst("models--".count).replacingOccurrences(of: "--", with: "/")
            let snapshots = hub.appendingPathComponent(repository).appendingPathComponent("snapshots")
            for file in ggufFiles(in: snapshots, depth: 3) {
                models.append(("\(repo)/\(file.lastPathComponent)", file, .huggingFace))
            }
        }
        return models
    }
}
