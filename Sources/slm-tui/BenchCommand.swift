import Foundation
import SLMAgent
import SLMEngine
import SLMStore

/// `slm-tui bench`: model speed as llama-bench measures it, or `--kernels`: weight
/// throughput of each quant kernel.
enum BenchCommand {
    static func run(_ words: [String]) throws -> Int32 {
        let arguments = try Arguments(
            words, flags: ["--kernels", "--store", "--grammar", "--lookup", "--json"],
            options: ["--path", "--batch", "--type", "--model", "-p", "-n", "-t", "-r", "--ctx", "-d", "--cache-type", "--prompt"])
        guard arguments.positionals.isEmpty else { throw UsageError("bench takes no positional arguments") }
        if arguments.has("--store") { return try store(arguments) }
        if arguments.has("--grammar") { return try grammar(arguments) }
        if arguments.has("--lookup") { return try lookup(arguments) }
        if !arguments.has("--kernels") { return try model(arguments) }
        if let name = arguments.options["--path"] {
            guard let path = KernelPath.allCases.first(where: { $0.description == name }) else {
                throw UsageError("unknown kernel path \(name); paths: \(KernelPath.allCases.map(\.description).joined(separator: ", "))")
            }
            guard path.activate() else {
                throw BenchError("kernel path \(name) is not available on this machine")
            }
        }
        let batch = try arguments.integer("--batch", default: 1, range: 1...InferenceSession.batchSize)
        let benchmark = KernelBenchmark(rows: batch == 1 ? 4096 : 1024, batch: batch)
        var types = QuantType.allCases.filter(\.hasKernels)
        if let names = arguments.options["--type"] {
            let wanted = names.split(separator: ",").map { $0.uppercased() }
            if wanted.isEmpty { throw UsageError("--type needs quant type names, e.g. --type Q4_K,Q6_K") }
            for name in wanted where !types.contains(where: { $0.name == name }) {
                throw UsageError("unknown quant type \(name); types: \(types.map(\.name).joined(separator: ", "))")
            }
            types = types.filter { wanted.contains($0.name) }
        }
        if !arguments.has("--json") {
            let shape = batch == 1 ? "matrix x vector" : "matrix x \(batch) rows"
            Console.print("kernel path \(KernelPath.active) (available: \(KernelPath.available.map(\.description).joined(separator: ", "))); \(benchmark.rows)x\(benchmark.columns) \(shape), 1 thread")
            Console.print(batch == 1 ? "type      MB      GB/s" : "type      MB     GMAC/s")
        }
        var results: [KernelResultJSON] = []
        for type in types {
            let result = try benchmark.measure(type)
            results.append(KernelResultJSON(result))
            if !arguments.has("--json") {
                let megabytes = String(format: "%6.1f", Double(result.weightBytes) / 1e6)
                let rate = String(format: "%7.2f", batch == 1 ? result.gigabytesPerSecond : result.gigaMultiplyAddsPerSecond)
                Console.print(type.name.padding(toLength: 8, withPad: " ", startingAt: 0) + megabytes + "  " + rate)
            }
        }
        if arguments.has("--json") { try Console.printJSON(results) }
        return 0
    }
}

extension BenchCommand {
    /// Decode speed with and without a grammar constraint.
    static func grammar(_ arguments: Arguments) throws -> Int32 {
        let generate = try arguments.integer("-n", default: 128, range: 8...4096)
        let threads = try arguments.integer("-t", default: ProcessInfo.processInfo.activeProcessorCount, range: 1...256)
        let repetitions = try arguments.integer("-r", default: 5, range: 1...1000)
        let loaded = try ModelResolution.load(arguments.options["--model"], contextLength: generate + 64, threads: threads)
        let model = loaded.model, tokenizer = loaded.tokenizer
        let generator = try TextGenerator(model: model, tokenizer: tokenizer, contextLength: generate + 64, threads: threads)
        let result = try wait { try await GrammarBenchmark(generator: generator, tokenizer: tokenizer).run(tokens: generate, repetitions: repetitions) }
        let free = ModelBenchmark.Result(test: "tg\(generate)", threads: threads, samples: result.free)
        let constrained = ModelBenchmark.Result(test: "tg\(generate)+json", threads: threads, samples: result.constrained)
        if arguments.has("--json") {
            try Console.printJSON(GrammarJSON(free: free, constrained: constrained, overhead: result.overheadPercent))
        } else {
            for row in [free, constrained] {
                Console.print(String(format: "%-14@ %8.2f ± %5.2f t/s", row.test, row.mean, row.standardDeviation))
            }
            Console.print(String(format: "grammar overhead %.1f%%", result.overheadPercent))
        }
        return 0
    }

    struct GrammarJSON: Encodable {
        let free_tps_mean: Double, free_tps_sd: Double, constrained_tps_mean: Double, constrained_tps_sd: Double
        let overhead_percent: Double

