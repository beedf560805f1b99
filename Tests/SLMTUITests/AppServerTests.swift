import Foundation
import SLMAgent
import SLMTestSupport
@testable import SLMTUI
import Testing

/// Models on servers in the full-screen app: listed in the picker as `model@server`,
/// chosen, chatted with, shown as remote; servers added and forgotten with `/server`.
@Suite("App with servers", .serialized)
struct AppServerTests {
    static func command(_ harness: AppTests.Harness, _ line: String) {
        harness.type(line)
        harness.press(.enter)
    }

    static func pickerChoices(_ harness: AppTests.Harness) -> [ModelChoice] {
        if case .models(let picker)? = harness.app.state.modal { picker.visible } else { [] }
    }

    @Test("a server's model is picked, answers in the chat, and the figures say remote; the choice is remembered")
    func pickAndChat() async throws {
        let server = try ReplayServer(["routes": [
            "GET /v1/models": ["file": Fixtures.url("servers/vllm-models.json").path],
            "POST /v1/chat/completions": ["type": "text/event-stream", "file": Fixtures.url("servers/ollama-answer.sse").path],
        ]])
        let settings = UserSettings(servers: [ModelServer(name: "gpu", url: "http://127.0.0.1:\(server.port)", api: "openai")])
        let harness = try await AppTests.harness(model: false, settings: settings)
        // with no model yet the picker opens at start: its server rows come once the server answers
        await harness.wait { Self.pickerChoices(harness).contains { $0.name == "Qwen/Qwen2.5-7B-Instruct@gpu" } }
        harness.press(.escape)
        Self.command(harness, "/model @gpu")
        await harness.wait { Self.pickerChoices(harness).contains { $0.name == "Qwen/Qwen2.5-7B-Instruct@gpu" } }
        #expect(Self.pickerChoices(harness).map(\.name) == ["Qwen/Qwen2.5-7B-Instruct@gpu"])
        harness.press(.enter)
        await harness.wait { harness.app.state.modelName == "Qwen/Qwen2.5-7B-Instruct@gpu" }
        #expect(harness.app.state.resources.server == "gpu")

        Self.command(harness, "@assistant hello")
        await harness.app.settle()
        #expect(harness.app.state.entries.last?.text == "Hello, Ana!")
        #expect(harness.app.state.entries.last?.thinking == "The user greets me.")
        harness.app.render()
        let screen = harness.screen.grid.text
        #expect(screen.contains("remote") && screen.contains("Qwen/Qwen2.5-7B-Instruct@gpu"))
        let saved = try UserSettings.read(from: harness.folder.appendingPathComponent("config.json")).settings
        #expect(saved.model == "Qwen/Qwen2.5-7B-Instruct@gpu")

        // and back to a model here: the next answer is this machine's, the figures its own
        let asked = server.chatBodies.count
        Self.command(harness, "/model " + (try DefaultModel.path().path))
        await harness.wait { harness.app.state.modelName == "gemma-3-270m-q4_k_m.gguf" }
        #expect(harness.app.state.resources.server == nil)
        Self.command(harness, "/set max_tokens 4")
        Self.command(harness, "@assistant hello again")
        await harness.app.settle()
        #expect(harness.app.state.entries.last?.state == .complete)
        #expect(server.chatBodies.count == asked)
        #expect(harness.app.state.trace.contains { $0.text == "loaded gemma-3-270m-q4_k_m.gguf" })
    }

