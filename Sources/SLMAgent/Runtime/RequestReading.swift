import Foundation
import SLMEngine

/// What code reads from a request before the model writes a call: the day and time it
/// names (resolved by `DateResolver`) and, for a request that states a task ("Remind me to
/// call mom tomorrow at 5pm"), the task ("Call mom"). A tool's `requestArguments` are then
/// narrowed to these values, and filled in when the model leaves them out, so a small
/// model cannot get the date or the title wrong.
struct RequestReading: Sendable, Equatable {
    let moment: DueMoment?
    let taskTitle: String?
    let noteText: String?
    /// The record numbers it names, in order ("mark task 1 done and delete task 2": 1, 2).
    let recordNumbers: [Int]
    let arithmetic: String?
    /// The request's words, for `mentioned` fields.
    let words: [String]
    /// The email addresses it names: for `to`, and after "cc" for `cc`.
    let recipients: [String]
    let copied: [String]
    /// The request as written, for `newValue` fields.
    let text: String

    init(_ text: String, resolver: DateResolver, now: Date) {
        let found = resolver.find(in: text, now: now)
        moment = found?.moment
        taskTitle = Self.task(in: found?.remainder ?? text)
        noteText = Self.note(in: text)
        recordNumbers = Self.recordNumbers(in: text)
        arithmetic = Self.arithmetic(in: text)
        words = Router.words(text)
        (recipients, copied) = Self.addresses(in: text)
        self.text = text
    }

    init(moment: DueMoment? = nil, taskTitle: String? = nil, noteText: String? = nil, recordNumbers: [Int] = [],
         arithmetic: String? = nil, words: [String] = [], recipients: [String] = [], copied: [String] = [], text: String = "") {
        self.moment = moment
        self.taskTitle = taskTitle
        self.noteText = noteText
        self.recordNumbers = recordNumbers
        self.arithmetic = arithmetic
        self.words = words
        self.recipients = recipients
        self.copied = copied
        self.text = text
    }

    /// What the request gives for `field`: the schema allowing only that, and the value to
    /// fill in (nil when several are allowed); `.absent` when it gives nothing for a field
    /// that is offered only when given; nil when the field stays as the tool has it.
    private enum Offer {
        case value(JSONSchema, fill: JSONValue?)
        case absent
    }

    private func offer(_ field: RequestField) -> Offer? {
        switch field {
        case .moment: return moment.map { .value(.oneOf([$0.description]), fill: .string($0.description)) } ?? .absent
        case .taskTitle: return taskTitle.map { .value(.oneOf([$0]), fill: .string($0)) }
        case .noteText: return noteText.map { .value(.oneOf([$0]), fill: .string($0)) }
        case .arithmetic: return arithmetic.map { .value(.oneOf([$0]), fill: .string($0)) }
        case .recordNumber:
            guard let low = recordNumbers.min(), let high = recordNumbers.max() else { return nil }
            return .value(.integer(minimum: low, maximum: high), fill: low == high ? .number(Double(low)) : nil)
        case .mentioned(let names):
            return names.contains { Router.contains(words, phrase: $0) } ? nil : .absent
        case .recipients:
            let list = recipients.joined(separator: ", ")
            return recipients.isEmpty ? .absent : .value(.oneOf([list]), fill: .string(list))
        case .copied:
            let list = copied.joined(separator: ", ")
            return copied.isEmpty ? .absent : .value(.oneOf([list]), fill: .string(list))
        case .newValue(let names):
            return Self.newValue(of: names, in: text).map { .value(.oneOf([$0]), fill: .string($0)) } ?? .absent
        case .subject:
            return Self.subject(in: text).map { .value(.oneOf([$0]), fill: .string($0)) }
        case .topic:
            return Self.topic(in: text).map { .value(.oneOf([$0]), fill: .string($0)) }
        }
    }