        init(free: ModelBenchmark.Result, constrained: ModelBenchmark.Result, overhead: Double) {
            free_tps_mean = free.mean
            free_tps_sd = free.standardDeviation
            constrained_tps_mean = constrained.mean
            constrained_tps_sd = constrained.standardDeviation
            overhead_percent = overhead
        }
    }

    /// Greedy decoding of a rewrite (or `--prompt`'s message) with and without prompt lookup.
    static func lookup(_ arguments: Arguments) throws -> Int32 {
        let generate = try arguments.integer("-n", default: 128, range: 8...4096)
        let threads = try arguments.integer("-t", default: ProcessInfo.processInfo.activeProcessorCount, range: 1...256)
        let repetitions = try arguments.integer("-r", default: 3, range: 1...1000)
        let cacheType = try arguments.cacheType()
        let context = generate + 1024
        let loaded = try ModelResolution.load(arguments.options["--model"], contextLength: context, threads: threads,
                                              cacheType: cacheType)
        let model = loaded.model, tokenizer = loaded.tokenizer
        guard model.architecture.recurrentMixer == nil else {
            throw BenchError("prompt lookup needs a cache it can cut back to any position; "
                + "\(model.architecture.name) models carry recurrent state, so their answers run without it")
        }
        let renderer = PromptRenderer(chatTemplate: model.file["tokenizer.chat_template"]?.stringValue,
                                      architecture: model.architecture.name, vocabulary: tokenizer.vocabulary)
        let message = arguments.options["--prompt"] ?? LookupBenchmark.rewriteMessage
        let (pieces, _) = renderer.render(ChatConversation([.user(message)]))
        let prompt = renderer.builtIn.tokens(for: pieces, tokenizer: tokenizer)
        let generator = try TextGenerator(model: model, tokenizer: tokenizer, contextLength: context,
                                          cacheType: cacheType, threads: threads)
        let result = try wait {
            try await LookupBenchmark(generator: generator).run(prompt: prompt, tokens: generate, repetitions: repetitions)
        }
        // what a failed guess costs: passes with 1, 3 and 7 guesses against lone tokens
        let steps = ModelBenchmark(model: model, threads: threads, contextLength: context, repetitions: repetitions,
                                   cacheType: cacheType)
        let lone = try steps.textGeneration(32)
        let checks = try [1, 3, 7].map { try steps.draftChecks($0, steps: 32) }
        let plain = ModelBenchmark.Result(test: "tg\(generate)", threads: threads, samples: result.plain)
        let guessed = ModelBenchmark.Result(test: "tg\(generate)+lookup", threads: threads, samples: result.lookup)
        if arguments.has("--json") {
            try Console.printJSON(LookupJSON(plain: plain, lookup: guessed, result: result,
                                             checkCost: checks.map { lone.mean / max($0.mean, 1e-9) }))
        } else {
            let what = arguments.options["--prompt"] == nil ? "a rewrite" : "the message"
            Console.print("\(what): \(prompt.count) prompt tokens, answers of \(result.answerTokens) tokens, greedy")
            for row in [plain, guessed] {
                Console.print(String(format: "%-16@ %8.2f ± %5.2f t/s", row.test, row.mean, row.standardDeviation))
            }
            Console.print(String(format: "speed-up ×%.2f; %d of %d guessed tokens taken (%.0f%%); same answer: %@",
                                 result.speedUp, result.accepted, result.drafted, result.acceptancePercent,
                                 result.sameAnswer ? "yes" : "NO"))
            let costs = zip([1, 3, 7], checks).map { String(format: "%d: ×%.2f", $0, lone.mean / max($1.mean, 1e-9)) }
            Console.print("a pass checking guesses, in lone tokens' passes (guesses \(costs.joined(separator: ", ")))")
        }
        return result.sameAnswer ? 0 : 1
    }

    struct LookupJSON: Encodable {
        let plain_tps_mean: Double, plain_tps_sd: Double, lookup_tps_mean: Double, lookup_tps_sd: Double
        let speed_up: Double, drafted: Int, accepted: Int, acceptance_percent: Double, answer_tokens: Int
        let same_answer: Bool
        /// A pass checking 1, 3 and 7 guesses, in passes over a lone token.
        let check_cost: [Double]

        init(plain: ModelBenchmark.Result, lookup: ModelBenchmark.Result, result: LookupBenchmark.Result,
             checkCost: [Double]) {
            check_cost = checkCost
            plain_tps_mean = plain.mean
            plain_tps_sd = plain.standardDeviation
            lookup_tps_mean = lookup.mean
            lookup_tps_sd = lookup.standardDeviation
            speed_up = result.speedUp
            drafted = result.drafted
            accepted = result.accepted
            acceptance_percent = result.acceptancePercent
            answer_tokens = result.answerTokens
            same_answer = result.sameAnswer
        }
    }

