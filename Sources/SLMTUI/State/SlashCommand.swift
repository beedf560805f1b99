import Foundation
import SLMAgent

/// A command typed in the message box, `/name arguments`.
public enum SlashCommand: Sendable, Equatable {
    /// `/model`: the picker, filtered; with a path, that file.
    case model(String?)
    case agent(String?)
    case new
    case rename(String?)
    case delete
    case export(format: String)
    case system(SystemAction)
    case set(SetAction)
    case tasks, drafts, notes
    /// `/undo`: the newest change to a task, draft or note; `/undo N`: change N.
    case undo(Int?)
    /// `/changes`: the journal of changes, newest first, with their numbers.
    case changes
    case theme(String?)
    /// `/server`: list the servers; `/server add NAME URL [openai|ollama]`; `/server rm NAME`.
    case server(ServerAction)
    /// `/copy`: the last answer; `/copy N`: its Nth code block.
    case copy(block: Int?)
    case regenerate
    case continueAnswer
    case edit
    case search(String?)
    case stats, mouse, trace
    /// `/think on|off`: whether thinking models think first (alone: show the setting).
    case think(Bool?)
    case help
    case quit

    /// What `/server` does.
    public enum ServerAction: Sendable, Equatable { case list, add(name: String, url: String, api: String?), remove(String) }

    /// What `/system` does.
    public enum SystemAction: Sendable, Equatable { case show, set(String), clear }

    /// What `/set` does: list every setting, show one, or set one.
    public enum SetAction: Sendable, Equatable { case list, show(String), value(SamplingSetting) }

    /// A `/set` choice, checked.
    public enum SamplingSetting: Sendable, Equatable {
        case temperature(Float), topP(Float), topK(Int), maxTokens(Int)
    }

    /// Why a command line makes no sense, in words for the status bar.
    public struct Problem: Error, Equatable, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    public static let names = ["model", "agent", "new", "rename", "delete", "export", "system", "set", "copy", "regen",
                               "continue", "edit", "search", "stats", "mouse", "trace", "think", "tasks", "drafts", "notes",
                               "undo", "changes", "server", "theme", "help", "quit"]

    /// Other spellings, completed and understood too.
    static let aliases = ["models": "model", "regenerate": "regen", "retry": "regen", "exit": "quit", "q": "quit", "?": "help",
                          "find": "search"]

    /// The names of `/set`, as `/set` lists them.
    public static let settingNames = ["temp", "top_p", "top_k", "max_tokens"]

    /// Answer lengths `/set max_tokens` takes.
    public static let maxTokensRange = 1...32_768

    /// Tab on `/pre`: the longest common completion of the commands starting with it, and
    /// those commands.
    public static func complete(_ text: String) -> (text: String, candidates: [String]) {
        let prefix = text.dropFirst().lowercased()
        let candidates = names.filter { $0.hasPrefix(prefix) }
        guard let first = candidates.first else { return (text, []) }
        if candidates.count == 1 { return ("/" + first + " ", candidates) }
        var common = first
        for candidate in candidates.dropFirst() {
            while !candidate.hasPrefix(common) { common.removeLast() }
        }
        return ("/" + common, candidates)
    }