    @Test("tools through a server's model in the app: the streamed call is in the trace, runs, and its record is stored")
    func toolsInTheApp() async throws {
        let server = try ReplayServer(["routes": [
            "GET /v1/models": ["file": Fixtures.url("servers/vllm-models.json").path],
            "POST /v1/chat/completions": [
                ["type": "text/event-stream", "file": Fixtures.url("servers/vllm-tool-call.sse").path],
                ["type": "text/event-stream", "file": Fixtures.url("servers/vllm-answer.sse").path]],
        ]])
        let settings = UserSettings(model: "Qwen/Qwen2.5-7B-Instruct@gpu",
                                    servers: [ModelServer(name: "gpu", url: "http://127.0.0.1:\(server.port)")])
        let harness = try await AppTests.harness(model: false, settings: settings)
        await harness.wait { harness.app.state.modelName == "Qwen/Qwen2.5-7B-Instruct@gpu" }
        Self.command(harness, "@planner Remind me to call Ana on Friday")
        await harness.app.settle()
        #expect(harness.app.state.trace.contains { $0.text.contains("tasks_add") })
        #expect(harness.app.state.entries.last?.text.hasPrefix("Added it for Friday.") == true)
        #expect(try await harness.store.tasks().map(\.title) == ["Call Ana"])
    }

    @Test("a server's hostile model names, answers and errors never reach the terminal raw")
    func hostileServer() async throws {
        let evil = "evil\u{1B}]52;c;ZXZpbA==\u{07}\u{1B}[2J\u{9B}31m"
        let answer = "data: {\"choices\":[{\"delta\":{\"content\":\"hi \\u001b[2J\\u001b]0;pwned\\u0007 there\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n"
        let models = try String(data: JSONSerialization.data(withJSONObject: ["data": [["id": evil]]]), encoding: .utf8)!
        let server = try ReplayServer(["routes": [
            "GET /v1/models": ["body": models],
            "POST /v1/chat/completions": [["type": "text/event-stream", "body": answer],
                                          ["status": 400, "body": "{\"error\": \"bad \\u001b[31mrequest\\u0007\"}"]],
        ]])
        let settings = UserSettings(servers: [ModelServer(name: "gpu", url: "http://127.0.0.1:\(server.port)")])
        let harness = try await AppTests.harness(model: false, settings: settings)
        await harness.wait { Self.pickerChoices(harness).contains { $0.name.hasPrefix("evil") } }
        func clean() -> Bool {
            harness.app.render()
            let text = harness.screen.grid.text
            return !text.contains("\u{1B}") && !text.contains("\u{07}") && !text.contains("\u{9B}")
        }
        #expect(clean())
        harness.type("evil")
        harness.press(.enter)
        await harness.wait { harness.app.state.modelName?.hasPrefix("evil") == true }
        Self.command(harness, "@assistant hi")
        await harness.app.settle()
        #expect(harness.app.state.entries.last?.text.contains("there") == true)
        #expect(clean())
        Self.command(harness, "@assistant again")
        await harness.app.settle()
        #expect(harness.app.state.notice?.isError == true || harness.app.state.entries.last?.text.contains("request") == true)
        #expect(clean())
    }

    @Test("/server add keeps a server in config.json and lists its models; one that is down is a row saying so; /server rm")
    func addAndRemove() async throws {
        let harness = try await AppTests.harness(model: false, settings: UserSettings())
        harness.press(.escape)
        Self.command(harness, "/server add box not-a-url")
        #expect(harness.app.state.notice?.isError == true && harness.app.state.notice?.text.contains("not an http") == true)

        Self.command(harness, "/server add down http://127.0.0.1:9 openai")
        await harness.wait { Self.pickerChoices(harness).contains { $0.name == "@down" } }
        let row = try #require(Self.pickerChoices(harness).first { $0.name == "@down" })
        #expect(row.unusable?.contains("cannot reach server down") == true)
        harness.press(.enter)
        #expect(harness.app.state.modelName == nil)
        let file = harness.folder.appendingPathComponent("config.json")
        #expect(UserSettings.read(from: file).settings.servers?.map(\.name) == ["down"])

        harness.press(.escape)
        Self.command(harness, "/server rm down")
        await harness.app.settle()
        #expect(UserSettings.read(from: file).settings.servers?.isEmpty == true)
        Self.command(harness, "/server rm down")
        #expect(harness.app.state.notice?.text == "there is no server down")
    }
}
