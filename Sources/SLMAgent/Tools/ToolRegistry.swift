/// The tools the agent can use, by name, in the order they are shown to models.
public struct ToolRegistry: Sendable {
    public let tools: [any Tool]

    public init(_ tools: [any Tool]) { self.tools = tools }

    /// Every built-in tool: tasks, drafts, notes, clock, calculator and history search.
    public static let builtIn = ToolRegistry(
        TaskTools.all + DraftTools.all + NoteTools.all + ClockTools.all + [CalculatorTool(), HistorySearchTool()])

    public subscript(name: String) -> (any Tool)? { tools.first { $0.name == name } }

    /// The tools named, in registry order; unknown names are ignored.
    public func subset(_ names: [String]) -> [any Tool] { tools.filter { names.contains($0.name) } }
}
