import Foundation
import SLMAgent
import SLMStore
import SLMTestSupport
import SLMTUI
import Testing

/// The app driven by keys on a memory screen, with the real default model.
@Suite("App", .serialized)
struct AppTests {
    struct Harness {
        let app: App
        let screen: MemoryScreen
        let folder: URL
        /// The database behind the app, to check what it saved.
        let store: Store

        func press(_ keys: Key...) {
            screen.keys += keys
            while !screen.keys.isEmpty { app.step(timeoutMilliseconds: 0) }
        }

        func type(_ text: String) {
            screen.keys += text.map { Key.character($0) }
            while !screen.keys.isEmpty { app.step(timeoutMilliseconds: 0) }
        }

        /// Steps until `condition` holds (or 60 s pass).
        func wait(until condition: () -> Bool) async {
            let deadline = ContinuousClock.now + .seconds(60)
            while !condition(), ContinuousClock.now < deadline {
                app.step(timeoutMilliseconds: 0)
                try? await Task.sleep(for: .milliseconds(5))
            }
        }
    }

    /// The app over a fresh database (filled by `prepare` before it starts).
    static func harness(model: Bool = true, settings: UserSettings? = nil,
                        prepare: (Store) async throws -> Void = { _ in }) async throws -> Harness {
        let folder = try Fixtures.temporaryDirectory("app")
        let data = DataDirectory(url: folder)
        let store = try Store(path: data.database.path)
        try await prepare(store)
        let manager = ModelManager(configuration: .init(contextLength: 2048, threads: 2))
        let settingsFile = folder.appendingPathComponent("config.json")
        let chosen = try settings ?? UserSettings(model: model ? DefaultModel.path().path : nil)
        let runtime = AgentRuntime(store: store, models: manager, drafts: DraftsFolder(url: data.drafts),
                                   servers: chosen.servers ?? [])
        let library = ModelLibrary(directory: data.models, catalog: try ModelCatalog.bundled(),
                                   environment: ["SLM_TUI_PYTHON": "/nonexistent/python3"])
        let services = AppServices(
            assistant: Assistant(runtime: runtime, library: library, discovery: ModelDiscovery(library: library, home: folder)),
            themes: ThemeLibrary(folder: ResourceLocator.folder("themes")), exportsFolder: data.exports,
            settingsFile: settingsFile, settings: chosen)
        let screen = MemoryScreen(width: 120, height: 40)
        let app = App(screen: screen, services: services)
        app.start()
        await app.settle()
        return Harness(app: app, screen: screen, folder: folder, store: store)
    }

    @Test("a message streams its answer into the chat, with speed figures, and is saved")
    func sendMessage() async throws {
        let harness = try await Self.harness()
        #expect(harness.app.state.modelName == "gemma-3-270m-q4_k_m.gguf")
        harness.type("/set max_tokens 12")
        harness.press(.enter)
        harness.type("@assistant Say hello to Ana.")
        harness.press(.enter)
        #expect(harness.app.state.generating)
        #expect(harness.app.state.input.isEmpty)
        await harness.app.settle()
        let state = harness.app.state
        #expect(!state.generating)
        #expect(state.entries.count == 2)
        #expect(state.entries[0].speaker == .user && state.entries[0].text == "@assistant Say hello to Ana.")
        #expect(state.entries[1].speaker == .assistant(agent: "assistant") && state.entries[1].state == .complete)
        #expect((state.resources.decodeRate ?? 0) > 0)
        #expect(state.trace.contains { $0.kind == .route && $0.text.hasPrefix("assistant (mention") })
        #expect(harness.screen.grid.text.contains("Say hello to Ana."))
        let conversations = try await harness.store.conversations()
        #expect(conversations.count == 1 && state.conversationID == conversations[0].id)
        let messages = try await harness.store.messages(in: conversations[0].id)
        #expect(messages.map(\.role) == [.user, .assistant] && messages[1].content == state.entries[1].text)
    }

