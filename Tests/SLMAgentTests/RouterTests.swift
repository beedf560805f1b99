import SLMAgent
import Testing

@Suite("Router")
struct RouterTests {
    let router = Router(agents: AgentProfile.builtIn)

    @Test("a mention wins and is taken off the message")
    func mention() throws {
        let decision = try #require(try router.route("@writer  thank Ana for the flowers"))
        #expect(decision.agent == "writer")
        #expect(decision.rule == .mention)
        #expect(decision.text == "thank Ana for the flowers")
        let planner = try #require(try router.route("@Planner email is not my task"))
        #expect(planner.agent == "planner")
    }

    @Test("an unknown mention is an error that lists the agents")
    func unknownMention() {
        #expect(throws: Router.UnknownAgent.self) { try router.route("@chef make soup") }
        do {
            _ = try router.route("@chef make soup")
        } catch {
            #expect(error.description == "there is no agent @chef; agents: @assistant, @planner, @writer")
        }
    }

    @Test("keywords route, and say which", arguments: [
        ("Remind me to call the bank tomorrow", "planner", "remind"),
        ("Add a task: renew passport", "planner", "task"),
        ("What notes do I have about the boiler?", "planner", "note"),
        ("Draft an email to Ana about Friday", "writer", "email, draft"),
        ("Write a letter to my landlord", "writer", "letter"),
        ("What is 17.5 * 4?", "assistant", "arithmetic"),
        ("Please summarize the following notes: call the bank about my task list, email Ana, draft the plan",
         "assistant", "summarize"),
        ("Translate this note into French", "assistant", "translate"),
        ("Remind me: the email to Ana is due Friday", "planner", "remind"),
    ])
    func keywords(message: String, agent: String, detail: String) throws {
        let decision = try #require(try router.route(message))
        #expect(decision.agent == agent)
        #expect(decision.rule == .keywords)
        #expect(decision.detail == detail)
    }

    @Test("nothing decides plain chat or a tie: the model classifies", arguments: [
        "Tell me a joke about penguins", "Why is the sky blue?", "email my task list",
        "What do you think of this?\nRemember the task: email the draft note by Friday",
    ])
    func undecided(message: String) throws {
        #expect(try router.route(message) == nil)
    }

    @Test("arithmetic said in words goes to the assistant with the calculator", arguments: [
        "What is 12 times 7?", "what's 144 divided by 12", "How much is 19 plus 23",
    ])
    func spelledArithmetic(message: String) throws {
        let decision = try #require(try router.route(message))
        #expect(decision.agent == "assistant")
        #expect(decision.wantsCalculator)
    }

    @Test("arithmetic is spotted in the usual spellings", arguments: [
        ("12*7", true), ("what is 3 + 4", true), ("15% of 80", true), ("calculate the tip", true),
        ("route 66", false), ("2024-12-01", false), ("10 - 3", true), ("call me at 5", false),
        ("What is 12 times 7?", true), ("what's 100 divided by 8", true), ("2 to the power of 10", true),
        ("take it 3 times a day", false), ("plus one for the party", false), ("5 minus", false),
    ])
    func arithmetic(text: String, expected: Bool) {
        #expect(Router.looksLikeArithmetic(text) == expected)
    }
}

@Suite("Tool call checks")
struct ToolCallCheckTests {
    static let tools = ToolRegistry.builtIn

    @Test("valid calls pass; bad ones say what is wrong", arguments: [
        (#"{"name": "tasks_add", "arguments": {"title": "x", "due": "friday"}}"#, nil),
        (#"{"name": "tasks_add", "arguments": {"title": "x", "due": "someday"}}"#,
         "argument due: expected a date like 2026-12-04 or a day like tomorrow, friday, next friday, in 3 days"),
        (#"{"name": "tasks_add", "arguments": {}}"#, "argument title: required"),
        (#"{"name": "shell", "arguments": {"cmd": "rm -rf /"}}"#, "there is no tool shell"),
        (#"{"name": "tasks_add", "arguments": {"title": "x""#, "not valid JSON"),
        (#"{"arguments": {}}"#, "the call has no tool name"),
    ])
    func checks(text: String, problem: String?) {
        let outcome = AgentChecks.check(text, tools: Self.tools.tools)
        if let problem {
            #expect(outcome?.contains(problem) == true, "\(outcome ?? "valid")")
        } else {
            #expect(outcome == nil)
        }
    }
}

@Suite("Tool hints")
struct ToolHintTests {
    static func tools(_ agent: AgentProfile) -> [any Tool] { ToolRegistry.builtIn.subset(agent.toolNames) }

    @Test("a request that names what it wants narrows the agent's tools", arguments: [
        ("planner", "Mark task 1 as done", ["tasks_complete"]),
        ("planner", "Delete task 2 from my list", ["tasks_delete"]),
        ("planner", "Move the due date of task 1 to tomorrow", ["tasks_update"]),
        ("planner", "What notes do I have about the wifi?", ["notes_search"]),
        ("assistant", "What time is it now?", ["clock_now"]),
        ("assistant", "Which date is next Friday?", ["clock_resolve"]),
        ("writer", "Export draft 1 as an email file", ["drafts_export"]),
        ("writer", "Show me my email drafts", ["drafts_list"]),
    ])
    func narrowing(agent: String, request: String, expected: [String]) throws {
        let profile = try #require(AgentProfile.builtIn.first { $0.name == agent })
        #expect(ToolHints.best(Self.tools(profile), for: request)?.map(\.name) == expected)
    }

    @Test("plain chat names none of the assistant's tools")
    func none() {
        #expect(ToolHints.best(Self.tools(.assistant), for: "Tell me a fun fact about octopuses") == nil)
        #expect(ToolHints.best(Self.tools(.assistant), for: "Explain in one sentence what a CPU does") == nil)
    }
}
