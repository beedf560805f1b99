import Foundation
import SLMAgent
import SLMStore
import SLMTestSupport
import Testing

/// The real binary in a real terminal (tmux, 120×40) with the default model: a message
/// streams with a speed figure, the picker opens and closes, the theme changes, the screen
/// survives resizing down to 20×6, Esc stops a long answer, and quitting gives back a
/// working shell with the terminal modes as they were and the conversation saved; then a
/// day's use: regenerate, branches, copy (the OSC 52 sequence read from the pane's
/// output), edit with a branch, the conversation filter, search, help and the chat REPL.
@Suite("Full-screen app end to end", .serialized)
struct TUIEndToEndTests {
    /// One tmux server of the test's own.
    final class Terminal {
        let socket = "slm-e2e-\(UUID().uuidString.prefix(8))"

        init(width: Int, height: Int, environment: [String: String]) throws {
            let exports = environment.map { "\($0.key)=\($0.value)" }
            try tmux(["new-session", "-d", "-s", "e2e", "-x", String(width), "-y", String(height)]
                     + exports.flatMap { ["-e", $0] } + ["bash", "--norc", "--noprofile"])
        }

        /// Runs a tmux command and returns what it printed. Spawned directly, not with
        /// `Process`: the server `new-session` starts would inherit the descriptor `Process`
        /// watches for the child's exit, and the wait would never end.
        @discardableResult
        func tmux(_ arguments: [String]) throws -> String {
            let output = FileManager.default.temporaryDirectory.appendingPathComponent("tmux-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: output) }
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
            // the test's threads block most signals; tmux (and what runs inside it) must not
            // inherit that mask, or it never hears of resizes, children or kill-server
            var attributes = posix_spawnattr_t()
            posix_spawnattr_init(&attributes)
            defer { posix_spawnattr_destroy(&attributes) }
            var empty = sigset_t()
            sigemptyset(&empty)
            posix_spawnattr_setsigmask(&attributes, &empty)
            posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
            let words = ["tmux", "-L", socket] + arguments
            var argv = words.map { strdup($0) } + [nil]
            defer { argv.forEach { free($0) } }
            var pid: pid_t = 0
            guard posix_spawnp(&pid, "tmux", &actions, &attributes, &argv, environ) == 0 else {
                throw CocoaError(.executableNotLoadable)
            }
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            return (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        }

        func keys(_ keys: String...) throws { try tmux(["send-keys", "-t", "e2e"] + keys) }

        func type(_ text: String) throws { try tmux(["send-keys", "-t", "e2e", "-l", text]) }

        func screen() throws -> String { try tmux(["capture-pane", "-t", "e2e", "-p"]) }

        /// Starts the app on `model` at the shell and waits until the model is loaded: a
        /// debug build loading it while the rest of the suite fills both cores can take well
        /// over a minute; the status bar names the model once it is loaded (the "ready"
        /// notice expires).
        func launchApp(model: String) async throws {
            try type("\(BuiltProducts.executable("slm-tui").path) --model \(model) --threads 2")
            try keys("Enter")
            try await wait("the model to load", seconds: 180) { $0.contains(" gemma-3-270m-q4_k_m.gguf · auto") }
        }

        /// Waits for the shell's first prompt. A bash started while the rest of the suite
        /// loads models on both cores once took over 60 s to draw it (CI, 2026-12-01), so
        /// this waits as long as a model load may.
        func waitForShell() async throws {
            try await wait("the shell", seconds: 180) { $0.contains("e2e$") }
        }

        func resize(_ width: Int, _ height: Int) throws {
            try tmux(["resize-window", "-t", "e2e", "-x", String(width), "-y", String(height)])
        }

        /// Waits until the screen satisfies `condition`; returns the screen it last saw.
        @discardableResult
        func wait(_ what: String, seconds: Double = 60, until condition: (String) -> Bool) async throws -> String {
            let deadline = Date().addingTimeInterval(seconds)
            var last = ""
            while Date() < deadline {
                last = try screen()
                if condition(last) { return last }
                try await Task.sleep(for: .milliseconds(100))
            }
            Issue.record("timed out waiting for \(what); the screen was:\n\(last)")
            return last
        }
    }

    static var hasTmux: Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["tmux", "-V"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    /// The decode speed the resource pane shows, if any.
    static func decodeRate(_ screen: String) -> Double? {
        guard let line = screen.split(separator: "\n").first(where: { $0.contains("decode  ") }),
            let range = line.range(of: "decode  ")
        else { return nil }
        return Double(line[range.upperBound...].prefix { $0.isNumber || $0 == "." })
    }

    @Test("launch, chat, picker, theme, resize, stop, quit")
    func session() async throws {
        try #require(Self.hasTmux, "tmux is needed for this test (Debian: apt-get install tmux)")
        let home = try Fixtures.temporaryDirectory("e2e-home")
        let model = try DefaultModel.path().path
        let terminal = try Terminal(width: 120, height: 40, environment: ["PS1": "e2e$ ", "SLM_TUI_HOME": home.path])
        // the tmux server outlives this process unless told to stop
        defer { _ = try? terminal.tmux(["kill-server"]) }
        try await terminal.waitForShell()
        try terminal.type("stty -g > \(home.path)/modes-before")
        try terminal.keys("Enter")
        try await terminal.launchApp(model: model)

        try terminal.type("/set max_tokens 48")
        try terminal.keys("Enter")
        try terminal.type("@assistant Write a short poem about the sea.")
        try terminal.keys("Enter")
        // streamed text with a speed figure: live while it answers, exact once it is done
        try await terminal.wait("streamed text") { screen in
            screen.contains("assistant · ") && (Self.decodeRate(screen) ?? 0) > 0
        }
        let answered = try await terminal.wait("the answer to end", seconds: 120) { !$0.contains("● answering") }
        #expect(answered.contains("you · ") && answered.contains("Write a short poem about the sea."))
        #expect((Self.decodeRate(answered) ?? 0) > 0)

        try terminal.keys("C-p")
        try await terminal.wait("the model picker") { $0.contains("┌ Models") && $0.contains("(loaded)") }
        try terminal.keys("Escape")
        try await terminal.wait("the picker to close") { !$0.contains("┌ Models") }
        try terminal.keys("C-t")
        // the notice lasts a few seconds, which a loaded machine's captures can miss; the
        // choice is saved at once
        try await terminal.wait("the theme to change") { $0.contains("theme light") || UserSettings.loadTheme(home) == "light" }

        try terminal.resize(60, 20)
        try await terminal.wait("tabs at 60×20") { $0.contains("F2 chat") && !$0.contains("┌ tools") }
        try terminal.resize(20, 6)
        try await terminal.wait("the small-terminal notice") { $0.contains("Terminal too small") }
        try terminal.resize(120, 40)
        try await terminal.wait("the wide layout again") { $0.contains("┌ tools") && $0.contains("┌ resources") }

        try terminal.type("/set max_tokens 2000")
        try terminal.keys("Enter")
        try terminal.type("@assistant Tell me a very long story about a lighthouse keeper and her cat.")
        try terminal.keys("Enter")
        // streaming: the second turn is routed and its answer has text under its header, or
        // has already filled the pane (on a loaded machine the screen may skip ahead)
        try await terminal.wait("the long answer to start streaming") { screen in
            guard screen.contains("● answering"), screen.components(separatedBy: "→ assistant").count >= 3 else { return false }
            let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
            guard let header = lines.lastIndex(where: { $0.contains("assistant · ") }) else { return true }
            guard header + 1 < lines.count else { return false }
            let first = lines[header + 1].prefix(80).trimmingCharacters(in: CharacterSet(charactersIn: "│ "))
            return !first.isEmpty && first != "…"
        }
        try terminal.keys("Escape")
        // the turn has ended and says it was stopped (its header may have scrolled away; the
        // store below must hold the answer as cancelled)
        // (the status line's "stopped" lasts a few seconds, which a loaded machine's captures
        // can miss: the store below says how it ended)
        try await terminal.wait("the answer to stop") { !$0.contains("● answering") && !$0.contains("Esc stops the answer") }

        try terminal.keys("C-q")
        try await terminal.wait("the shell after quitting") { screen in
            screen.split(separator: "\n").last { !$0.trimmingCharacters(in: .whitespaces).isEmpty }?.hasPrefix("e2e$") == true
        }
        try terminal.type("stty -g | cmp -s - \(home.path)/modes-before && echo MODES-RESTORED")
        try terminal.keys("Enter")
        try await terminal.wait("the terminal modes as they were") { $0.contains("\nMODES-RESTORED") }

        let store = try Store(path: DataDirectory(url: home).database.path)
        let conversations = try await store.conversations()
        #expect(conversations.count == 1)
        let messages = try await store.messages(in: conversations[0].id)
        #expect(messages.filter { $0.role == .user }.map(\.content) == [
            "@assistant Write a short poem about the sea.",
            "@assistant Tell me a very long story about a lighthouse keeper and her cat.",
        ])
        #expect(messages.last?.role == .assistant && messages.last?.status == .cancelled)
        #expect(messages.last?.content.isEmpty == false)
        #expect(UserSettings.loadTheme(home) == "light")
    }

