import Foundation
import SLMAgent
import SLMEngine
import SLMStore
import SLMTestSupport
import Testing

/// The agent loop with a scripted model: routing, calls, approvals, cancellation and
/// failures, in milliseconds. (The real model's end-to-end turns are in AgentRuntimeTests.)
@Suite("Scripted turns")
struct ScriptedTurnTests {
    struct Setup {
        let runtime: AgentRuntime
        let generator: ScriptedGenerator
        let store: Store
    }

    static func setup(_ replies: [ScriptedGenerator.Reply], agents: [AgentProfile] = AgentProfile.builtIn,
                      isChatTuned: Bool = true, thinks: Bool = false, chatTemplate: String? = nil, contextLength: Int = 32_768,
                      configure: (inout RuntimeConfiguration) -> Void = { _ in }) async throws -> Setup {
        let folder = try Fixtures.temporaryDirectory("scripted")
        let store = try Store(path: folder.appendingPathComponent("slm-tui.sqlite3").path)
        let manager = ModelManager(configuration: .init(contextLength: contextLength, threads: 1))
        let generator = ScriptedGenerator(replies)
        let model = try ScriptedGenerator.model(generator, contextLength: contextLength, isChatTuned: isChatTuned, thinks: thinks,
                                                chatTemplate: chatTemplate)
        await manager.register(model)
        var configuration = RuntimeConfiguration()
        // Tuesday 24 November 2026, 10:00 UTC: "next Friday" is 2026-12-04
        configuration.now = { Date(timeIntervalSince1970: 1_795_514_400) }
        configuration.timeZone = TimeZone(identifier: "UTC")!
        configure(&configuration)
        let runtime = AgentRuntime(store: store, models: manager, drafts: DraftsFolder(url: folder.appendingPathComponent("drafts")),
                                   agents: agents, configuration: configuration)
        try await runtime.selectModel(model.reference)
        return Setup(runtime: runtime, generator: generator, store: store)
    }

    static func events(_ turn: AgentTurn, onApproval: ((ApprovalRequest) async -> Void)? = nil) async -> [AgentEvent] {
        var events: [AgentEvent] = []
        for await event in turn.events {
            events.append(event)
            if case .needsApproval(let request) = event { await onApproval?(request) }
        }
        return events
    }

    /// An agent with no tools: plain answers.
    static let chatter = AgentProfile(name: "chatter", summary: "chat", instructions: "Chat.", toolNames: [],
                                      sampling: .greedy, preferredModel: .light, startsWithTool: false, keywords: [])

    static func summary(_ events: [AgentEvent]) -> TurnSummary? {
        if case .finished(let summary)? = events.last { summary } else { nil }
    }

