import Foundation
@testable import SLMAgent
import SLMEngine
import SLMStore
import SLMTestSupport
import Testing

/// Whole turns through a model on a server, against a loopback server that replays
/// exchanges (a Python script in the fixtures): calls and their results sent back, the
/// key, a refused `tools`, a server that drops the connection, a cancelled answer, a
/// wrong port. The same against a real llama-server is in `LlamaServerTests`.
@Suite("Turns on a server", .serialized)
struct RemoteTurnTests {
    static func answer(_ file: String, delay: Double = 0, cutAfter: Int? = nil) -> [String: Any] {
        var answer: [String: Any] = ["type": "text/event-stream", "file": Fixtures.url("servers/" + file).path, "delay": delay]
        if let cutAfter { answer["cut_after"] = cutAfter }
        return answer
    }

    static var models: [String: Any] { ["file": Fixtures.url("servers/vllm-models.json").path] }
    static let modelName = RemoteModelName(model: "Qwen/Qwen2.5-7B-Instruct", server: "gpu")

    struct Setup {
        let runtime: AgentRuntime
        let store: Store
    }

    static func setup(port: Int, key: String? = nil) async throws -> Setup {
        let folder = try Fixtures.temporaryDirectory("remote")
        let store = try Store(path: folder.appendingPathComponent("slm-tui.sqlite3").path)
        var configuration = RuntimeConfiguration()
        configuration.now = { Date(timeIntervalSince1970: 1_795_514_400) }
        configuration.timeZone = TimeZone(identifier: "UTC")!
        let server = ModelServer(name: "gpu", url: "http://127.0.0.1:\(port)/v1", api: "openai", apiKey: key)
        let runtime = AgentRuntime(store: store, models: ModelManager(configuration: .init(threads: 1)),
                                   drafts: DraftsFolder(url: folder.appendingPathComponent("drafts")),
                                   configuration: configuration, servers: [server])
        return Setup(runtime: runtime, store: store)
    }

    @Test("a request that names a tool: the call streams in pieces, runs, its result goes back, the answer streams")
    func toolRoundTrip() async throws {
        let server = try ReplayServer(["key": "sk-test", "routes": [
            "GET /v1/models": Self.models,
            "POST /v1/chat/completions": [Self.answer("vllm-tool-call.sse"), Self.answer("vllm-answer.sse")],
        ]])
        let setup = try await Self.setup(port: server.port, key: "sk-test")
        try await setup.runtime.selectRemoteModel(Self.modelName)
        let events = await ScriptedTurnTests.events(setup.runtime.send("Remind me to call Ana on Friday"))
        let summary = try #require(ScriptedTurnTests.summary(events))
        #expect(summary.model == "Qwen/Qwen2.5-7B-Instruct@gpu" && summary.toolCalls == 1)
        #expect(summary.text.hasPrefix("Added it for Friday."))
        let tasks = try await setup.store.tasks()
        #expect(tasks.map(\.title) == ["Call Ana"] && tasks.first?.due == "2026-11-27", "\(tasks)")
        #expect(events.contains { if case .stats(let stats) = $0 { stats.promptTokens == 412 } else { false } })

        let bodies = server.chatBodies
        #expect(bodies.count == 2)
        #expect(server.requests.allSatisfy { $0["authorized"] as? String == "Bearer sk-test" })
        #expect(bodies[0]["stream"] == .bool(true) && bodies[0]["model"]?.stringValue == "Qwen/Qwen2.5-7B-Instruct")
        #expect(bodies[0]["tool_choice"]?.stringValue == "required")
        #expect(bodies[0]["tools"]?.arrayValue?.contains { $0["function"]?["name"]?.stringValue == "tasks_add" } == true)
        let sent = bodies[1]["messages"]?.arrayValue ?? []
        let call = sent.first { $0["tool_calls"] != nil }
        let result = sent.first { $0["role"]?.stringValue == "tool" }
        #expect(call?["tool_calls"]?.arrayValue?.first?["function"]?["name"]?.stringValue == "tasks_add")
        #expect(result?["tool_call_id"] == call?["tool_calls"]?.arrayValue?.first?["id"])
        #expect(result?["content"]?.stringValue?.contains("Call Ana") == true, "\(String(describing: result))")
        // the conversation and its metrics say which server's model answered
        let conversation = try await setup.store.conversation(summary.conversationID)
        #expect(conversation.model == "Qwen/Qwen2.5-7B-Instruct@gpu")
    }

