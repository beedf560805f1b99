import Foundation
import SLMAgent
import SLMStore
import SLMTestSupport
import SLMTUI
import Testing

/// The app's work on messages already in the chat — regenerate, branches, edit, continue,
/// copy, search, unsent input, failed calls — driven by keys with a scripted model.
@Suite("App: messages and branches", .serialized)
struct AppBranchTests {
    struct Harness {
        let app: App
        let screen: MemoryScreen
        let services: AppServices
        let generator: ScriptedGenerator
        let store: Store

        func press(_ keys: Key...) {
            screen.keys += keys
            while !screen.keys.isEmpty { app.step(timeoutMilliseconds: 0) }
            app.render()
        }

        func type(_ text: String) {
            screen.keys += text.map { Key.character($0) }
            while !screen.keys.isEmpty { app.step(timeoutMilliseconds: 0) }
            app.render()
        }

        /// Types `text`, sends it and waits for the answer.
        func send(_ text: String) async {
            type(text)
            press(.enter)
            await app.settle()
        }

        var texts: [String] { app.state.entries.map(\.text) }
    }

    static func harness(_ replies: [ScriptedGenerator.Reply], folder existing: URL? = nil) async throws -> Harness {
        let folder = try existing ?? Fixtures.temporaryDirectory("app-branches")
        let data = DataDirectory(url: folder)
        let store = try Store(path: data.database.path)
        // the scripted model's prompt takes a token a byte: the tools' descriptions need room
        let manager = ModelManager(configuration: .init(contextLength: 32_768, threads: 1))
        let generator = ScriptedGenerator(replies)
        let model = try ScriptedGenerator.model(generator, contextLength: 32_768)
        await manager.register(model)
        let runtime = AgentRuntime(store: store, models: manager, drafts: DraftsFolder(url: data.drafts))
        let library = ModelLibrary(directory: data.models, catalog: ModelCatalog(entries: []))
        let services = AppServices(
            assistant: Assistant(runtime: runtime, library: library, discovery: ModelDiscovery(library: library, home: folder)),
            themes: ThemeLibrary(folder: ResourceLocator.folder("themes")), exportsFolder: data.exports,
            settingsFile: folder.appendingPathComponent("config.json"), settings: UserSettings())
        let screen = MemoryScreen(width: 120, height: 40)
        let app = App(screen: screen, services: services)
        app.start()
        await app.settle()
        _ = try await services.assistant.loadModel(model.reference)
        app.inbox.post(.modelLoaded(model.reference, detail: "scripted", contextLength: 32_768))
        await app.settle()
        #expect(app.state.modal == nil && app.state.modelName == "scripted")
        return Harness(app: app, screen: screen, services: services, generator: generator, store: store)
    }

    @Test("Ctrl-R regenerates: the new answer shows as 2/2, and ← → on it switch to the old one and back")
    func regenerateAndSwitch() async throws {
        let harness = try await Self.harness([.text("Lisbon is west."), .text("Porto is north.")])
        await harness.send("@assistant Name a city")
        harness.press(.control("r"))
        await harness.app.settle()
        #expect(harness.texts == ["@assistant Name a city", "Porto is north."])
        #expect(harness.app.state.entries[1].branch?.index == 1 && harness.app.state.entries[1].branch?.count == 2)
        #expect(harness.screen.grid.text.contains("‹2/2›"))
        harness.press(.escape)
        #expect(harness.app.state.focus == .messages && harness.app.state.selectedEntry == 1)
        #expect(harness.screen.grid.text.contains("▶ assistant"))
        harness.press(.left)
        await harness.app.settle()
        #expect(harness.texts == ["@assistant Name a city", "Lisbon is west."])
        #expect(harness.screen.grid.text.contains("‹1/2›"))
        harness.press(.right)
        await harness.app.settle()
        #expect(harness.texts.last == "Porto is north.")
        // a follow-up goes on from the branch shown
        harness.press(.escape)
        harness.generator.append(.text("It has trams."))
        await harness.send("@assistant Tell me more")
        let id = try #require(harness.app.state.conversationID)
        let path = try await harness.store.path(in: id).map(\.content)
        #expect(path == ["@assistant Name a city", "Porto is north.", "@assistant Tell me more", "It has trams."])
    }