    /// The subject a request gives an email: after "subject:", "with the subject", "titled",
    /// up to a comma or what the email says; nil when it gives none.
    static func subject(in text: String) -> String? {
        let lower = text.lowercased()
        for marker in ["subject line:", "subject:", "with the subject line", "with the subject", "with subject", "titled",
                       "subject is", "subject should be"] {
            guard let range = lower.range(of: marker) else { continue }
            var value = String(text[range.upperBound...])
            for end in [", ", " saying ", " that says ", " telling ", " asking ", " about ", ". "] {
                if let stop = value.range(of: end, options: .caseInsensitive) { value = String(value[..<stop.lowerBound]) }
            }
            value = value.trimmingCharacters(in: CharacterSet(charactersIn: " :\"'“”‘’.!?"))
            if !value.isEmpty, value.count <= 150 { return value }
        }
        return nil
    }

    /// What a lookup is about: the words after "about" / "for" / "on", articles left out.
    static func topic(in text: String) -> String? {
        let lower = text.lowercased()
        for marker in [" about ", " regarding ", " mentioning ", " for the ", " on the "] {
            guard let range = lower.range(of: marker, options: .backwards) else { continue }
            let words = Router.words(String(lower[range.upperBound...])).filter { !["the", "a", "an", "my"].contains($0) }
            if !words.isEmpty, words.count <= 6 { return words.joined(separator: " ") }
        }
        return nil
    }