    @Test("a server that refuses tools is asked again with them in the text; the call written there runs")
    func toolsInText() async throws {
        let written = "data: {\"choices\":[{\"delta\":{\"content\":\"<tool_call>\\n{\\\"name\\\": \\\"tasks_add\\\", \\\"arguments\\\": {\\\"title\\\": \\\"Water the plants\\\"}}\\n</tool_call>\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n"
        let server = try ReplayServer(["refuse_tools": true, "routes": [
            "GET /v1/models": Self.models,
            "POST /v1/chat/completions": [["type": "text/event-stream", "body": written], Self.answer("vllm-answer.sse")],
        ]])
        let setup = try await Self.setup(port: server.port)
        try await setup.runtime.selectRemoteModel(Self.modelName)
        let events = await ScriptedTurnTests.events(setup.runtime.send("Add a task: water the plants"))
        #expect(ScriptedTurnTests.summary(events) != nil)
        #expect(try await setup.store.tasks().map(\.title) == ["Water the plants"])
        let bodies = server.chatBodies
        // refused with tools, then without them for the rest of the turn
        #expect(bodies.count == 3 && bodies[0]["tools"] != nil && bodies[1]["tools"] == nil && bodies[2]["tools"] == nil)
        let system = bodies[1]["messages"]?.arrayValue?.first?["content"]?.stringValue ?? ""
        #expect(system.contains("<tool_call>") && system.contains("tasks_add"))
        let last = bodies[2]["messages"]?.arrayValue ?? []
        #expect(last.contains { $0["role"]?.stringValue == "user" && $0["content"]?.stringValue?.hasPrefix("<tool_response>") == true })
        #expect(!last.contains { $0["role"]?.stringValue == "tool" })
    }

    @Test("a server that lets the model answer in words where a call was required: the words are the answer, asked once")
    func wordsForRequiredCall() async throws {
        let server = try ReplayServer(["routes": [
            "GET /v1/models": Self.models,
            "POST /v1/chat/completions": Self.answer("ollama-answer.sse"),
        ]])
        let setup = try await Self.setup(port: server.port)
        try await setup.runtime.selectRemoteModel(Self.modelName)
        let events = await ScriptedTurnTests.events(setup.runtime.send("Remind me to call Ana on Friday"))
        let summary = try #require(ScriptedTurnTests.summary(events))
        #expect(summary.text == "Hello, Ana!" && summary.toolCalls == 0)
        let bodies = server.chatBodies
        #expect(bodies.count == 1 && bodies[0]["tool_choice"]?.stringValue == "required")
        #expect((bodies[0]["max_tokens"]?.intValue ?? .max) <= RuntimeConfiguration().answerTokens)
        #expect(try await setup.store.tasks().isEmpty)
    }

    @Test("a hostile server: an answer past max_tokens is stopped, an endless line and a long error are bounded errors")
    func hostileServer() async throws {
        let endless = (0..<400).map { _ in "data: {\"choices\":[{\"delta\":{\"content\":\"w \"}}]}\n\n" }.joined()
        let longError = String(repeating: "\u{1B}[31mno\n", count: 2000)
        let server = try ReplayServer(["routes": [
            "GET /v1/models": Self.models,
            "POST /v1/chat/completions": [
                ["type": "text/event-stream", "body": endless],
                ["type": "text/event-stream", "body": "data: " + String(repeating: "a", count: 4_100_000), "split": 65_536],
                ["status": 500, "body": "{\"error\": {\"message\": \(String(data: try JSONEncoder().encode(longError), encoding: .utf8)!)}}"],
            ],
        ]])
        let setup = try await Self.setup(port: server.port)
        try await setup.runtime.selectRemoteModel(Self.modelName)
        var options = TurnOptions()
        options.maxTokens = 16
        let first = await ScriptedTurnTests.events(setup.runtime.send("@assistant talk", options: options))
        let summary = try #require(ScriptedTurnTests.summary(first))
        let words = summary.text.split(separator: " ").count
        #expect(words > 16 && words <= 16 * 2 + 64 + 1)

        let second = await ScriptedTurnTests.events(setup.runtime.send("@assistant talk"))
        guard case .failed(let tooLong)? = second.last else { Issue.record("an endless line was taken"); return }
        #expect(tooLong.contains("a line of over"))

        let third = await ScriptedTurnTests.events(setup.runtime.send("@assistant talk"))
        guard case .failed(let error)? = third.last else { Issue.record("a failed request was taken"); return }
        #expect(error.hasPrefix("server gpu answered HTTP 500: ") && error.count < 400 && !error.contains("\n"))
    }