    @Test("e on an earlier message of yours puts it in the box; Enter sends the rewrite as a branch beside it")
    func editEarlierMessage() async throws {
        let harness = try await Self.harness([.text("Red."), .text("Ten."), .text("Eleven.")])
        await harness.send("@assistant Pick a colour")
        await harness.send("@assistant Pick a number")
        harness.press(.escape, .up)
        #expect(harness.app.state.selectedEntry == 2)
        harness.press(.character("e"))
        #expect(harness.app.state.input.text == "@assistant Pick a number" && harness.app.state.editing != nil)
        #expect(harness.screen.grid.text.contains("editing your message"))
        harness.press(.control("u"))
        await harness.send("@assistant Pick a prime")
        #expect(harness.texts == ["@assistant Pick a colour", "Red.", "@assistant Pick a prime", "Eleven."])
        #expect(harness.app.state.entries[2].branch?.count == 2)
        let prompt = try #require(harness.generator.requests.last).prompt
        #expect(prompt.count > 0 && harness.app.state.editing == nil)
        harness.press(.escape, .up)
        harness.press(.left)
        await harness.app.settle()
        #expect(harness.texts == ["@assistant Pick a colour", "Red.", "@assistant Pick a number", "Ten."])
    }

    @Test("an answer cut at the token limit says so; /continue carries it on in the same message")
    func continueAnswer() async throws {
        let harness = try await Self.harness([.text("one two three four five"), .text(" six.")])
        await harness.send("/set max_tokens 3")
        await harness.send("@assistant Count")
        #expect(harness.app.state.entries[1].figures?.hitTokenLimit == true)
        #expect(harness.screen.grid.text.contains("stopped at 3 tokens — /continue carries on"))
        let cut = harness.texts[1]
        await harness.send("/set max_tokens 100")
        await harness.send("/continue")
        #expect(harness.texts == ["@assistant Count", cut + " six."])
        #expect(!harness.screen.grid.text.contains("stopped at 3 tokens"))
        #expect(harness.screen.grid.text.contains("end of answer"), "the quiet figures line")
        harness.press(.function(5))
        #expect(!harness.screen.grid.text.contains("end of answer"))
    }

    @Test("Ctrl-Y copies the last answer, c a chosen message and 2 its second code block, each said in the status line")
    func copy() async throws {
        let answer = "Two ways:\n```\nls -la\n```\nor\n```\nfind . -type f\n```"
        let harness = try await Self.harness([.text(answer)])
        await harness.send("@assistant How do I list files?")
        harness.press(.control("y"))
        #expect(harness.screen.clipboard.last == answer)
        #expect(harness.app.state.notice?.text.hasPrefix("copied the answer") == true)
        harness.press(.escape, .character("2"))
        #expect(harness.screen.clipboard.last == "find . -type f")
        #expect(harness.app.state.notice?.text.hasPrefix("copied code block 2") == true)
        harness.press(.character("3"))
        #expect(harness.app.state.notice?.isError == true, "there is no third block")
        harness.press(.up, .character("c"))
        #expect(harness.screen.clipboard.last == "@assistant How do I list files?")
        harness.press(.escape)
        await harness.send("/copy 1")
        #expect(harness.screen.clipboard.last == "ls -la")
        harness.press(.function(6))
        #expect(!harness.screen.mouseCaptured)
    }

