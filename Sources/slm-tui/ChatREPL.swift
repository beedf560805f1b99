import Foundation
import SLMAgent
import SLMEngine
import SLMStore
import SLMSync

/// `slm-tui chat` at a terminal with no prompt: a conversation typed line by line, as
/// `ollama run` does. Every exchange is saved in one conversation; the model keeps the
/// earlier turns (its cache makes each new one cheap). `/bye` or Ctrl-D ends it, Ctrl-C
/// stops an answer.
struct ChatREPL {
    let generator: TextGenerator
    let tokenizer: Tokenizer
    let renderer: PromptRenderer
    var sampling: SamplingParameters
    var maxTokens: Int
    var systemPrompt: String?
    let journal: TurnJournal?
    let modelName: String

    static let help = """
        /set                 list the settings
        /set NAME VALUE      temp, top_k, top_p or max_tokens (the app's /set ranges)
        /system [TEXT]       show the system prompt, or set it for the next turns
        /clear               start a new conversation
        /bye                 end (Ctrl-D too); Ctrl-C stops an answer
        \"\"\"                  starts and ends a message of several lines
        """

    mutating func run() throws -> Int32 {
        let reader = LineReader()
        var messages: [ChatMessage] = []
        Console.error("chatting with \(modelName) — /? for help, /bye or Ctrl-D to end")
        while true {
            guard case .line(let typed) = reader.read(prompt: ">>> ") else { break }
            var text = typed
            if text.trimmingCharacters(in: .whitespaces).hasPrefix("\"\"\"") {
                text = readBlock(after: text, reader: reader)
            }
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            if trimmed.hasPrefix("/") {
                if try command(trimmed, messages: &messages) { break }
                continue
            }
            messages.append(.user(text))
            let answer = try answer(messages: &messages, userText: text)
            messages.append(.assistant(answer))
        }
        return 0
    }

