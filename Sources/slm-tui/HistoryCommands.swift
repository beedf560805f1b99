import Foundation
import SLMSync
import SLMAgent

/// `slm-tui history`, `slm-tui export` and `slm-tui search`: the saved conversations.
enum HistoryCommands {
    static func history(_ words: [String]) throws -> Int32 {
        let arguments = try Arguments(words, flags: ["--json", "--move-aside"], options: ["--db", "--limit"])
        guard arguments.positionals.isEmpty else { throw UsageError("history takes no positional arguments") }
        let limit = try arguments.integer("--limit", default: 50, range: 1...100_000)
        let assistant = arguments.has("--move-aside")
            ? try AssistantAccess.assistant(StoreAccess.open(arguments.options["--db"], moveAsideIfCorrupt: true))
            : try AssistantAccess.forReading(arguments.options["--db"])
        let conversations = try wait { try await assistant.conversations(limit: limit) }
        if arguments.has("--json") {
            try Console.printJSON(conversations)
        } else if conversations.isEmpty {
            Console.print("no conversations yet")
        } else {
            let formatter = DateFormatter()
            formatter.dateFormat = "yyyy-MM-dd HH:mm"
            for conversation in conversations {
                Console.print("\(conversation.id)\t\(formatter.string(from: conversation.updatedAt))\t\(Console.safe(conversation.title))")
            }
        }
        return 0
    }

    static func export(_ words: [String]) throws -> Int32 {
        let arguments = try Arguments(words, options: ["--db", "--format", "-o"])
        guard arguments.positionals.count == 1, let id = Int(arguments.positionals[0]) else {
            throw UsageError("export takes one conversation id (see slm-tui history)")
        }
        let format = arguments.options["--format"] ?? "md"
        guard format == "md" || format == "json" else { throw UsageError("--format is md or json, not \(format)") }
        let assistant = try AssistantAccess.forReading(arguments.options["--db"])
        let export = try wait { try await assistant.export(id) }
        let data = format == "md" ? Data(export.markdown.utf8) : export.json
        if let output = arguments.options["-o"] {
            // a file gets the text exactly as stored
            try data.write(to: URL(fileURLWithPath: output), options: .atomic)
        } else if format == "json" {
            Console.writeExact(Console.escapingControls(data) + Data("\n".utf8))
        } else if Console.outputIsTerminal {
            Console.write(export.markdown)
        } else {
            Console.writeExact(data)
        }
        return 0
    }

    static func search(_ words: [String]) throws -> Int32 {
        let arguments = try Arguments(words, flags: ["--json"], options: ["--db", "--limit"])
        guard !arguments.positionals.isEmpty else { throw UsageError("search takes the text to look for") }
        let limit = try arguments.integer("--limit", default: 20, range: 1...1000)
        let assistant = try AssistantAccess.forReading(arguments.options["--db"])
        let text = arguments.positionals.joined(separator: " ")
        let hits = try wait { try await assistant.search(text, limit: limit) }
        if arguments.has("--json") {
            try Console.printJSON(hits)
        } else if hits.isEmpty {
            Console.print("no matches")
        } else {
            for hit in hits {
                Console.print("\(hit.conversationID)\t\(Console.safe(hit.conversationTitle))\t\(Console.safe(hit.snippet))")
            }
        }
        return 0
    }

}

/// Runs async work from a synchronous command and returns its result.
func wait<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
    let result = Locked<Result<T, Error>?>(nil)
    let done = DispatchSemaphore(value: 0)
    Task {
        do {
            let value = try await work()
            result.withLock { $0 = .success(value) }
        } catch {
            result.withLock { $0 = .failure(error) }
        }
        done.signal()
    }
    done.wait()
    // the task sets the result before it signals
    return try (result.value ?? .failure(CommandError("the work ended without a result"))).get()
}
