import Foundation
import SLMEngine
import SLMStore

/// How much a tool may change. Destructive calls wait for the user's approval.
public enum ToolPermission: String, Sendable, Codable {
    case read, write, destructive
}

/// Something the agent can do: a name and description the model reads, a JSON schema its
/// arguments must satisfy (checked before `call`), a permission, and the work itself.
///
/// A tool never sees arguments that break its schema, and reports failure by throwing
/// `ToolError`, whose message the model reads as the call's result.
public protocol Tool: Sendable {
    var name: String { get }
    var description: String { get }
    var arguments: JSONSchema { get }
    var permission: ToolPermission { get }
    /// Words in a request that suggest this tool ("delete", "remove"). When a call is
    /// required, tools whose hints match best are the only ones offered, which keeps a
    /// small model from picking a tool at random.
    var hints: [String] { get }
    /// Checks what the call names before anything is asked or done (the record it acts on
    /// exists), so a call on a missing record is answered as such, never put to the user.
    func precheck(_ arguments: JSONValue, context: ToolContext) async throws(ToolError)
    /// Why this particular call needs the user's approval, or nil. By default every call
    /// of a destructive tool does; a tool can ask for it only sometimes (overwriting a file).
    /// The reason names the record as the user knows it ("Delete task 3 “Pay rent”?").
    func approvalReason(for arguments: JSONValue, context: ToolContext) async -> String?
    /// Arguments code can read from the request itself, by name: a request that names a day
    /// or states a task gets them narrowed to what it says (and filled when left out).
    var requestArguments: [String: RequestField] { get }
    /// Does the work and returns the result the model reads.
    func call(_ arguments: JSONValue, context: ToolContext) async throws(ToolError) -> JSONValue
    /// The result in a sentence, shown when the model says nothing after the call.
    func summary(of result: JSONValue) -> String
}

/// Something a request says that code reads better than a small model. An optional
/// argument whose value the request does not give is not offered at all (a small model
/// fills an offered field with words copied from the schema).
public enum RequestField: Sendable, Equatable {
    /// The day and time it names ("tomorrow at 5pm").
    case moment
    /// The task it states ("Remind me to call mom …": "Call mom").
    case taskTitle
    /// The note it states ("Make a note that the code is 1234": "The code is 1234").
    case noteText
    /// The record number it names ("delete task 3", "show draft #2").
    case recordNumber
    /// The arithmetic it asks for ("What is 17.5 * 4?": "17.5 * 4").
    case arithmetic
    /// Offered only when the request has one of these words ("priority", "urgent").
    case mentioned([String])
    /// The email addresses it names, but those after "cc" ("email ana@example.com").
    case recipients
    /// The addresses it names after "cc" or "copy".
    case copied
    /// The new value it gives a field named by one of these words ("change the subject of
    /// draft 1 to Thanks": "Thanks").
    case newValue([String])
    /// The subject it gives an email ("with the subject Invoice 42", "subject: Hello").
    case subject
    /// What it asks to find ("notes about the wifi": "wifi").
    case topic
}

extension Tool {
    public var hints: [String] { [] }

    public var requestArguments: [String: RequestField] { [:] }

    public func summary(of result: JSONValue) -> String {
        "\(name): \(result.text)"
    }

    public func precheck(_ arguments: JSONValue, context: ToolContext) async throws(ToolError) {}

    public func approvalReason(for arguments: JSONValue, context: ToolContext) async -> String? {
        permission == .destructive ? "\(name) cannot be undone" : nil
    }

    /// The tool as grammar-constrained decoding sees it.
    public var signature: ToolSignature { ToolSignature(name: name, arguments: arguments) }
}