    @Test("a server that drops the connection mid-answer: the turn fails in words and what came is kept")
    func cutOff() async throws {
        let server = try ReplayServer(["routes": [
            "GET /v1/models": Self.models,
            "POST /v1/chat/completions": Self.answer("ollama-answer.sse", cutAfter: 6),
        ]])
        let setup = try await Self.setup(port: server.port)
        try await setup.runtime.selectRemoteModel(Self.modelName)
        let events = await ScriptedTurnTests.events(setup.runtime.send("@assistant hello"))
        guard case .failed(let reason)? = events.last else { Issue.record("the turn did not fail: \(events)"); return }
        #expect(reason.contains("stopped answering mid-answer") || reason.contains("connection"))
        let id = try #require(try await setup.store.conversations(limit: 1).first?.id)
        let answer = try #require(try await Transcript.load(id, from: setup.store).messages.last)
        #expect(answer.text == "Hello, Ana!" && answer.status == .failed)
    }

    @Test("cancelling mid-answer closes the connection and keeps the partial answer as cancelled")
    func cancel() async throws {
        let server = try ReplayServer(["routes": [
            "GET /v1/models": Self.models,
            "POST /v1/chat/completions": ["type": "text/event-stream", "delay": 0.1,
                                          "body": (0..<60).map { "data: {\"choices\":[{\"delta\":{\"content\":\"w\($0) \"}}]}\n\n" }.joined()],
        ]])
        let setup = try await Self.setup(port: server.port)
        try await setup.runtime.selectRemoteModel(Self.modelName)
        let turn = setup.runtime.send("@assistant count")
        var events: [AgentEvent] = []
        for await event in turn.events {
            events.append(event)
            if case .token = event, events.filter({ if case .token = $0 { true } else { false } }).count == 3 { turn.cancel() }
        }
        let summary = try #require(ScriptedTurnTests.summary(events))
        #expect(summary.status == .cancelled && summary.text.hasPrefix("w0 w1 "))
        // the server sees the connection closed while it still had most of the answer to send
        var closed = false
        for _ in 0..<50 where !closed {
            closed = server.requests.contains { $0["closed"] != nil }
            if !closed { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(closed)
    }

    @Test("a wrong key, a wrong port, an unknown model and an unknown server are clear errors; the selection stays")
    func errors() async throws {
        let server = try ReplayServer(["key": "right", "routes": ["GET /v1/models": Self.models]])
        let wrongKey = try await Self.setup(port: server.port, key: "wrong")
        await #expect(throws: ServerError.keyRefused(server: "gpu", status: 401, message: "Invalid API Key")) {
            try await wrongKey.runtime.selectRemoteModel(Self.modelName)
        }
        #expect(await wrongKey.runtime.selectedModel == nil)

        let rightKey = try await Self.setup(port: server.port, key: "right")
        do {
            try await rightKey.runtime.selectRemoteModel(RemoteModelName(model: "nope", server: "gpu"))
            Issue.record("an unknown model was taken")
        } catch {
            #expect(error.description.contains("has no model nope; it has Qwen/Qwen2.5-7B-Instruct"))
        }
        await #expect(throws: ServerError.notConfigured("elsewhere")) {
            try await rightKey.runtime.selectRemoteModel(RemoteModelName(model: "x", server: "elsewhere"))
        }

        // a port nobody listens on: refused at once, in words
        let closedPort = try await Self.setup(port: LoopbackPort.free())
        do {
            try await closedPort.runtime.selectRemoteModel(Self.modelName)
            Issue.record("a closed port was taken")
        } catch {
            #expect(error.description.contains("cannot reach server gpu") && error.description.contains("connection refused"))
        }
    }

    @Test("Ollama's model list and the models it has loaded; a server that is down is listed as such")
    func ollamaList() async throws {
        let server = try ReplayServer(["routes": [
            "GET /api/tags": ["file": Fixtures.url("servers/ollama-tags.json").path],
            "GET /api/ps": ["file": Fixtures.url("servers/ollama-ps.json").path],
        ]])
        let catalog = ServerCatalog(timeout: 3)
        let box = await catalog.models(on: ModelServer(name: "box", url: "http://127.0.0.1:\(server.port)", api: "ollama"))
        #expect(box.isReachable && box.models == ["qwen3:30b", "llama3.2:3b"] && box.running == ["qwen3:30b"])
        let down = await catalog.models(on: ModelServer(name: "down", url: "http://127.0.0.1:\(LoopbackPort.free())"))
        #expect(!down.isReachable && down.models.isEmpty)
    }
}
