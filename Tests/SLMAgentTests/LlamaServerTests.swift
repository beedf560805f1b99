import Foundation
@testable import SLMAgent
import SLMEngine
import SLMStore
import SLMTestSupport
import Testing

/// The default model behind a real llama-server on loopback: streamed answers with figures
/// from the stream, both legs of a tool call, a cancelled answer, a server killed mid-answer,
/// a wrong key and a wrong port. Skipped, saying why, when llama-server is not built.
@Suite("A real llama-server", .serialized, .enabled(if: LlamaServer.binary != nil, Comment(rawValue: LlamaServer.missing)))
struct LlamaServerTests {
    static let name = RemoteModelName(model: "gemma3-270m", server: "local")

    static func runtime(_ server: LlamaServer, key: String? = nil) async throws -> (AgentRuntime, Store) {
        let folder = try Fixtures.temporaryDirectory("llama-server")
        let store = try Store(path: folder.appendingPathComponent("slm-tui.sqlite3").path)
        let runtime = AgentRuntime(store: store, models: ModelManager(configuration: .init(threads: 1)),
                                   drafts: DraftsFolder(url: folder.appendingPathComponent("drafts")),
                                   servers: [ModelServer(name: "local", url: server.url, apiKey: key)])
        return (runtime, store)
    }

    static func options(maxTokens: Int) -> TurnOptions {
        var options = TurnOptions()
        options.maxTokens = maxTokens
        options.sampling = SamplingChoice(temperature: 0)
        return options
    }

    /// The events of a long answer, with `interrupt` done once three pieces have come.
    static func longAnswer(_ runtime: AgentRuntime, interrupt: (AgentTurn) -> Void) async -> [AgentEvent] {
        let turn = runtime.send("@assistant Write a long story about the sea.", options: Self.options(maxTokens: 1500))
        var events: [AgentEvent] = []
        var tokens = 0
        for await event in turn.events {
            events.append(event)
            if case .token = event { tokens += 1; if tokens == 3 { interrupt(turn) } }
        }
        return events
    }

    @Test("an answer streams from the server with its figures; the conversation records the server's model")
    func streamedAnswer() async throws {
        let server = try LlamaServer(model: try DefaultModel.path(), alias: "gemma3-270m")
        let (runtime, store) = try await Self.runtime(server)
        try await runtime.selectRemoteModel(Self.name)
        let events = await ScriptedTurnTests.events(runtime.send("@assistant Say hello to Ana.", options: Self.options(maxTokens: 12)))
        let summary = try #require(ScriptedTurnTests.summary(events), "\(events)")
        #expect(summary.status == .complete && summary.model == "gemma3-270m@local")
        #expect(events.filter { if case .token = $0 { true } else { false } }.count > 1)
        let stats = events.compactMap { if case .stats(let stats) = $0 { stats } else { nil } }.last
        #expect((stats?.promptTokens ?? 0) > 10 && stats?.generatedTokens == 12 && stats?.stopReason == "max_tokens")
        #expect((stats?.decodeTokensPerSecond ?? 0) > 0 && (stats?.timeToFirstTokenMilliseconds ?? 0) > 0)
        #expect(try await store.conversation(summary.conversationID).model == "gemma3-270m@local")
    }