    /// Lines up to the one holding the closing `"""`, joined.
    private func readBlock(after first: String, reader: LineReader) -> String {
        var lines = [String(first.trimmingCharacters(in: .whitespaces).dropFirst(3))]
        if lines[0].hasSuffix("\"\"\"") { return String(lines[0].dropLast(3)) }
        while case .line(let line) = reader.read(prompt: "... ") {
            if line.hasSuffix("\"\"\"") {
                lines.append(String(line.dropLast(3)))
                break
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n").trimmingCharacters(in: .newlines)
    }

    /// Runs a `/command`; true when it ends the conversation.
    private mutating func command(_ line: String, messages: inout [ChatMessage]) throws -> Bool {
        let words = line.split(separator: " ", maxSplits: 2).map(String.init)
        switch words[0].lowercased() {
        case "/bye", "/exit", "/quit": return true
        case "/?", "/help": Console.error(Self.help)
        case "/clear":
            messages = []
            Console.error("(a new conversation)")
            try wait { [journal] in await journal?.forgetConversation() }
        case "/system":
            let rest = line.dropFirst("/system".count).trimmingCharacters(in: .whitespaces)
            if rest.isEmpty {
                Console.error(systemPrompt ?? "(no system prompt)")
            } else {
                systemPrompt = rest
                Console.error("system prompt set")
            }
        case "/set":
            guard words.count == 3 else {
                if words.count == 1 {
                    Console.error(String(format: "temp %g\ntop_k %d\ntop_p %g\nmax_tokens %d", sampling.temperature,
                                         sampling.topK, sampling.topP, maxTokens))
                } else {
                    Console.error("/set takes a name and a value: temp, top_k, top_p or max_tokens")
                }
                return false
            }
            set(words[1].lowercased(), words[2])
        default:
            Console.error("unknown command \(words[0]); /? lists them")
        }
        return false
    }

    private mutating func set(_ name: String, _ value: String) {
        switch name {
        case "temp", "temperature":
            guard let number = Float(value), SamplingChoice.temperatureRange.contains(number) else {
                return Console.error("temp is a number from 0 to 5")
            }
            sampling.temperature = number
        case "top_k", "topk":
            guard let number = Int(value), SamplingChoice.topKRange.contains(number) else {
                return Console.error("top_k is a whole number from 0 to 100000")
            }
            sampling.topK = number
        case "top_p", "topp":
            guard let number = Float(value), SamplingChoice.topPRange.contains(number) else {
                return Console.error("top_p is a number above 0, at most 1")
            }
            sampling.topP = number
        case "max_tokens", "maxtokens":
            guard let number = Int(value), (1...32_768).contains(number) else {
                return Console.error("max_tokens is a whole number from 1 to 32768")
            }
            maxTokens = number
        default:
            return Console.error("/set knows temp, top_k, top_p and max_tokens, not \(name)")
        }
        Console.error("\(name) = \(value)")
    }

    /// Streams the answer to the conversation so far, saving the exchange; the oldest
    /// turns are left out when they do not fit the context.
    private func answer(messages: inout [ChatMessage], userText: String) throws -> String {
        var prompt = tokens(messages)
        while prompt.count + maxTokens > generator.contextLength, messages.count > 1 {
            messages.removeFirst(min(2, messages.count - 1))
            prompt = tokens(messages)
            Console.error("(earlier messages left out to fit the context)")
        }
        let request = GenerationRequest(prompt: prompt, maxTokens: maxTokens, sampling: sampling)
        let journal = journal, generator = generator, system = systemPrompt
        let interrupted = Locked(false)
        // Ctrl-C while the answer streams stops it; the conversation goes on
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT)
        source.setEventHandler { interrupted.withLock { $0 = true } }
        source.resume()
        defer {
            source.cancel()
            signal(SIGINT, SIG_DFL)
        }
        let text = try wait { () async throws -> String in
            let conversation = await journal?.conversationID
            try await journal?.open(conversation: conversation, userText: userText, agent: "assistant",
                                    model: self.modelName, systemPrompt: system)
            var answer = ""
            var stats: GenerationStats?
            for try await event in generator.generate(request) {
                if interrupted.value { break }
                switch event {
                case .token(_, let piece), .text(let piece):
                    answer += piece
                    Console.write(piece)
                    try await journal?.appendAnswer(piece, agent: "assistant")
                case .finished(let finished): stats = finished
                case .constrained: break
                }
            }
            let stopped = interrupted.value
            let id = try await journal?.finishAnswer(stopped ? .cancelled : .complete, agent: "assistant",
                                                     generatedTokens: stats?.generatedTokens,
                                                     stopReason: stopped ? "cancelled" : stats?.stopReason.rawValue)
            Console.write("\n")
            if let stats {
                await journal?.recordMetrics(TurnMetrics(
                    model: self.modelName, promptTokens: stats.promptTokens, generatedTokens: stats.generatedTokens,
                    prefillTokensPerSecond: stats.prefillTokensPerSecond, decodeTokensPerSecond: stats.decodeTokensPerSecond,
                    timeToFirstTokenMilliseconds: stats.timeToFirstTokenMilliseconds), messageID: id)
                if stats.stopReason == .maxTokens { Console.error("(stopped at \(stats.generatedTokens) tokens; /set max_tokens N allows more)") }
            }
            if stopped { Console.error("(stopped)") }
            return answer
        }
        return text
    }

    /// The conversation's tokens with the model's own template (its family's format when
    /// the template cannot be used, said once).
    private func tokens(_ messages: [ChatMessage]) -> [Int] {
        let all = (systemPrompt.map { [ChatMessage.system($0)] } ?? []) + messages
        let (pieces, notice) = renderer.render(ChatConversation(all))
        if let notice, !Self.noticed.value {
            Self.noticed.withLock { $0 = true }
            Console.error("note: \(notice)")
        }
        return renderer.builtIn.tokens(for: pieces, tokenizer: tokenizer)
    }

    private static let noticed = Locked(false)
}
