import SLMEngine

/// One of the assistant's personas: what it is for, what it is told, which tools it may
/// use, how it samples and which kind of model it prefers.
public struct AgentProfile: Sendable {
    /// The kind of model an agent prefers; it falls back to the loaded one.
    public enum ModelClass: String, Sendable, Codable, CaseIterable {
        case light, capable
    }

    public let name: String
    /// One line: what the agent handles (shown to the router and in help).
    public let summary: String
    public let instructions: String
    public let toolNames: [String]
    public let sampling: SamplingParameters
    public let preferredModel: ModelClass
    /// The agent exists to use its tools: its first step is always a tool call.
    public let startsWithTool: Bool
    /// Words that route a message to this agent.
    public let keywords: [String]

    public init(
        name: String, summary: String, instructions: String, toolNames: [String], sampling: SamplingParameters,
        preferredModel: ModelClass, startsWithTool: Bool, keywords: [String]
    ) {
        self.name = name
        self.summary = summary
        self.instructions = instructions
        self.toolNames = toolNames
        self.sampling = sampling
        self.preferredModel = preferredModel
        self.startsWithTool = startsWithTool
        self.keywords = keywords
    }

    /// Tool calls are written with little randomness (arguments should be what was asked),
    /// and no more than the user's: `--temp 0` makes them greedy, `--seed` repeatable.
    public func toolSampling(choice: SamplingChoice? = nil) -> SamplingParameters {
        var sampling = sampling
        sampling.temperature = min(sampling.temperature, choice?.temperature ?? 0.2, 0.2)
        if let seed = choice?.seed { sampling.seed = seed }
        return sampling
    }

    public static let assistant = AgentProfile(
        name: "assistant", summary: "general questions, explanations, arithmetic and conversation",
        instructions: """
            You are slm-tui, a helpful assistant running offline on the user's own computer. Answer briefly and \
            accurately. Use the calculator for arithmetic and the clock for dates; say so when you do not know.
            """,
        toolNames: ["calculator", "clock_now", "clock_resolve", "history_search", "notes_search"],
        sampling: SamplingParameters(temperature: 0.7, topK: 40, topP: 0.95, minP: 0.05, repetitionPenalty: 1.1),
        preferredModel: .light, startsWithTool: false, keywords: [])

    public static let planner = AgentProfile(
        name: "planner", summary: "tasks, reminders, deadlines, notes and dates",
        instructions: """
            You are the planner: you keep the user's tasks and notes. Use the tools to add, list, update, complete \
            or delete tasks and to keep or find notes; give due days as yyyy-mm-dd, resolving words like "next \
            Friday" with clock_resolve first when unsure. After the tools have answered, confirm in one or two \
            sentences what you did.
            """,
        toolNames: ["tasks_add", "tasks_list", "tasks_update", "tasks_complete", "tasks_delete", "notes_add",
                    "notes_search", "notes_delete", "clock_now", "clock_resolve"],
        sampling: SamplingParameters(temperature: 0.3, topK: 40, topP: 0.9, minP: 0.05, repetitionPenalty: 1.1),
        preferredModel: .light, startsWithTool: true,
        keywords: ["task", "todo", "to-do", "remind", "reminder", "deadline", "due", "schedule", "agenda",
                   "note", "appointment", "plan", "calendar", "done with", "don't forget", "dont forget", "i need to",
                   "i have to", "remember to", "write down", "jot down", "my list", "noted", "set a reminder"])

    public static let writer = AgentProfile(
        name: "writer", summary: "email drafts and letters",
        instructions: """
            You are the writer: you draft emails for the user. Write the whole email with drafts_create (or change \
            one with drafts_revise): a clear subject, a greeting, short paragraphs and a sign-off. After the tools \
            have answered, tell the user in one sentence what you drafted.
            """,
        toolNames: ["drafts_create", "drafts_revise", "drafts_list", "drafts_show", "drafts_export"],
        sampling: SamplingParameters(temperature: 0.7, topK: 40, topP: 0.95, minP: 0.05, repetitionPenalty: 1.1),
        preferredModel: .capable, startsWithTool: true,
        keywords: ["email", "e-mail", "mail", "draft", "letter", "reply to", "write to", "message to"])

    /// The three built-in agents.
    public static let builtIn = [assistant, planner, writer]
}
