/// A command typed in the message box, `/name arguments`.
public enum SlashCommand: Sendable, Equatable {
    case model(String?)
    case agent(String?)
    case new
    case rename(String?)
    case delete
    case export(format: String)
    case system(String?)
    case set(SamplingSetting)
    case tasks, drafts, notes
    case theme(String?)
    case help
    case quit

    /// A `/set` choice, checked.
    public enum SamplingSetting: Sendable, Equatable {
        case temperature(Float), topP(Float), topK(Int), maxTokens(Int)
    }

    /// Why a command line makes no sense, in words for the status bar.
    public struct Problem: Error, Equatable, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    public static let names = ["model", "agent", "new", "rename", "delete", "export", "system", "set", "tasks", "drafts",
                               "notes", "theme", "help", "quit"]

    public static func parse(_ line: String) throws(Problem) -> SlashCommand {
        let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix("/") else { throw Problem("commands start with /") }
        let body = trimmed.dropFirst()
        let name = String(body.prefix { !$0.isWhitespace }).lowercased()
        let rest = body.dropFirst(name.count).trimmingCharacters(in: .whitespacesAndNewlines)
        let argument = rest.isEmpty ? nil : rest
        switch name {
        case "model", "models": return .model(argument)
        case "agent": return .agent(argument?.lowercased())
        case "new": return .new
        case "rename": return .rename(argument)
        case "delete": return .delete
        case "export":
            let format = argument?.lowercased() ?? "md"
            guard format == "md" || format == "json" else { throw Problem("/export takes md or json, not \(format)") }
            return .export(format: format)
        case "system": return .system(argument)
        case "set": return .set(try setting(rest))
        case "tasks": return .tasks
        case "drafts": return .drafts
        case "notes": return .notes
        case "theme": return .theme(argument)
        case "help", "?": return .help
        case "quit", "exit", "q": return .quit
        default:
            throw Problem("unknown command /\(name); commands: " + names.map { "/" + $0 }.joined(separator: " "))
        }
    }

    private static func setting(_ text: String) throws(Problem) -> SamplingSetting {
        let words = text.split(separator: " ").map(String.init)
        guard words.count == 2 else { throw Problem("/set takes a name and a value: temp, top_p, top_k or max_tokens") }
        switch words[0].lowercased() {
        case "temp", "temperature":
            guard let value = Float(words[1]), (0...5).contains(value) else { throw Problem("temp is a number from 0 to 5") }
            return .temperature(value)
        case "top_p", "topp":
            guard let value = Float(words[1]), value > 0, value <= 1 else { throw Problem("top_p is a number above 0, at most 1") }
            return .topP(value)
        case "top_k", "topk":
            guard let value = Int(words[1]), (0...100_000).contains(value) else { throw Problem("top_k is a whole number from 0") }
            return .topK(value)
        case "max_tokens", "maxtokens":
            guard let value = Int(words[1]), (1...32_768).contains(value) else { throw Problem("max_tokens is a whole number from 1 to 32768") }
            return .maxTokens(value)
        default:
            throw Problem("/set knows temp, top_p, top_k and max_tokens, not \(words[0])")
        }
    }
}