    /// The text of the last OSC 52 "set clipboard" sequence in what the app wrote.
    static func lastCopied(_ output: String) -> String? {
        guard let start = output.range(of: "\u{1B}]52;c;", options: .backwards) else { return nil }
        let encoded = output[start.upperBound...].prefix { $0 != "\u{07}" && $0 != "\u{1B}" }
        return Data(base64Encoded: String(encoded)).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test("a daily session: regenerate, branches, copy through OSC 52, edit with a branch, filter, search, help, and the chat REPL")
    func dailyTool() async throws {
        try #require(Self.hasTmux, "tmux is needed for this test (Debian: apt-get install tmux)")
        let home = try Fixtures.temporaryDirectory("e2e-daily")
        let model = try DefaultModel.path().path
        let binary = BuiltProducts.executable("slm-tui").path
        let terminal = try Terminal(width: 120, height: 40, environment: ["PS1": "e2e$ ", "SLM_TUI_HOME": home.path])
        defer { _ = try? terminal.tmux(["kill-server"]) }
        try await terminal.waitForShell()
        // everything the app writes, escape sequences included, to read the clipboard's
        let output = home.appendingPathComponent("pane-output").path
        try terminal.tmux(["pipe-pane", "-t", "e2e", "-o", "cat >> \(output)"])
        try await terminal.launchApp(model: model)
        try terminal.type("/set max_tokens 8")
        try terminal.keys("Enter")
        try terminal.type("@assistant Say hello.")
        try terminal.keys("Enter")
        try await terminal.wait("the first answer", seconds: 120) { $0.contains("you · ") && $0.contains(" tokens · ") }

        // regenerate: the new answer is 2/2; ← on it shows the first again
        try terminal.keys("C-r")
        try await terminal.wait("the regenerated answer", seconds: 120) { $0.contains("‹2/2›") && !$0.contains("● answering") }
        try terminal.keys("Escape")
        try await terminal.wait("the messages to take the focus") { $0.contains("▶ assistant") }
        try terminal.keys("Left")
        try await terminal.wait("the first branch") { $0.contains("‹1/2›") }

        // copy the chosen answer: the OSC 52 sequence carries exactly its text
        try terminal.keys("c")
        // (the status line's notice lasts a few seconds; the sequence in the output stays)
        try await terminal.wait("the copy") { screen in
            screen.contains("copied the answer")
                || Self.lastCopied((try? String(contentsOfFile: output, encoding: .utf8)) ?? "") != nil
        }
        let store = try Store(path: DataDirectory(url: home).database.path)
        let id = try #require(try await store.conversations().first?.id)
        let shown = try #require(try await store.path(in: id).last?.content)
        try await Task.sleep(for: .milliseconds(300))
        let written = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        #expect(Self.lastCopied(written) == shown)

        // edit the question: a new branch beside it, answered
        try terminal.keys("Up")
        try terminal.keys("e")
        try await terminal.wait("the question in the box") { $0.contains("editing your message") }
        try terminal.keys("C-u")
        try terminal.type("@assistant Say goodbye.")
        try terminal.keys("Enter")
        try await terminal.wait("the edited question's answer", seconds: 120) { screen in
            screen.contains("Say goodbye.") && !screen.contains("● answering") && screen.contains("‹2/2›")
        }
        let path = try await store.path(in: id)
        #expect(path.first?.content == "@assistant Say goodbye." && path.count == 2)
        #expect(try await store.messages(in: id).filter { $0.role == .user }.count == 2)

        // the conversation list filters as you type; a letter deletes nothing
        try terminal.keys("C-l")
        try await terminal.wait("the conversation list") { $0.contains("┌ Conversations") }
        try terminal.type("dzy")
        try await terminal.wait("the filter") { $0.contains("No title matches.") }
        try terminal.keys("Escape")
        #expect(try await store.conversations().count == 1)

        // search finds the first branch's question and opens the conversation there
        try terminal.keys("C-f")
        try terminal.type("hello")
        // (the answer may say hello too and rank first: the chosen result's snippet, three rows
        // under the query, says which message the conversation must open at)
        func chosenSnippet(_ screen: String) -> String? {
            let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
            guard let query = lines.firstIndex(where: { $0.contains("Find: hello") }), lines.indices.contains(query + 3) else { return nil }
            return String(lines[query + 3])
        }
        let results = try await terminal.wait("a search result") { screen in
            screen.contains("┌ Search all conversations") && chosenSnippet(screen)?.lowercased().contains("hello") == true
        }
        let focus = chosenSnippet(results)?.contains("@assistant") == true ? "▶ you" : "▶ assistant"
        try terminal.keys("Enter")
        try await terminal.wait("the conversation at the result (\(focus))") { $0.contains(focus) && $0.contains("Say hello.") }
        try terminal.keys("Escape")

        // help: the key column fits its widest key
        try terminal.keys("F1")
        let help = try await terminal.wait("the help") { $0.contains("Keys and commands") }
        #expect(help.split(separator: "\n").contains { $0.contains("Ctrl-J, Alt-Enter") && $0.contains("  new line in the message") })
        try terminal.keys("Escape")
        try terminal.keys("C-q")
        try await terminal.wait("the shell after quitting") { screen in
            screen.split(separator: "\n").last { !$0.trimmingCharacters(in: .whitespaces).isEmpty }?.hasPrefix("e2e$") == true
        }

        // chat at a terminal with no prompt: a conversation line by line, ended with /bye
        try terminal.type("clear; \(binary) chat --model \(model) --max-tokens 6 --threads 2")
        try terminal.keys("Enter")
        // (the pane as captured has no trailing spaces: the prompt is ">>>")
        try await terminal.wait("the chat prompt", seconds: 120) { $0.contains(">>>") }
        try terminal.type("Hello there")
        try terminal.keys("Enter")
        try await terminal.wait("the answer and the next prompt", seconds: 120) { $0.components(separatedBy: ">>>").count >= 3 }
        try terminal.type("/bye")
        try terminal.keys("Enter")
        try await terminal.wait("the shell after /bye") { screen in
            screen.split(separator: "\n").last { !$0.trimmingCharacters(in: .whitespaces).isEmpty }?.hasPrefix("e2e$") == true
        }
        let conversations = try await store.conversations()
        #expect(conversations.count == 2 && conversations.first?.title == "Hello there")
    }
}

extension UserSettings {
    static func loadTheme(_ home: URL) -> String? { load(from: home.appendingPathComponent("config.json")).theme }
}
