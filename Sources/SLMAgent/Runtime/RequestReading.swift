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
    let recordNumber: Int?

    init(_ text: String, resolver: DateResolver, now: Date) {
        let found = resolver.find(in: text, now: now)
        moment = found?.moment
        taskTitle = Self.task(in: found?.remainder ?? text)
        recordNumber = Self.recordNumber(in: text)
    }

    init(moment: DueMoment?, taskTitle: String?, recordNumber: Int? = nil) {
        self.moment = moment
        self.taskTitle = taskTitle
        self.recordNumber = recordNumber
    }

    /// The schema that allows only what the request gave for `field`, and that value.
    private func offer(_ field: RequestField) -> (schema: JSONSchema, value: JSONValue)? {
        switch field {
        case .moment: moment.map { (.oneOf([$0.description]), .string($0.description)) }
        case .taskTitle: taskTitle.map { (.oneOf([$0]), .string($0)) }
        case .recordNumber: recordNumber.map { (.integer(minimum: $0, maximum: $0), .number(Double($0))) }
        }
    }

    /// `tool`, with each argument the request gave allowing only that value.
    func offering(_ tool: any Tool) -> any Tool {
        guard case .object(let properties) = tool.arguments else { return tool }
        var narrowed = false
        let offered = properties.map { property in
            guard let field = tool.requestArguments[property.name], let offer = offer(field) else { return property }
            narrowed = true
            return JSONSchema.Property(property.name, offer.schema, required: property.isRequired,
                                       description: property.description)
        }
        return narrowed ? OfferedTool(base: tool, arguments: .object(offered)) : tool
    }

    /// `arguments` with what the request gave added where the model left it out.
    func filling(_ arguments: JSONValue, for tool: any Tool) -> JSONValue {
        guard case .object(var members) = arguments else { return arguments }
        for (name, field) in tool.requestArguments.sorted(by: { $0.key < $1.key })
        where arguments[name] == nil || arguments[name] == .null {
            guard let offer = offer(field) else { continue }
            members.removeAll { $0.key == name }
            members.append(.init(name, offer.value))
        }
        return .object(members)
    }

    /// The one record number a request names: `task 3`, `draft #2`, `note no. 4`, `#5`;
    /// nil when it names none or several.
    static func recordNumber(in text: String) -> Int? {
        let words = text.lowercased().split { $0.isWhitespace || ",.;:!?()".contains($0) }.map(String.init)
        var numbers: Set<Int> = []
        for (index, word) in words.enumerated() {
            if word.hasPrefix("#"), let number = Int(word.dropFirst()), number > 0 { numbers.insert(number) }
            guard index > 0, let number = Int(word.hasPrefix("#") ? String(word.dropFirst()) : word), number > 0 else {
                continue
            }
            var before = words[index - 1]
            if ["no", "number", "#"].contains(before), index > 1 { before = words[index - 2] }
            if ["task", "draft", "note", "item", "email", "reminder", "number", "no"].contains(before) { numbers.insert(number) }
        }
        return numbers.count == 1 ? numbers.first : nil
    }

    /// The openings that state a task, longest first; what follows one is the task.
    private static let taskOpenings = [
        "remind me that i need to", "remind me that i have to", "remind me that i should", "remind me to",
        "remind me about", "add a task to", "add a task for", "add a task", "add task", "add a to-do", "add a todo",
        "add to my list", "new task", "create a task to", "create a task", "make a task to", "put on my list",
        "todo:", "to-do:", "task:", "i need to", "i have to", "i must", "don't forget to", "dont forget to",
        "remember to",
    ]

    /// The task a request states after an opening ("Add a task: pick up the dry cleaning"),
    /// capitalised, or nil when it opens otherwise.
    static func task(in text: String) -> String? {
        var rest = text.trimmingCharacters(in: .whitespacesAndNewlines)
        for polite in ["please ", "can you ", "could you ", "would you ", "hey, ", "hey "]
        where rest.lowercased().hasPrefix(polite) {
            rest = String(rest.dropFirst(polite.count))
        }
        let lower = rest.lowercased()
        guard let opening = taskOpenings.first(where: { opening in
            lower.hasPrefix(opening) && (lower.count == opening.count
                || !(lower[lower.index(lower.startIndex, offsetBy: opening.count)].isLetter))
        }) else { return nil }
        var task = String(rest.dropFirst(opening.count))
        task = task.trimmingCharacters(in: CharacterSet(charactersIn: " :,-–—\t\n"))
        task = task.trimmingCharacters(in: CharacterSet(charactersIn: ".!? "))
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
