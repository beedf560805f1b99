import Foundation
import SLMAgent
import SLMEngine
import SLMStore

/// `slm-tui chat`: one prompt in, a streamed answer out.
enum ChatCommand {
    static func run(_ words: [String]) throws -> Int32 {
        let arguments = try Arguments(
            words, flags: ["--raw", "--json", "--no-save", "--yes"],
            options: ["--model", "--system", "--temp", "--top-k", "--top-p", "--seed", "--max-tokens", "--ctx",
                      "--threads", "--db", "--agent", "--conversation", "--cache-type"])
        guard arguments.positionals.count <= 1 else {
            throw UsageError("chat takes one prompt (quote it), or reads it from standard input")
        }
        var sampling = SamplingParameters()
        // the same ranges as the app's /set
        sampling.temperature = try arguments.number("--temp", default: sampling.temperature, range: SamplingChoice.temperatureRange)
        sampling.topK = try arguments.integer("--top-k", default: sampling.topK, range: SamplingChoice.topKRange)
        sampling.topP = try arguments.number("--top-p", default: sampling.topP, range: SamplingChoice.topPRange)
        if let seed = arguments.options["--seed"] {
            guard let value = UInt64(seed) else { throw UsageError("--seed needs a whole number, not \(seed)") }
            sampling.seed = value
        }
        let maxTokens = try arguments.integer("--max-tokens", default: 256, range: 1...1_000_000)
        let threads = try arguments.integer("--threads", default: ProcessInfo.processInfo.activeProcessorCount, range: 1...256)
        let requestedContext = try arguments.integer("--ctx", default: 4096, range: 16...1_048_576)
        let cacheType = arguments.options["--cache-type"] == nil ? nil : try arguments.cacheType()

        // a model on a server answers through the agent, as in the app
        let remote = arguments.options["--model"].flatMap { RemoteModelName($0, servers: SettingsFile.current.servers ?? []) }
        if remote != nil, arguments.has("--raw") {
            throw UsageError("--raw sends tokens to a model here; a model on a server takes chat messages")
        }
        if arguments.positionals.isEmpty, isatty(STDIN_FILENO) == 1, remote == nil, !arguments.has("--json"), !arguments.has("--raw"),
            arguments.options["--agent"] == nil
        {
            return try repl(arguments, sampling: sampling, maxTokens: maxTokens, contextLength: requestedContext,
                            threads: threads)
        }
        let prompt = arguments.positionals.first ?? readStandardInput()
        guard !prompt.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw UsageError("the prompt is empty")
        }
        if let agent = arguments.options["--agent"] ?? remote.map({ _ in "auto" }) {
            guard !arguments.has("--raw") else { throw UsageError("--raw sends plain text to the model; it cannot go with --agent") }
            let conversation = try arguments.options["--conversation"].map { text throws(UsageError) -> Int in
                guard let id = Int(text), id > 0 else { throw UsageError("--conversation needs a conversation id, not \(text)") }
                return id
            }
            let sampled = ["--temp", "--top-k", "--top-p", "--seed"].contains { arguments.options[$0] != nil }
            return try AgentChatCommand.run(prompt: prompt, options: AgentChatCommand.Options(
                agent: agent == "auto" ? nil : agent, model: arguments.options["--model"], conversation: conversation,
                sampling: sampled ? SamplingChoice(temperature: sampling.temperature, topK: sampling.topK, topP: sampling.topP,
                                                   seed: sampling.seed) : nil,
                maxTokens: arguments.options["--max-tokens"] == nil ? nil : maxTokens,
                contextLength: requestedContext, threads: threads, cacheType: cacheType, json: arguments.has("--json"),
                record: !arguments.has("--no-save"), approveAll: arguments.has("--yes"), database: arguments.options["--db"],
                systemPrompt: arguments.options["--system"]))
        }
        guard arguments.options["--conversation"] == nil, !arguments.has("--yes") else {
            throw UsageError("--conversation and --yes go with --agent")
        }
        // open the history first: a damaged database is reported before any work is done
        let store = arguments.has("--no-save") ? nil : try StoreAccess.open(arguments.options["--db"])
        let loaded = try ModelResolution.load(arguments.options["--model"], contextLength: requestedContext, threads: threads,
                                              cacheType: cacheType)
        let model = loaded.model, tokenizer = loaded.tokenizer
        let promptTokens: [Int]
        if arguments.has("--raw") {
            promptTokens = tokenizer.encode(prompt)
        } else {
            // the model's own chat template, as llama.cpp runs it, else its family's format
            let renderer = PromptRenderer(chatTemplate: model.file["tokenizer.chat_template"]?.stringValue,
                                          architecture: model.architecture.name, vocabulary: tokenizer.vocabulary)
            var messages: [ChatMessage] = []
            if let system = arguments.options["--system"] { messages.append(.system(system)) }
            messages.append(.user(prompt))
            let (pieces, notice) = renderer.render(ChatConversation(messages))
            if let notice { Console.error("note: \(notice)") }
            promptTokens = renderer.builtIn.tokens(for: pieces, tokenizer: tokenizer)
        }
        let generator = try TextGenerator(model: model, tokenizer: tokenizer, contextLength: loaded.estimate.contextLength,
                                          cacheType: loaded.cacheType, threads: threads)
        let request = GenerationRequest(prompt: promptTokens, maxTokens: maxTokens, sampling: sampling)
        let modelName = arguments.options["--model"].map { URL(fileURLWithPath: $0).lastPathComponent } ?? "gemma3-270m"
        let system = arguments.options["--system"]
        let samplingJSON = try String(decoding: JSONEncoder().encode(sampling), as: UTF8.self)
        let journal = store.map { TurnJournal(store: $0) }
        if let journal {
            _ = try wait {
                try await journal.open(conversation: nil, userText: prompt, agent: "assistant", model: modelName,
                                       systemPrompt: system, sampling: samplingJSON)
            }
        }
        return try stream(generator.generate(request), json: arguments.has("--json"), journal: journal, model: modelName)
    }

    /// A conversation typed at the terminal (no prompt given, standard input a terminal).
    private static func repl(_ arguments: Arguments, sampling: SamplingParameters, maxTokens: Int, contextLength: Int,
                             threads: Int) throws -> Int32 {
        let store = arguments.has("--no-save") ? nil : try StoreAccess.open(arguments.options["--db"])
        let cacheType = arguments.options["--cache-type"] == nil ? nil : try arguments.cacheType()
        let loaded = try ModelResolution.load(arguments.options["--model"], contextLength: contextLength, threads: threads,
                                              cacheType: cacheType)
        let renderer = PromptRenderer(chatTemplate: loaded.model.file["tokenizer.chat_template"]?.stringValue,
                                      architecture: loaded.model.architecture.name, vocabulary: loaded.tokenizer.vocabulary)
        let generator = try TextGenerator(model: loaded.model, tokenizer: loaded.tokenizer,
                                          contextLength: loaded.estimate.contextLength, cacheType: loaded.cacheType,
                                          threads: threads)
        var repl = ChatREPL(
            generator: generator, tokenizer: loaded.tokenizer, renderer: renderer, sampling: sampling,
            maxTokens: arguments.options["--max-tokens"] == nil ? 1024 : maxTokens, systemPrompt: arguments.options["--system"],
            journal: store.map { TurnJournal(store: $0) },
            modelName: arguments.options["--model"].map { URL(fileURLWithPath: $0).lastPathComponent } ?? "gemma3-270m")
        return try repl.run()
    }

    /// Prints the stream as it comes; waits on it from this synchronous command.
    private static func stream(
        _ events: AsyncThrowingStream<GenerationEvent, Error>, json: Bool, journal: TurnJournal?, model: String
    ) throws -> Int32 {
        try wait {
            do {
                for try await event in events {
                    switch event {
                    case .constrained:
                        break
                    case .token(let id, let text):
                        try await journal?.appendAnswer(text, agent: "assistant")
                        if json {
                            try Console.printJSON(TokenLine(text: text, id: id))
                        } else {
                            Console.write(text)
                        }
                    case .text(let text):
                        // text without a token of its own: a JSON line with id -1
                        try await journal?.appendAnswer(text, agent: "assistant")
                        if json {
                            if !text.isEmpty { try Console.printJSON(TokenLine(text: text, id: -1)) }
                        } else {
                            Console.write(text)
                        }
                    case .finished(let stats):
                        let answer = try await journal?.finishAnswer(
                            stats.stopReason == .cancelled ? .cancelled : .complete, agent: "assistant",
                            generatedTokens: stats.generatedTokens)
                        await journal?.recordMetrics(
                            TurnMetrics(
                                model: model, promptTokens: stats.promptTokens, generatedTokens: stats.generatedTokens,
                                prefillTokensPerSecond: stats.prefillTokensPerSecond,
                                decodeTokensPerSecond: stats.decodeTokensPerSecond,
                                timeToFirstTokenMilliseconds: stats.timeToFirstTokenMilliseconds,
                                peakResidentBytes: ProcessUsage.peakResidentBytes()),
                            messageID: answer)
                        if json {
                            try Console.printJSON(StatsLine(stats))
                        } else {
                            Console.write("\n")
                            Console.error(String(
                                format: "[%d prompt tokens, %d generated, prefill %.1f t/s, decode %.1f t/s, first token %.0f ms, stop: %@]",
                                stats.promptTokens, stats.generatedTokens, stats.prefillTokensPerSecond,
                                stats.decodeTokensPerSecond, stats.timeToFirstTokenMilliseconds, stats.stopReason.rawValue))
                        }
                    }
                }
            } catch {
                _ = try? await journal?.finishAnswer(.failed, agent: "assistant")
                throw error
            }
        }
        return 0
    }

    /// Standard input, without the one newline that ends a piped line.
    private static func readStandardInput() -> String {
        var text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        if text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    struct TokenLine: Encodable {
        let type = "token"
        let text: String
        let id: Int
    }

    struct StatsLine: Encodable {
        let type = "stats"
        let prompt_tokens: Int
        let generated_tokens: Int
        let prefill_tps: Double
        let decode_tps: Double
        let ttft_ms: Double
        let stop: String

        init(_ stats: GenerationStats) {
            prompt_tokens = stats.promptTokens
            generated_tokens = stats.generatedTokens
            prefill_tps = stats.prefillTokensPerSecond
            decode_tps = stats.decodeTokensPerSecond
            ttft_ms = stats.timeToFirstTokenMilliseconds
            stop = stats.stopReason.rawValue
        }
    }
}