    /// The addresses in `text` (`name@host.tld`), split into those after "cc"/"copy" and the rest.
    static func addresses(in text: String) -> (to: [String], cc: [String]) {
        var to: [String] = [], cc: [String] = []
        var copying = false
        for word in text.split(whereSeparator: { $0.isWhitespace || $0 == "," || $0 == ";" }) {
            let lower = word.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: ":"))
            if ["cc", "copy", "copying", "cc'ing", "ccing"].contains(lower) {
                copying = true
                continue
            }
            let address = word.trimmingCharacters(in: CharacterSet(charactersIn: "<>()\"'.!?:"))
            let parts = address.split(separator: "@", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."),
                !parts[1].hasSuffix("."), address.allSatisfy({ $0.isLetter || $0.isNumber || "@._+-".contains($0) })
            else {
                if !["and", "to", "also"].contains(lower) { copying = copying && lower.isEmpty }
                continue
            }
            if copying { cc.append(address) } else { to.append(address) }
        }
        return (to, cc)
    }

    /// What follows "… `name` … to" in `text` ("change the subject of draft 1 to Thanks"),
    /// without quotes or a final full stop; nil when the request does not say.
    static func newValue(of names: [String], in text: String) -> String? {
        let lower = text.lowercased()
        for name in names {
            guard let field = lower.range(of: " " + name + " "),
                let to = lower.range(of: " to ", range: lower.index(before: field.upperBound)..<lower.endIndex)
            else { continue }
            let offset = lower.distance(from: lower.startIndex, to: to.upperBound)
            let value = String(text.dropFirst(offset)).trimmingCharacters(in: CharacterSet(charactersIn: " \"'“”‘’.!"))
            if !value.isEmpty, value.count <= 150 { return value }
        }
        return nil
    }

    /// `tool`, with each argument the request gave allowing only that value, and optional
    /// arguments it gave nothing for left out.
    func offering(_ tool: any Tool) -> any Tool {
        guard case .object(let properties) = tool.arguments else { return tool }
        var narrowed = false
        let offered = properties.compactMap { property -> JSONSchema.Property? in
            guard let field = tool.requestArguments[property.name], let offer = offer(field) else { return property }
            switch offer {
            case .value(let schema, _):
                narrowed = true
                return JSONSchema.Property(property.name, schema, required: property.isRequired,
                                           description: property.description)
            case .absent:
                guard !property.isRequired else { return property }
                narrowed = true
                return nil
            }
        }
        return narrowed ? OfferedTool(base: tool, arguments: .object(offered)) : tool
    }

    /// `arguments` with what the request gave added where the model left it out.
    func filling(_ arguments: JSONValue, for tool: any Tool) -> JSONValue {
        guard case .object(var members) = arguments else { return arguments }
        for (name, field) in tool.requestArguments.sorted(by: { $0.key < $1.key })
        where arguments[name] == nil || arguments[name] == .null {
            guard case .value(_, let fill?)? = offer(field) else { continue }
            members.removeAll { $0.key == name }
            members.append(.init(name, fill))
        }
        return .object(members)
    }

    /// The record numbers a request names: `task 3`, `draft #2`, `note no. 4`, `#5`, in order.
    static func recordNumbers(in text: String) -> [Int] {
        let words = text.lowercased().split { $0.isWhitespace || ",.;:!?()".contains($0) }.map(String.init)
        var numbers: [Int] = []
        for (index, word) in words.enumerated() {
            let digits = word.hasPrefix("#") ? String(word.dropFirst()) : word
            guard let number = Int(digits), number > 0 else { continue }
            var before = index > 0 ? words[index - 1] : ""
            if ["no", "number", "#"].contains(before), index > 1 { before = words[index - 2] }
            let named = word.hasPrefix("#")
                || ["task", "tasks", "draft", "drafts", "note", "notes", "item", "email", "reminder", "number", "no", "and"]
                    .contains(before) && (before != "and" || !numbers.isEmpty)
            if named, !numbers.contains(number) { numbers.append(number) }
        }
        return numbers
    }

    /// The one record number a request names, or nil when it names none or several.
    static func recordNumber(in text: String) -> Int? {
        let numbers = recordNumbers(in: text)
        return numbers.count == 1 ? numbers[0] : nil
    }

    /// The arithmetic in a request, as the calculator reads it: the longest run of numbers
    /// and operators with an operator in it (`15% of 80` becomes `15% * 80`, `12 times 7`
    /// `12 * 7`).
    static func arithmetic(in text: String) -> String? {
        let allowed = Set("0123456789.+-*/^()%×÷ ")
        let normalised = Router.symbolicArithmetic(text).replacingOccurrences(of: "% of ", with: "% * ").replacingOccurrences(of: " percent of ", with: "% * ")
        var best = ""
        var run = ""
        for character in normalised + "\n" {
            if allowed.contains(character) {
                run.append(character)
                continue
            }
            let candidate = run.trimmingCharacters(in: .whitespaces)
            if candidate.count > best.count, candidate.contains(where: \.isNumber),
                candidate.contains(where: { "+-*/^×÷%".contains($0) }), Router.looksLikeArithmetic(candidate) || candidate.contains("%") {
                best = candidate
            }
            run = ""
        }
        guard !best.isEmpty else { return nil }
        let expression = best.replacingOccurrences(of: "×", with: "*").replacingOccurrences(of: "÷", with: "/")
        return (try? Calculator().evaluate(expression)) == nil ? nil : expression
    }

    /// Verbs that start a second request after "and" ("… and make a note that …").
    static let nextSteps = ["make", "add", "delete", "remove", "mark", "remind", "note", "email", "draft", "show", "list",
                            "send", "tell", "complete", "write"]

    /// `Put X on my to-do list`, `Add X to my tasks`: X.
    private static func wrapped(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: CharacterSet(charactersIn: " .!?\n"))
        let lower = trimmed.lowercased()
        for verb in ["put ", "add ", "please put ", "please add "] where lower.hasPrefix(verb) {
            for place in [" on my to-do list", " on my todo list", " on my list", " on the list", " to my to-do list",
                          " to my todo list", " to my list", " to my tasks", " to the list", " on my task list",
                          " to my task list"] where lower.hasSuffix(place) && lower.count > verb.count + place.count {
                return String(trimmed.dropFirst(verb.count).dropLast(place.count))
            }
        }
        return nil
    }

    /// The openings that state a note; what follows one is the note.
    private static let noteOpenings = [
        "make a note that", "make a note of", "make a note:", "make a note", "take a note that", "take a note:",
        "note that", "note down that", "note:", "write down in my notes that", "write down that", "write down",
        "jot down that", "jot down", "remember that", "add a note that", "add a note:", "add a note", "save a note that",
        "save a note:", "keep a note that", "keep a note:",
    ]

    /// The note a request states after an opening, capitalised, or nil when it opens otherwise.
    static func note(in text: String) -> String? {
        // a note asked for as a second step ("add a task …, and make a note that …")
        let steps = [text] + [" and ", ", and ", ", then ", " then "].compactMap { step in
            text.range(of: step, options: .caseInsensitive).map { String(text[$0.upperBound...]) }
        }
        guard let rest = steps.lazy.compactMap({ after(noteOpenings, in: $0) }).first else { return nil }
        var note = rest.trimmingCharacters(in: CharacterSet(charactersIn: " :,-–—\t\n"))
        // "Could you jot down that the code is 7788?" asks; the note does not
        if ["can ", "could ", "would ", "will "].contains(where: text.lowercased().hasPrefix), note.hasSuffix("?") {
            note = String(note.dropLast())
        }
        guard !note.isEmpty, note.count <= 1000 else { return nil }
        return note.prefix(1).uppercased() + note.dropFirst()
    }

    /// `text` after the first of `openings` it starts with (a polite word before it allowed).
    private static func after(_ openings: [String], in text: String) -> String? {
        var rest = text.trimmingCharacters(in: .whitespacesAndNewlines)
        for polite in ["please ", "can you ", "could you ", "would you ", "hey, ", "hey "]
        where rest.lowercased().hasPrefix(polite) {
            rest = String(rest.dropFirst(polite.count))
        }
        let lower = rest.lowercased()
        guard let opening = openings.first(where: { opening in
            lower.hasPrefix(opening) && (lower.count == opening.count || opening.last == ":"
                || !(lower[lower.index(lower.startIndex, offsetBy: opening.count)].isLetter))
        }) else { return nil }
        return String(rest.dropFirst(opening.count))
    }

    /// The openings that state a task, longest first; what follows one is the task.
    private static let taskOpenings = [
        "remind me that i need to", "remind me that i have to", "remind me that i should", "remind me to",
        "remind me about", "set a reminder for", "set a reminder to", "create a reminder for", "create a reminder to",
        "add a reminder for", "add a reminder to", "remind me of", "add a task to", "add a task for", "add a task", "add task", "add a to-do", "add a todo",
        "add to my list", "new task", "create a task to", "create a task", "make a task to", "put on my list",
        "todo:", "to-do:", "task:", "i need to", "i have to", "i must", "don't forget to", "dont forget to",
        "remember to",
    ]

    /// The task a request states after an opening ("Add a task: pick up the dry cleaning"),
    /// up to a next step (", then …"), capitalised, or nil when it opens otherwise.
    static func task(in text: String) -> String? {
        guard var task = after(taskOpenings, in: text) ?? wrapped(text) else { return nil }
        for step in [", then ", " and then ", "; ", ". then "] + nextSteps.map({ " and " + $0 + " " }) {
            if let range = task.range(of: step, options: .caseInsensitive) { task = String(task[..<range.lowerBound]) }
        }
        task = task.trimmingCharacters(in: CharacterSet(charactersIn: " :,-–—\t\n"))
        task = task.trimmingCharacters(in: CharacterSet(charactersIn: ".!? \"'“”‘’"))
        for tail in [" please", " for me", " thanks", " thank you"] where task.lowercased().hasSuffix(tail) {
            task = String(task.dropLast(tail.count))
        }
        guard !task.isEmpty, task.count <= 120, !task.contains("\n") else { return nil }
        return task.prefix(1).uppercased() + task.dropFirst()
    }
}

/// A tool shown with narrower arguments than its own; everything else is the tool's.
struct OfferedTool: Tool {
    let base: any Tool
    let arguments: JSONSchema

    var name: String { base.name }
    var description: String { base.description }
    var permission: ToolPermission { base.permission }
    var hints: [String] { base.hints }
    var requestArguments: [String: RequestField] { base.requestArguments }

    func precheck(_ arguments: JSONValue, context: ToolContext) async throws(ToolError) {
        try await base.precheck(arguments, context: context)
    }

    func approvalReason(for arguments: JSONValue, context: ToolContext) async -> String? {
        await base.approvalReason(for: arguments, context: context)
    }

    func call(_ arguments: JSONValue, context: ToolContext) async throws(ToolError) -> JSONValue {
        try await base.call(arguments, context: context)
    }

    func summary(of result: JSONValue) -> String { base.summary(of: result) }
}