    @Test("Esc stops a long answer and keeps what was written, marked stopped")
    func stop() async throws {
        let harness = try await Self.harness()
        harness.type("@assistant Write a long story about a lighthouse keeper and her cat.")
        harness.press(.enter)
        await harness.wait { (harness.app.state.entries.last?.text.count ?? 0) > 10 }
        harness.press(.escape)
        await harness.app.settle()
        let answer = try #require(harness.app.state.entries.last)
        #expect(answer.state == .cancelled)
        #expect(harness.screen.grid.text.contains("· stopped"))
        let id = try #require(harness.app.state.conversationID)
        let saved = try #require(try await harness.store.messages(in: id).last)
        #expect(saved.status == .cancelled && saved.content == answer.text && !saved.content.isEmpty)
    }

    @Test("Ctrl-T cycles themes and the choice is remembered")
    func themes() async throws {
        let harness = try await Self.harness(model: false)
        harness.press(.escape)  // the picker opens first when there is no model
        harness.press(.control("t"))
        #expect(harness.app.state.themeName == "light" && harness.screen.theme.name == "light")
        let saved = UserSettings.load(from: harness.folder.appendingPathComponent("config.json"))
        #expect(saved.theme == "light")
        harness.type("/theme mono")
        harness.press(.enter)
        #expect(harness.screen.theme.name == "mono")
        harness.type("/theme nope")
        harness.press(.enter)
        #expect(harness.app.state.notice?.isError == true)
    }

    @Test("with no model, the picker opens offering the default, and a message is never lost")
    func noModel() async throws {
        let harness = try await Self.harness(model: false)
        guard case .models(let picker)? = harness.app.state.modal else {
            Issue.record("the picker did not open: \(String(describing: harness.app.state.modal))")
            return
        }
        #expect(picker.choices.first?.name == "gemma3-270m" && picker.choices.first?.isInstalled == false)
        #expect(harness.screen.grid.text.contains("↓ gemma3-270m"))
        harness.press(.escape)
        harness.type("hello there")
        harness.press(.enter)
        #expect(harness.app.state.input.text == "hello there")
        #expect(harness.app.state.notice?.text.contains("no model loaded") == true)
        // choosing the default tries to download it; without pip the error shows in place
        harness.press(.control("p"), .enter)
        await harness.app.settle()
        guard case .models(let after)? = harness.app.state.modal else { Issue.record("picker closed"); return }
        #expect(after.error?.contains("python3") == true)
    }

    @Test("an Esc read together with the next key (a busy frame) is an Esc, and the key is still typed")
    func escapeThenLetter() async throws {
        let harness = try await Self.harness(model: false)
        harness.press(.escape)
        harness.type("h")
        harness.press(.alt("i"), .character("!"))
        #expect(harness.app.state.input.text == "hi!")
    }

    @Test("the first Ctrl-C clears typed text (↑ brings it back); with nothing typed it quits")
    func controlC() async throws {
        let harness = try await Self.harness(model: false)
        harness.press(.escape)
        harness.type("a long message I have not sent")
        harness.press(.control("c"))
        #expect(!harness.app.state.quitting && harness.app.state.input.isEmpty)
        #expect(harness.app.state.notice?.text.contains("Ctrl-C again quits") == true)
        harness.press(.up)
        #expect(harness.app.state.input.text == "a long message I have not sent")
        harness.press(.control("c"), .control("c"))
        #expect(harness.app.state.quitting)
    }