    @Test("both legs of a tool call: the server's streamed tool_calls become the call; a call and its result sent back are answered")
    func toolLegs() async throws {
        // the default model's file has no chat template; a Hermes-style one makes the server
        // read `<tool_call>` markup as calls
        let template = try #require(LlamaServer.referenceTemplate("Qwen-Qwen2.5-7B-Instruct"),
                                    "the reference's models/templates folder is missing")
        let server = try LlamaServer(model: try DefaultModel.path(), alias: "gemma3-270m", template: template)
        let model = RemoteModel(Self.name, connection: try ServerConnection(ModelServer(name: "local", url: server.url)))
        let tool = try #require(ToolRegistry.builtIn.subset(["tasks_add"]).first)
        // this llama-server does not hold a 270M model to tool_choice "required" (its sampler
        // gets no grammar for the template); an opened call continued by the model is parsed
        // by the server into streamed tool_calls all the same
        var input = StepInput(system: "You add tasks.", history: [], turn: [.user("Add a task: water the plants")],
                              calls: .optional(["tasks_add"]), tools: [tool], agentTools: [tool], maxTokens: 24,
                              sampling: .greedy, answerPrefix: "<tool_call>\n{\"name\": \"tasks_add\", \"arguments\": {\"title\": \"Water",
                              enableThinking: false, contextFile: nil)
        var call: String?
        for try await event in try model.step(input).events {
            if case .constrained(let text) = event { call = text }
        }
        let written = try #require(call.flatMap(JSONValue.init(parsing:)))
        #expect(written["name"]?.stringValue == "tasks_add")

        input.answerPrefix = ""
        input.calls = .none
        input.turn += [model.callMessage(name: "tasks_add", arguments: .object(["title": .string("Water the plants")]), id: "call_1"),
                       ChatMessage(role: .tool, content: #"{"id": 1, "title": "Water the plants"}"#, toolCallID: "call_1")]
        var text = ""
        var finished: GenerationStats?
        for try await event in try model.step(input).events {
            switch event {
            case .text(let piece): text += piece
            case .finished(let stats): finished = stats
            default: break
            }
        }
        #expect(!text.isEmpty && finished != nil)
    }

    @Test("cancelling mid-answer keeps the partial answer; the server serves the next turn at once")
    func cancel() async throws {
        let server = try LlamaServer(model: try DefaultModel.path(), alias: "gemma3-270m")
        let (runtime, _) = try await Self.runtime(server)
        try await runtime.selectRemoteModel(Self.name)
        let events = await Self.longAnswer(runtime) { turn in turn.cancel() }
        let summary = try #require(ScriptedTurnTests.summary(events))
        #expect(summary.status == .cancelled && !summary.text.isEmpty)
        // the server's one slot was freed by the closed connection: a new turn gets it
        let next = await ScriptedTurnTests.events(runtime.send("@assistant Hi", options: Self.options(maxTokens: 4)))
        #expect(ScriptedTurnTests.summary(next)?.status == .complete)
    }

    @Test("a server killed mid-answer: the turn fails in words, the partial answer is kept")
    func killed() async throws {
        let server = try LlamaServer(model: try DefaultModel.path(), alias: "gemma3-270m")
        let (runtime, store) = try await Self.runtime(server)
        try await runtime.selectRemoteModel(Self.name)
        let events = await Self.longAnswer(runtime) { _ in server.kill() }
        guard case .failed(let reason)? = events.last else { Issue.record("the turn did not fail: \(events.last as Any)"); return }
        #expect(reason.contains("server local"), "\(reason)")
        let id = try #require(try await store.conversations(limit: 1).first?.id)
        let answer = try #require(try await Transcript.load(id, from: store).messages.last)
        #expect(answer.status == .failed && !answer.text.isEmpty)
    }

    @Test("a wrong API key and a wrong port are clear errors")
    func wrongKeyAndPort() async throws {
        let server = try LlamaServer(model: try DefaultModel.path(), alias: "gemma3-270m", apiKey: "right-key")
        let (wrong, _) = try await Self.runtime(server, key: "wrong-key")
        await #expect(throws: ServerError.keyRefused(server: "local", status: 401, message: "Invalid API Key")) {
            try await wrong.selectRemoteModel(Self.name)
        }
        let (right, _) = try await Self.runtime(server, key: "right-key")
        try await right.selectRemoteModel(Self.name)
        server.stop()
        let events = await ScriptedTurnTests.events(right.send("@assistant Hi", options: Self.options(maxTokens: 4)))
        guard case .failed(let reason)? = events.last else { Issue.record("the turn did not fail"); return }
        #expect(reason.contains("cannot reach server local") && reason.contains("connection refused"), "\(reason)")
    }
}
