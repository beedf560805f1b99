import Foundation
import SLMAgent
import SLMEngine
import SLMTestSupport
import Testing

/// Turns of a model that ships its own chat template: the template writes the prompt,
/// declares the tools, and writes the calls and their results its own way.
@Suite("Turns with the model's own template")
struct ModelTemplateTurnTests {
    @Test("Qwen2.5's template declares the planner's tools and writes the call and its result as Qwen was trained")
    func qwenTemplate() async throws {
        let source = try String(contentsOf: Fixtures.url("templates/source/Qwen-Qwen2.5-7B-Instruct.jinja"), encoding: .utf8)
        let setup = try await ScriptedTurnTests.setup([
            .call(#"{"name": "tasks_add", "arguments": {"title": "Renew my passport", "due": "2026-12-04"}}"#),
            .text("Added it."),
        ], chatTemplate: source)
        let events = await ScriptedTurnTests.events(setup.runtime.send("@planner Remind me to renew my passport next Friday"))
        #expect(ScriptedTurnTests.summary(events)?.text == "Added it.\n\nAdded task 1 “Renew my passport”, due 2026-12-04.")
        #expect(!events.contains { if case .note = $0 { true } else { false } }, "the template wrote every prompt")
        let requests = setup.generator.requests
        #expect(requests.count == 2)
        let first = BranchTurnTests.text(requests[0].prompt)
        // the template's own tool section, with each tool as {"type": "function", "function": …}
        #expect(first.contains("<tools>") && first.contains(#"{"type": "function", "function": {"name": "tasks_add""#))
        #expect(first.contains("to assist with the user query") && !first.contains("to help with the user's request"),
                "the template's section, not slm-tui's as well")
        let second = BranchTurnTests.text(requests[1].prompt)
        // (the scripted vocabulary's specials are ids 0…6; <tool_call> is 5, written as the token)
        #expect(requests[1].prompt.contains(5) && second.contains(#"{"name": "tasks_add", "arguments": {"title": "Renew my passport""#))
        #expect(second.contains("<tool_response>\n{\"added\":"), "the result as the template writes it")
        #expect(second.hasSuffix("assistant\n"))
    }

    @Test("the template declares the agent's whole set in every step, so a required call and the step after it share the conversation")
    func sameDeclaration() async throws {
        let source = try String(contentsOf: Fixtures.url("templates/source/Qwen-Qwen2.5-7B-Instruct.jinja"), encoding: .utf8)
        let setup = try await ScriptedTurnTests.setup([
            .call(#"{"name": "notes_add", "arguments": {"text": "Door code 4512"}}"#), .text("Saved."),
            .call(#"{"name": "clock_now", "arguments": {}}"#), .text("It is 10:00."),
        ], chatTemplate: source)
        let first = ScriptedTurnTests.summary(await ScriptedTurnTests.events(setup.runtime.send("@planner note the door code 4512")))
        let id = try #require(first?.conversationID)
        _ = await ScriptedTurnTests.events(setup.runtime.send("@assistant what time is it now?",
                                                              options: TurnOptions(conversationID: id)))
        let requests = setup.generator.requests
        try #require(requests.count == 4)
        #expect(requests[2].constraint?.activation == .immediately, "the clock's call is required")
        let (call, answer) = (BranchTurnTests.text(requests[2].prompt), BranchTurnTests.text(requests[3].prompt))
        let request = try #require(call.range(of: "what time is it now?"))
        #expect(answer.hasPrefix(String(call[..<request.lowerBound])), "the same text up to this turn's request")
        #expect(call.contains(#""name": "calculator""#), "the assistant's other tools are declared too")
    }

    @Test("a template that refuses the conversation: the family's format writes it, and a note says why")
    func refused() async throws {
        let setup = try await ScriptedTurnTests.setup([.text("Hello.")], agents: [ScriptedTurnTests.chatter],
                                                      chatTemplate: "{{ raise_exception('no tools here') if messages[-1].content.endswith('Hi') }}x")
        let events = await ScriptedTurnTests.events(setup.runtime.send("Hi", options: TurnOptions(agent: "chatter")))
        #expect(ScriptedTurnTests.summary(events)?.text == "Hello.")
        let notes = events.compactMap { if case .note(let text) = $0 { text } else { nil } }
        #expect(notes.count == 1 && notes[0].contains("no tools here"), "\(events)")
    }
}

@Suite("Turns with a <|tool_call|> model")
struct ToolCallTokenTurnTests {
    @Test("Granite 3.3's template: the call is required after <|tool_call|> as a one-item list, parsed, and written back as the template does")
    func granite() async throws {
        let source = try String(contentsOf: Fixtures.url("templates/source/ibm-granite-granite-3.3-2B-Instruct.jinja"), encoding: .utf8)
        let setup = try await ScriptedTurnTests.setup([
            .call(#"[{"name": "tasks_add", "arguments": {"title": "Renew my passport", "due": "2026-12-04"}}]"#),
            .text("Added it."),
        ], chatTemplate: source)
        let events = await ScriptedTurnTests.events(setup.runtime.send("@planner Remind me to renew my passport next Friday"))
        #expect(ScriptedTurnTests.summary(events)?.text == "Added it.\n\nAdded task 1 “Renew my passport”, due 2026-12-04.")
        #expect(try await setup.store.tasks().map(\.title) == ["Renew my passport"])
        let first = try #require(setup.generator.requests.first)
        guard case .toolCallList? = first.constraint?.grammar else {
            Issue.record("not the list grammar: \(String(describing: first.constraint))")
            return
        }
        #expect(BranchTurnTests.text(first.prompt).hasSuffix("<|tool_call|>"), "the required call opens with the token")
        #expect(BranchTurnTests.text(first.prompt).contains("tasks_add"), "the template declared the tools")
        let second = BranchTurnTests.text(try #require(setup.generator.requests.last).prompt)
        #expect(second.contains("Renew my passport") && second.contains("\"added\""), "the call and its result went back")
    }
}