    @Test("conversations: Ctrl-L lists them, typing filters, Ctrl-R renames, Del deletes after a yes, Enter opens")
    func conversations() async throws {
        let harness = try await Self.harness(model: false)
        harness.press(.escape)
        let store = harness.store
        let first = try await store.createConversation(title: "Groceries")
        _ = try await store.appendMessage(to: first.id, role: .user, content: "milk and eggs")
        let second = try await store.createConversation(title: "Trip")
        harness.press(.control("l"))
        await harness.app.settle()
        guard case .conversations(let list)? = harness.app.state.modal else { Issue.record("no list"); return }
        #expect(list.conversations.map(\.title) == ["Trip", "Groceries"])
        // typing never acts on a conversation: "day" (d, then y) only filters
        harness.type("day")
        guard case .conversations(let filtered)? = harness.app.state.modal else { Issue.record("list closed"); return }
        #expect(filtered.filter == "day" && filtered.visible.isEmpty)
        harness.app.render()
        #expect(harness.screen.grid.text.contains("› day") && harness.screen.grid.text.contains("No title matches."))
        #expect(try await store.conversations().count == 2)
        harness.press(.backspace, .backspace, .backspace)
        harness.type("gro")
        guard case .conversations(let narrowed)? = harness.app.state.modal else { Issue.record("list closed"); return }
        #expect(narrowed.visible.map(\.title) == ["Groceries"])
        harness.press(.escape)
        harness.press(.control("l"))
        await harness.app.settle()
        harness.press(.control("r"))
        harness.press(.control("u"))
        harness.type("Porto trip")
        harness.press(.enter)
        await harness.app.settle()
        #expect(try await store.conversation(second.id).title == "Porto trip")
        harness.press(.control("l"))
        await harness.app.settle()
        harness.press(.delete)
        guard case .confirm(let question)? = harness.app.state.modal else { Issue.record("no confirmation"); return }
        #expect(question.message.contains("\"Porto trip\""))
        harness.type("n")
        #expect(harness.app.state.modal == nil)
        harness.press(.control("l"))
        await harness.app.settle()
        harness.press(.control("d"))
        harness.type("y")
        await harness.app.settle()
        #expect(try await store.conversations().map(\.title) == ["Groceries"])
        harness.press(.control("l"))
        await harness.app.settle()
        harness.press(.enter)
        await harness.app.settle()
        #expect(harness.app.state.title == "Groceries")
        #expect(harness.app.state.entries.first?.text == "milk and eggs")
    }

    @Test("a destructive call asks in a dialog; n denies it")
    func approval() async throws {
        let harness = try await Self.harness()
        _ = try await harness.store.addTask(title: "Pay rent")
        harness.type("@planner delete task 1")
        harness.press(.enter)
        await harness.wait {
            if case .approval = harness.app.state.modal { return true }
            return !harness.app.state.generating
        }
        guard case .approval(let request)? = harness.app.state.modal else { Issue.record("no approval dialog"); return }
        #expect(request.tool == "tasks_delete")
        harness.app.render()
        #expect(harness.screen.grid.text.contains("Allow tasks_delete?"))
        harness.type("n")
        await harness.app.settle()
        #expect(harness.app.state.trace.contains { $0.kind == .approval(granted: false) })
        // the model may go on to other calls; the task it was refused stays
        #expect(try await harness.store.tasks().contains { $0.id == 1 && $0.title == "Pay rent" })
    }

    @Test("a model asked for that is missing is an error in place, never the default loaded instead; /model PATH opens a file")
    func missingModel() async throws {
        let harness = try await Self.harness(settings: UserSettings(model: "/nonexistent/missing.gguf"))
        #expect(harness.app.state.modelName == nil)
        guard case .models(let picker)? = harness.app.state.modal else {
            Issue.record("the picker did not open: \(String(describing: harness.app.state.modal))")
            return
        }
        #expect(picker.error?.contains("/nonexistent/missing.gguf") == true)
        harness.press(.escape)
        harness.type("/model /nonexistent/other.gguf")
        harness.press(.enter)
        await harness.app.settle()
        // (said in the status line for a few seconds, and kept in the trace)
        #expect(harness.app.state.trace.contains { $0.kind == .error && $0.text == "no file /nonexistent/other.gguf" })
        harness.type("/model \(try DefaultModel.path().path)")
        harness.press(.enter)
        await harness.app.settle()
        #expect(harness.app.state.modelName == "gemma-3-270m-q4_k_m.gguf")
    }
}