    @Test("Ctrl-F finds a message in another conversation and another branch; Enter opens it there, chosen")
    func search() async throws {
        let harness = try await Self.harness([.text("Lisbon has trams."), .text("Porto has wine."), .text("Noted.")])
        await harness.send("@assistant Tell me about a city")
        harness.press(.control("r"))
        await harness.app.settle()
        harness.press(.control("n"))
        await harness.send("@assistant Something else")
        harness.press(.control("f"))
        harness.type("tram")
        await harness.app.settle()
        guard case .search(let panel)? = harness.app.state.modal else { Issue.record("no search panel"); return }
        #expect(panel.results.count == 1)
        #expect(harness.screen.grid.text.contains("Lisbon has trams."))
        harness.press(.enter)
        await harness.app.settle()
        #expect(harness.texts == ["@assistant Tell me about a city", "Lisbon has trams."])
        #expect(harness.app.state.focus == .messages && harness.app.state.selectedEntry == 1)
        // Enter before the results for the whole word arrive opens the first of those
        harness.press(.escape, .control("f"))
        harness.type("wine")
        harness.press(.enter)
        // the results arrive, then the opening is new background work: settle until it is done
        for _ in 0..<50 where harness.texts.last != "Porto has wine." {
            await harness.app.settle()
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(harness.app.state.modal == nil)
        #expect(harness.texts == ["@assistant Tell me about a city", "Porto has wine."])
    }

    @Test("unsent input stays with its conversation across switches and a restart")
    func unsentInput() async throws {
        let folder = try Fixtures.temporaryDirectory("app-unsent")
        let harness = try await Self.harness([.text("Hi.")], folder: folder)
        await harness.send("@assistant Hello")
        harness.type("half a thought")
        harness.press(.newline)
        harness.type("line two")
        harness.press(.control("n"))
        #expect(harness.app.state.input.isEmpty)
        harness.type("for the new one")
        harness.press(.control("l"))
        await harness.app.settle()
        harness.press(.enter)
        await harness.app.settle()
        #expect(harness.app.state.input.text == "half a thought\nline two")
        harness.app.finish()
        let again = try await Self.harness([], folder: folder)
        #expect(again.app.state.input.text == "half a thought\nline two")
        again.press(.control("n"))
        await again.app.settle()
        #expect(again.app.state.input.text == "for the new one")
    }

    @Test("a failed call is said in words in the chat; call markup the parser could not take is never the answer")
    func failedCalls() async throws {
        let harness = try await Self.harness([
            .call(#"{"name": "tasks_complete", "arguments": {"id": 4242}}"#), .text(""),
            .text(#"<input_input><option_value>{"name": "tasks_add", "arguments": {"title": "x"}}"#),
        ])
        await harness.send("@planner Mark task 4242 as done")
        let answer = try #require(harness.app.state.entries.last)
        let saved = try await harness.store.messages(in: 1)
        #expect(answer.text.contains("Failed: tasks_complete"), "\(answer.text) \(harness.app.state.trace) \(saved)")
        #expect(!harness.screen.grid.text.contains("(no answer)"))
        await harness.send("@assistant Add x")
        let markup = try #require(harness.app.state.entries.last)
        #expect(!markup.text.contains("<input_input>") && !markup.text.contains("\"name\""), "\(markup.text)")
        #expect(!harness.screen.grid.text.contains("<input_input>"))
    }

    @Test("a thinking model's thought shows as one quiet line; t on the chosen answer opens it; /think off is kept")
    func thinking() async throws {
        let harness = try await Self.harness([.text("<think>Plan: be brief.</think>\n\nHi there.")])
        await harness.send("@assistant Hello")
        let answer = try #require(harness.app.state.entries.last)
        #expect(answer.text == "Hi there." && answer.thinking == "Plan: be brief.")
        #expect(harness.screen.grid.text.contains("▸ thought for"))
        #expect(!harness.screen.grid.text.contains("Plan: be brief."))
        harness.press(.escape, .character("t"))
        #expect(harness.screen.grid.text.contains("│ Plan: be brief."))
        harness.press(.escape)
        await harness.send("/think off")
        #expect(!harness.app.state.thinking && harness.app.state.notice?.text == "thinking off")
    }
}
