import SLMAgent
import Testing

/// The turn's policy as a table: the state a step begins in, and what it may do.
@Suite("Step plans")
struct StepPlanTests {
    typealias State = StepPlan.State

    static let tools = ["tasks_add", "tasks_list", "tasks_delete"]

    /// Budgets: 4 calls a turn, 2048 tokens, answers of 512, calls of 1024.
    static var configuration: RuntimeConfiguration { RuntimeConfiguration() }

    @Test("the step's calls, token budget and visibility follow from the turn's state", arguments: [
        // first step of an agent that starts with a tool: a required call, hidden
        (State(agentTools: tools, agentStartsWithTool: true),
         StepPlan(calls: .required(tools), maxTokens: 1024, showsText: false)),
        // a request that names its tools narrows a required first call to them
        (State(agentTools: tools, hintedTools: ["tasks_delete"]),
         StepPlan(calls: .required(["tasks_delete"]), maxTokens: 1024, showsText: false)),
        // no hint, no tool-first agent: the first step may call any of the agent's tools
        (State(agentTools: tools), StepPlan(calls: .optional(tools), maxTokens: 512, showsText: true)),
        // a later step may call again while calls and tokens are left
        (State(steps: 1, generated: 300, agentTools: tools, agentStartsWithTool: true),
         StepPlan(calls: .optional(tools), maxTokens: 512, showsText: true)),
        // after the last allowed call: answer
        (State(steps: 4, generated: 300, agentTools: tools), StepPlan(calls: .none, maxTokens: 512, showsText: true)),
        // told to answer (a repeated call): answer
        (State(steps: 1, mustAnswer: true, agentTools: tools), StepPlan(calls: .none, maxTokens: 512, showsText: true)),
        // an answer being continued: no call even where the first step would require one
        (State(mustAnswer: true, agentTools: tools, hintedTools: ["tasks_delete"], agentStartsWithTool: true),
         StepPlan(calls: .none, maxTokens: 512, showsText: true)),
        // the second step of a two-step request must call the tools its second part names
        (State(steps: 1, generated: 40, agentTools: tools, followUpTools: ["tasks_delete"], isChatTuned: false),
         StepPlan(calls: .required(["tasks_delete"]), maxTokens: 1024, showsText: false)),
        // ... but not a third, and not when told to answer
        (State(steps: 2, generated: 80, agentTools: tools, followUpTools: ["tasks_delete"], isChatTuned: false),
         StepPlan(calls: .none, maxTokens: 512, showsText: true)),
        (State(steps: 1, mustAnswer: true, agentTools: tools, followUpTools: ["tasks_delete"]),
         StepPlan(calls: .none, maxTokens: 512, showsText: true)),
        // a base model is never offered an optional call
        (State(agentTools: tools, isChatTuned: false), StepPlan(calls: .none, maxTokens: 512, showsText: true)),
        // ... but a required one still constrains it
        (State(agentTools: tools, agentStartsWithTool: true, isChatTuned: false),
         StepPlan(calls: .required(tools), maxTokens: 1024, showsText: false)),
        // an agent without tools only answers, at the length the turn asked for
        (State(requestedTokens: 64), StepPlan(calls: .none, maxTokens: 64, showsText: true)),
        // near the end of the token budget: no more calls, and the answer gets what is left
        (State(steps: 1, generated: 2000, agentTools: tools), StepPlan(calls: .none, maxTokens: 48, showsText: true)),
        // past the budget: still a short answer rather than none
        (State(steps: 2, generated: 2100, agentTools: tools), StepPlan(calls: .none, maxTokens: 16, showsText: true)),
        // a required call is cut to what the budget leaves
        (State(generated: 1500, agentTools: tools, agentStartsWithTool: true),
         StepPlan(calls: .required(tools), maxTokens: 548, showsText: false)),
    ])
    func plan(state: State, expected: StepPlan) {
        #expect(StepPlan(state, configuration: Self.configuration) == expected)
    }

    @Test("tools are described exactly when a call is possible")
    func describesTools() {
        #expect(StepPlan(calls: .required(["a"]), maxTokens: 1, showsText: false).describesTools)
        #expect(StepPlan(calls: .optional(["a"]), maxTokens: 1, showsText: true).describesTools)
        #expect(!StepPlan(calls: .none, maxTokens: 1, showsText: true).describesTools)
    }
}