    @Test("a keyword routes to the planner; its required call is constrained from the first token, runs, and is answered")
    func plannerCall() async throws {
        let setup = try await Self.setup([
            .call(#"{"name": "tasks_add", "arguments": {"title": "Renew my passport", "due": "2026-12-04"}}"#),
            .text("Added “Renew my passport” for Friday."),
        ])
        let events = await Self.events(setup.runtime.send("Remind me to renew my passport next Friday"))
        let routed = events.compactMap { if case .routed(let decision) = $0 { decision } else { nil } }.first
        #expect(routed?.agent == "planner" && routed?.rule == .keywords)
        guard case .started(let id?, let title)? = events.first else { Issue.record("no started event: \(events)"); return }
        #expect(title == "Remind me to renew my passport next Friday")
        let results = events.compactMap { if case .toolResult(let result) = $0 { result } else { nil } }
        #expect(results.map(\.status) == [.succeeded])
        let summary = try #require(Self.summary(events))
        #expect(summary.status == .complete && summary.toolCalls == 1 && summary.conversationID == id)
        // what the model said, and what was stored in the app's words, always
        #expect(summary.text == "Added “Renew my passport” for Friday.\n\nAdded task 1 “Renew my passport”, due 2026-12-04.")
        #expect(try await setup.store.tasks().map(\.title) == ["Renew my passport"])
        let requests = setup.generator.requests
        #expect(requests.count == 2)
        #expect(requests[0].constraint?.activation == .immediately, "the required call is constrained from the start")
        #expect(requests[1].constraint?.activation == .after("<tool_call>"), "afterwards a call may start on its own")
        let stats = events.compactMap { if case .stats(let stats) = $0 { stats } else { nil } }
        #expect(stats.count == 2 && stats.allSatisfy { $0.cachedTokens > 0 && $0.contextLength == 32_768 })
    }

    @Test("a mention picks the agent and is taken off what the model reads")
    func mention() async throws {
        let setup = try await Self.setup([.text("Paris.")])
        let events = await Self.events(setup.runtime.send("@assistant What is the capital of France?"))
        let routed = events.compactMap { if case .routed(let decision) = $0 { decision } else { nil } }.first
        #expect(routed?.agent == "assistant" && routed?.rule == .mention && routed?.text == "What is the capital of France?")
        #expect(Self.summary(events)?.text == "Paris.")
        let messages = try await setup.store.messages(in: try #require(Self.summary(events)?.conversationID))
        #expect(messages.first?.content == "@assistant What is the capital of France?", "saved as typed")
    }

    @Test("with no rule deciding, the model chooses the agent among the names, constrained")
    func classified() async throws {
        let setup = try await Self.setup([.call("writer"), .text("Dear Ana, …")])
        let events = await Self.events(setup.runtime.send("Ana helped me move house"))
        let routed = events.compactMap { if case .routed(let decision) = $0 { decision } else { nil } }.first
        #expect(routed?.agent == "writer" && routed?.rule == .classifier)
        #expect(setup.generator.requests.first?.maxTokens == 8)
    }

    @Test("a destructive call waits for approval: allowed, it runs; denied, it never runs", arguments: [true, false])
    func approval(allowed: Bool) async throws {
        let setup = try await Self.setup([
            .call(#"{"name": "tasks_delete", "arguments": {"id": 2}}"#), .text("Done."),
        ])
        for title in ["a", "b", "c"] { _ = try await setup.store.addTask(title: title) }
        let runtime = setup.runtime
        var asked: [ApprovalRequest] = []
        let events = await Self.events(runtime.send("Delete task 2")) { request in
            asked.append(request)
            await runtime.answerApproval(request.id, approved: allowed)
        }
        #expect(asked.count == 1 && asked.first?.tool == "tasks_delete")
        #expect(events.contains(.approvalAnswered(id: asked.first?.id ?? -1, approved: allowed)))
        let result = try #require(events.compactMap { if case .toolResult(let result) = $0 { result } else { nil } }.first)
        #expect(result.status == (allowed ? .succeeded : .denied))
        if !allowed { #expect(result.result == .object(["error": .string("the user did not allow tasks_delete")])) }
        #expect(try await setup.store.tasks().map(\.title) == (allowed ? ["a", "c"] : ["a", "b", "c"]))
        #expect(Self.summary(events)?.status == .complete)
    }

    @Test("an approval answered at once is not lost, and a cancelled wait counts as a refusal")
    func approvalCancelled() async throws {
        let setup = try await Self.setup([.call(#"{"name": "tasks_delete", "arguments": {"id": 1}}"#), .text("ok")])
        _ = try await setup.store.addTask(title: "Pay rent")
        let turn = setup.runtime.send("Delete task 1")
        var events: [AgentEvent] = []
        for await event in turn.events {
            events.append(event)
            if case .needsApproval = event { turn.cancel() }
        }
        #expect(try await setup.store.tasks().map(\.title) == ["Pay rent"])
        #expect(!events.contains { if case .toolResult(let result) = $0 { result.status == .succeeded } else { false } })
    }

    @Test("a consumer that stops reading ends the turn, and its partial answer is kept as cancelled")
    func abandoned() async throws {
        let setup = try await Self.setup([.slow(String(repeating: "word ", count: 400), delay: .milliseconds(2))],
                                         agents: AgentProfile.builtIn + [Self.chatter])
        var tokens = 0
        for await event in setup.runtime.send("@chatter tell me a story").events {
            if case .token = event { tokens += 1 }
            if tokens == 3 { break }
        }
        // the turn notices and saves what it showed; it must not wait for a reader that left
        var status: MessageStatus?
        for _ in 0..<200 where status != .cancelled {
            try await Task.sleep(for: .milliseconds(10))
            let conversation = try await setup.store.conversations(limit: 1).first
            if let conversation { status = try await setup.store.messages(in: conversation.id).last?.status }
        }
        #expect(status == .cancelled)
    }

    @Test("an unknown agent is a clear failure that saves nothing")
    func unknownAgent() async throws {
        let setup = try await Self.setup([], agents: AgentProfile.builtIn + [Self.chatter])
        let events = await Self.events(setup.runtime.send("@chef make soup"))
        #expect(events == [.failed("there is no agent @chef; agents: @assistant, @planner, @writer, @chatter")])
        #expect(try await setup.store.conversations().isEmpty)
        #expect(setup.generator.requests.isEmpty)
    }

    @Test("an invalid call is answered to the model as a problem, never run, and the chat says it failed")
    func invalidCall() async throws {
        let setup = try await Self.setup([
            .call(#"{"name": "tasks_add", "arguments": {}}"#), .text("Sorry, what should the task be?"),
        ])
        let events = await Self.events(setup.runtime.send("Remind me"))
        #expect(try await setup.store.tasks().isEmpty)
        let failed = events.compactMap { if case .toolResult(let result) = $0 { result } else { nil } }
        #expect(failed.allSatisfy { $0.status == .failed })
        // the model's words, then what failed in the app's own words
        #expect(Self.summary(events)?.text == "Sorry, what should the task be?\n\nFailed: tasks_add — argument title: required.")
        let second = try #require(setup.generator.requests.last)
        #expect(second.prompt.count > setup.generator.requests[0].prompt.count, "the problem went back to the model")
    }

    @Test("cancelling stops the answer within a piece and keeps what was said, marked cancelled")
    func cancel() async throws {
        let setup = try await Self.setup([.slow(String(repeating: "word ", count: 200), delay: .milliseconds(5))],
                                         agents: AgentProfile.builtIn + [Self.chatter])
        let turn = setup.runtime.send("@chatter talk to me")
        var pieces = 0
        var events: [AgentEvent] = []
        for await event in turn.events {
            events.append(event)
            if case .token = event {
                pieces += 1
                if pieces == 3 { turn.cancel() }
            }
        }
        #expect(pieces <= 4, "at most one more piece after the cancel")
        let summary = try #require(Self.summary(events))
        #expect(summary.status == .cancelled)
        let answer = try #require(try await setup.store.messages(in: summary.conversationID).last)
        #expect(answer.status == .cancelled && answer.content.hasPrefix("word word word"))
    }

    @Test("a generation that fails ends the turn with the reason; the user's message is kept")
    func failure() async throws {
        let setup = try await Self.setup([.failure("the disk went away")], agents: AgentProfile.builtIn + [Self.chatter])
        let events = await Self.events(setup.runtime.send("@chatter hello"))
        guard case .failed(let message)? = events.last else { Issue.record("last event: \(String(describing: events.last))"); return }
        #expect(message.contains("the disk went away"))
        let conversation = try #require(try await setup.store.conversations().first)
        #expect(try await setup.store.messages(in: conversation.id).map(\.content) == ["@chatter hello"])
    }

    @Test("a prompt that cannot fit the context fails clearly before anything is generated")
    func tooLong() async throws {
        let setup = try await Self.setup([.text("never")], contextLength: 64)
        let events = await Self.events(setup.runtime.send("@assistant " + String(repeating: "long words ", count: 100)))
        guard case .failed(let message)? = events.last else { Issue.record("last event: \(String(describing: events.last))"); return }
        #expect(message.contains("context"))
        #expect(setup.generator.requests.isEmpty)
    }

    @Test("a base model is never offered optional calls: its steps are unconstrained")
    func baseModel() async throws {
        let setup = try await Self.setup([.text("The capital is Paris.")], isChatTuned: false)
        let events = await Self.events(setup.runtime.send("@assistant capital of France?"))
        #expect(Self.summary(events)?.text == "The capital is Paris.")
        #expect(setup.generator.requests.allSatisfy { $0.constraint == nil })
    }

    @Test("a follow-up reads the transcript: earlier answers, no earlier tool traffic")
    func followUp() async throws {
        let setup = try await Self.setup([
            .call(#"{"name": "notes_add", "arguments": {"text": "Door code 4512"}}"#), .text("Saved."),
            .text("It is 4512."),
        ])
        let first = Self.summary(await Self.events(setup.runtime.send("@planner note the door code 4512")))
        let id = try #require(first?.conversationID)
        var options = TurnOptions()
        options.conversationID = id
        let events = await Self.events(setup.runtime.send("@assistant what was the code?", options: options))
        guard case .started(let again?, let title)? = events.first else { Issue.record("no started event"); return }
        #expect(again == id && title == "note the door code 4512")
        #expect(Self.summary(events)?.text == "It is 4512.")
        let transcript = try await Assistant(
            runtime: setup.runtime, library: ModelLibrary(directory: URL(fileURLWithPath: "/nonexistent"), catalog: try ModelCatalog.bundled()),
            discovery: ModelDiscovery(library: ModelLibrary(directory: URL(fileURLWithPath: "/nonexistent"),
                                                            catalog: try ModelCatalog.bundled()),
                                      home: URL(fileURLWithPath: "/nonexistent"))
        ).transcript(of: id)
        #expect(transcript.messages.map(\.text) == [
            "@planner note the door code 4512", "Saved.\n\nNoted: “Door code 4512”.", "@assistant what was the code?", "It is 4512.",
        ])
        #expect(transcript.toolCalls.map(\.tool) == ["notes_add"])
    }

    @Test("the tools are described with the request, after the conversation, so the steps around a call share it")
    func toolsAfterTheConversation() async throws {
        let setup = try await Self.setup([
            .call(#"{"name": "notes_add", "arguments": {"text": "Door code 4512"}}"#), .text("Saved."),
            .call(#"{"name": "clock_now", "arguments": {}}"#), .text("It is 10:00."),
        ])
        let first = Self.summary(await Self.events(setup.runtime.send("@planner note the door code 4512")))
        let id = try #require(first?.conversationID)
        _ = await Self.events(setup.runtime.send("@assistant what time is it now?", options: TurnOptions(conversationID: id)))
        let prompts = setup.generator.requests.map { BranchTurnTests.text($0.prompt) }
        try #require(prompts.count == 4)
        let earlier = try #require(prompts[2].range(of: "Noted: “Door code 4512”."))
        let conversation = String(prompts[2][..<earlier.upperBound])
        #expect(!conversation.contains("<tools>"), "no tool section before the request")
        #expect(prompts[2].dropFirst(conversation.count).contains("<tools>"), "the call's step has it with the request")
        #expect(prompts[3].hasPrefix(conversation), "the step after the call reads the same conversation first")
    }

    @Test("a follow-up continues the conversation; whole oldest turns drop out when they do not fit")
    func trimming() async throws {
        let setup = try await Self.setup([.text("Ships float too.")], agents: AgentProfile.builtIn + [Self.chatter],
                                         contextLength: 3000)
        let conversation = try await setup.store.createConversation(title: "Long")
        for index in 0..<12 {
            _ = try await setup.store.appendMessage(to: conversation.id, role: .user,
                                                    content: "Question \(index): " + String(repeating: "boats? ", count: 20))
            _ = try await setup.store.appendMessage(to: conversation.id, role: .assistant,
                                                    content: "Answer \(index): " + String(repeating: "they float. ", count: 20))
        }
        let events = await Self.events(setup.runtime.send("@chatter And ships?",
                                                          options: TurnOptions(conversationID: conversation.id)))
        let dropped = events.compactMap { if case .contextTrimmed(let count) = $0 { count } else { nil } }
        #expect((dropped.first ?? 0) >= 2)
        #expect(dropped.first.map { $0 % 2 == 0 } == true, "whole turns: a question and its answer")
        let summary = try #require(Self.summary(events))
        #expect(summary.conversationID == conversation.id && summary.status == .complete)
        #expect(try await setup.store.messages(in: conversation.id).count == 26)
        let prompt = try #require(setup.generator.requests.first?.prompt)
        #expect(prompt.count <= 3000 - 512, "the answer's tokens stay free")
    }
}