/// Picks the tools whose hints a request matches best.
public enum ToolHints {
    /// The best-matching tools, or nil when no hint matches. Hints count in the request's
    /// first step ("add a task: buy stamps, then show my tasks" is an add) when any match
    /// there. Among the tools that match, a request naming a record ("draft 1") keeps those
    /// that take its number, and a question ("what…", "show…") those that only read.
    public static func best(_ tools: [any Tool], for request: String) -> [any Tool]? {
        let all = Router.words(request)
        let first = Router.words(firstStep(of: request))
        // a longer hint is a surer sign: "delete the note" outweighs "delete" and "note"
        func hits(_ tool: any Tool, _ words: [String]) -> Int {
            tool.hints.filter { Router.contains(words, phrase: $0) }.reduce(0) { $0 + Router.words($1).count }
        }
        let words = tools.contains { hits($0, first) > 0 } ? first : all
        var matching = tools.map { ($0, hits($0, words)) }.filter { $0.1 > 0 }
        guard !matching.isEmpty else { return nil }
        /// Keeps the tools `test` picks, when it picks any.
        func prefer(_ test: (any Tool) -> Bool) {
            let kept = matching.filter { test($0.0) }
            if !kept.isEmpty { matching = kept }
        }
        if !RequestReading.recordNumbers(in: request).isEmpty {
            prefer { $0.requestArguments.values.contains(.recordNumber) }
        }
        if questionWords.contains(all.first { !["please", "can", "could", "you"].contains($0) } ?? "") {
            prefer { $0.permission == .read }
        }
        let best = matching.map(\.1).max() ?? 0
        return matching.filter { $0.1 == best }.map(\.0)
    }

    private static let questionWords: Set<String> = ["what", "which", "when", "show", "list", "do", "does", "any", "how",
                                                     "find", "search", "where", "is", "are"]

    /// The tools a second step of the request names ("mark task 1 as done and delete task
    /// 2": tasks_delete), or nil when it has none or names none.
    public static func followUp(_ tools: [any Tool], for request: String) -> [any Tool]? {
        let first = firstStep(of: request)
        guard first.count < request.count else { return nil }
        return best(tools, for: String(request.dropFirst(first.count)))
    }

    /// The request up to a second step (", then", "and then", "and" before a verb that
    /// starts a request).
    static func firstStep(of request: String) -> String {
        var text = request
        for step in [", then ", " and then ", " then "] + RequestReading.nextSteps.map({ " and " + $0 + " " }) {
            if let range = text.range(of: step, options: .caseInsensitive) { text = String(text[..<range.lowerBound]) }
        }
        return text
    }
}

/// What tools work with: the store, the drafts folder, the clock, and who is changing
/// things (the journal keeps it with every change).
public struct ToolContext: Sendable {
    public let store: Store
    public let drafts: DraftsFolder
    public let timeZone: TimeZone
    /// The current moment (a fixed one in tests).
    public let now: @Sendable () -> Date
    /// Whose changes the store journals: the user's, or the agent's in a turn's call.
    public let origin: ChangeOrigin

    public init(store: Store, drafts: DraftsFolder, timeZone: TimeZone = .current,
                now: @escaping @Sendable () -> Date = { Date() }, origin: ChangeOrigin = .user) {
        self.store = store
        self.drafts = drafts
        self.timeZone = timeZone
        self.now = now
        self.origin = origin
    }

    /// The context for tool call `id` of a turn in conversation `conversation`.
    func forCall(_ id: Int, conversation: Int?) -> ToolContext {
        ToolContext(store: store, drafts: drafts, timeZone: timeZone, now: now,
                    origin: ChangeOrigin(source: .agent, conversationID: conversation, toolCallID: id))
    }

    /// A resolver for the user's time zone.
    var dates: DateResolver { DateResolver(timeZone: timeZone) }
}

/// A tool call that could not be done, said so the model (and the user) can act on it.
public struct ToolError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }

    /// A store failure as a tool error: missing records by name, others by SQLite's words.
    static func store(_ error: StoreError) -> ToolError { ToolError(String(describing: error)) }
}

/// Reading arguments that the schema has already checked.
extension JSONValue {
    func string(_ key: String) -> String? { self[key]?.stringValue }
    func int(_ key: String) -> Int? { self[key]?.intValue }
}