    /// The store's append, list and search times on a throwaway database.
    static func store(_ arguments: Arguments) throws -> Int32 {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("slm-tui-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        if !arguments.has("--json") { Console.error("filling a throwaway database with 10,000 conversations and 100,000 messages…") }
        let result = try wait { try await StoreBenchmark().run(in: folder) }
        if arguments.has("--json") {
            try Console.printJSON(result)
        } else {
            Console.print(String(format: "append a message (median)   %.3f ms", result.medianAppendMilliseconds))
            Console.print(String(format: "list %d conversations     %.1f ms", result.conversations, result.listMilliseconds))
            Console.print(String(format: "search %d messages (median) %.1f ms", result.messages, result.searchMilliseconds))
        }
        return 0
    }

    /// pp and tg tests of a model, printed as llama-bench prints them.
    static func model(_ arguments: Arguments) throws -> Int32 {
        let prompt = try arguments.integer("-p", default: 512, range: 0...65_536)
        let generate = try arguments.integer("-n", default: 128, range: 0...65_536)
        let threads = try arguments.integer("-t", default: ProcessInfo.processInfo.activeProcessorCount, range: 1...256)
        let repetitions = try arguments.integer("-r", default: 5, range: 1...1000)
        let depth = try arguments.integer("-d", default: 0, range: 0...1_048_576)
        let cacheType = try arguments.cacheType()
        let context = try arguments.integer("--ctx", default: max(4096, depth + max(prompt, generate)),
                                            range: 16...1_048_576)
        guard context >= depth + max(prompt, generate) else {
            throw UsageError("--ctx \(context) is smaller than the test (-d \(depth) plus -p \(prompt) or -n \(generate))")
        }
        let path = try ModelResolution.path(for: arguments.options["--model"])
        let clock = ContinuousClock()
        let start = clock.now
        let loaded = try ModelResolution.load(path: path, name: arguments.options["--model"], contextLength: context,
                                              threads: threads)
        let model = loaded.model, file = model.file
        _ = try InferenceSession(model: model, contextLength: context, cacheType: cacheType, threads: threads)
        let loadMilliseconds = (clock.now - start) / .milliseconds(1)
        let benchmark = ModelBenchmark(model: model, threads: threads, contextLength: context, repetitions: repetitions,
                                       depth: depth, cacheType: cacheType)
        var results: [ModelBenchmark.Result] = []
        if prompt > 0 { results.append(try benchmark.promptProcessing(prompt)) }
        if generate > 0 { results.append(try benchmark.textGeneration(generate)) }
        let summary = ModelSummary(file)
        let peak = ProcessUsage.peakResidentBytes()
        if arguments.has("--json") {
            try Console.printJSON(results.map {
                ModelResultJSON(test: $0.test, tps_mean: $0.mean, tps_sd: $0.standardDeviation, threads: $0.threads,
                                depth: depth, cache_type: cacheType.rawValue, peak_rss_bytes: peak,
                                load_ms: loadMilliseconds)
            })
            return 0
        }
        let name = Console.safe("\(summary.architecture) \(summary.name ?? "")").trimmingCharacters(in: .whitespaces)
        let size = String(format: "%.2f MiB", Double(summary.fileSize) / 1_048_576)
        Console.print("| model | size | params | threads | test | t/s |")
        Console.print("| --- | ---: | ---: | ---: | ---: | ---: |")
        for result in results {
            Console.print("| \(name) | \(size) | \(summary.parameterDescription) | \(result.threads) | \(result.test) | "
                + String(format: "%.2f ± %.2f", result.mean, result.standardDeviation) + " |")
        }
        let need = try InferenceSession.memoryNeed(hyperparameters: model.hyperparameters, contextLength: context,
                                                   cacheType: cacheType, threads: threads)
        let state = need.recurrentStateBytes > 0
            ? String(format: ", recurrent state ≤%.1f MB", Double(need.recurrentStateBytes) / 1e6) : ""
        Console.print(String(format: "load %.0f ms, peak RSS %.1f MB, KV cache (%@) %.1f MB at --ctx %d", loadMilliseconds,
                             Double(peak) / 1e6, cacheType.rawValue, Double(need.kvCacheBytes) / 1e6, context) + state)
        return 0
    }
}

/// One row of `bench --json`.
struct ModelResultJSON: Encodable {
    let test: String
    let tps_mean: Double
    let tps_sd: Double
    let threads: Int
    let depth: Int
    let cache_type: String
    let peak_rss_bytes: Int
    let load_ms: Double
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// One row of `bench --kernels --json`.
struct KernelResultJSON: Encodable {
    let type: String
    let path: String
    let weight_bytes: Int
    let batch: Int
    let gb_per_s: Double
    let gmac_per_s: Double

    init(_ result: KernelBenchmark.Result) {
        type = result.type.name
        path = result.path.description
        weight_bytes = result.weightBytes
        batch = result.batch
        gb_per_s = result.gigabytesPerSecond
        gmac_per_s = result.gigaMultiplyAddsPerSecond
    }
}