    public static func parse(_ line: String) throws(Problem) -> SlashCommand {
        let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix("/") else { throw Problem("commands start with /") }
        let body = trimmed.dropFirst()
        let typed = String(body.prefix { !$0.isWhitespace }).lowercased()
        let rest = body.dropFirst(typed.count).trimmingCharacters(in: .whitespacesAndNewlines)
        let argument = rest.isEmpty ? nil : rest
        switch aliases[typed] ?? typed {
        case "model": return .model(argument)
        case "agent": return .agent(argument?.lowercased())
        case "new": return .new
        case "rename": return .rename(argument)
        case "delete": return .delete
        case "export":
            let format = argument?.lowercased() ?? "md"
            guard format == "md" || format == "json" else { throw Problem("/export takes md or json, not \(format)") }
            return .export(format: format)
        case "system":
            guard let argument else { return .system(.show) }
            return .system(argument.lowercased() == "clear" ? .clear : .set(argument))
        case "set": return .set(try setAction(rest))
        case "copy":
            guard let argument else { return .copy(block: nil) }
            guard let block = Int(argument), block >= 1 else { throw Problem("/copy takes a code block's number, 1 or more") }
            return .copy(block: block)
        case "regen": return .regenerate
        case "continue": return .continueAnswer
        case "edit": return .edit
        case "search": return .search(argument)
        case "stats": return .stats
        case "mouse": return .mouse
        case "trace": return .trace
        case "think":
            switch argument?.lowercased() {
            case nil: return .think(nil)
            case "on": return .think(true)
            case "off": return .think(false)
            default: throw Problem("/think takes on or off")
            }
        case "tasks": return .tasks
        case "drafts": return .drafts
        case "notes": return .notes
        case "undo":
            guard let argument else { return .undo(nil) }
            guard let id = Int(argument), id >= 1 else { throw Problem("/undo takes a change's number (see /changes)") }
            return .undo(id)
        case "changes": return .changes
        case "theme": return .theme(argument)
        case "server": return .server(try serverAction(rest))
        case "help": return .help
        case "quit": return .quit
        default:
            throw Problem("unknown command /\(typed); Tab completes, /help lists them")
        }
    }

    private static func serverAction(_ text: String) throws(Problem) -> ServerAction {
        let words = text.split(whereSeparator: \.isWhitespace).map(String.init)
        switch (words.first?.lowercased(), words.count) {
        case (nil, _): return .list
        case ("add", 3): return .add(name: words[1], url: words[2], api: nil)
        case ("add", 4): return .add(name: words[1], url: words[2], api: words[3].lowercased())
        case ("rm", 2), ("remove", 2): return .remove(words[1])
        default: throw Problem("/server alone lists servers; /server add NAME URL [openai|ollama]; /server rm NAME")
        }
    }

    private static func setAction(_ text: String) throws(Problem) -> SetAction {
        let words = text.split(separator: " ").map(String.init)
        switch words.count {
        case 0: return .list
        case 1:
            let name = try canonicalName(words[0])
            return .show(name)
        case 2: return .value(try setting(words[0], words[1]))
        default: throw Problem("/set takes a name and a value: \(settingNames.joined(separator: ", "))")
        }
    }

    private static func canonicalName(_ name: String) throws(Problem) -> String {
        switch name.lowercased() {
        case "temp", "temperature": "temp"
        case "top_p", "topp": "top_p"
        case "top_k", "topk": "top_k"
        case "max_tokens", "maxtokens": "max_tokens"
        default: throw Problem("/set knows \(settingNames.joined(separator: ", ")), not \(name)")
        }
    }

    private static func setting(_ name: String, _ value: String) throws(Problem) -> SamplingSetting {
        switch try canonicalName(name) {
        case "temp":
            guard let number = Float(value), SamplingChoice.temperatureRange.contains(number) else { throw Problem("temp is a number from 0 to 5") }
            return .temperature(number)
        case "top_p":
            guard let number = Float(value), SamplingChoice.topPRange.contains(number) else { throw Problem("top_p is a number above 0, at most 1") }
            return .topP(number)
        case "top_k":
            guard let number = Int(value), SamplingChoice.topKRange.contains(number) else { throw Problem("top_k is a whole number from 0 to 100000") }
            return .topK(number)
        default:
            guard let number = Int(value), maxTokensRange.contains(number) else {
                throw Problem("max_tokens is a whole number from 1 to 32768")
            }
            return .maxTokens(number)
        }
    }
}

/// Whether what was typed names a file rather than a model in the lists.
public enum ModelPath {
    public static func looksLikePath(_ text: String) -> Bool {
        text.hasPrefix("/") || text.hasPrefix("~") || text.hasPrefix("./") || text.lowercased().hasSuffix(".gguf")
    }

    /// `~` expanded; relative paths from the current folder.
    public static func url(_ text: String) -> URL {
        let expanded = text.hasPrefix("~") ? NSString(string: text).expandingTildeInPath : text
        return URL(fileURLWithPath: expanded).standardizedFileURL
    }
}
