import Foundation
import SLMStore
import SLMTestSupport
import Testing

/// The tasks and drafts views and undo in the real binary, in tmux, with the default
/// model: a task added by hand and ticked off, a draft edited and exported as `.eml`, and
/// the agent's delete undone with Ctrl-Z.
@Suite("Records end to end", .serialized)
struct RecordsEndToEndTests {
    typealias Terminal = TUIEndToEndTests.Terminal

    @Test("add a task by hand and complete it, edit and export a draft, undo the agent's delete")
    func records() async throws {
        try #require(TUIEndToEndTests.hasTmux, "tmux is needed for this test (Debian: apt-get install tmux)")
        let home = try Fixtures.temporaryDirectory("e2e-records")
        let store = try Store(path: home.appendingPathComponent("slm-tui.sqlite3").path)
        _ = try await store.addTask(title: "Pay rent", due: "2026-12-01")
        _ = try await store.createDraft(recipients: "ana@example.com", subject: "Thanks", body: "Hi Ana,")
        let terminal = try Terminal(width: 120, height: 40, environment: ["PS1": "e2e$ ", "SLM_TUI_HOME": home.path])
        defer { _ = try? terminal.tmux(["kill-server"]) }
        try await terminal.waitForShell()
        try await terminal.launchApp(model: try DefaultModel.path().path)

        // the agent deletes task 1 after asking, by its name; Ctrl-Z brings it back
        try terminal.type("@planner delete task 1")
        try terminal.keys("Enter")
        try await terminal.wait("the approval naming the task", seconds: 180) { $0.contains("Delete task 1 “Pay rent”") }
        try terminal.type("y")
        try await terminal.wait("the delete", seconds: 180) { $0.contains("tasks_delete succeeded") }
        try await terminal.wait("the answer") { !$0.contains("● answering") }
        #expect(try await store.tasks().isEmpty)
        try terminal.keys("C-z")
        try await terminal.wait("the undo in the chat") { $0.contains("Undone: deleted task 1 “Pay rent”") }
        #expect(try await store.tasks().map(\.title) == ["Pay rent"])

        // a task by hand, then ticked off
        try terminal.type("/tasks")
        try terminal.keys("Enter")
        try await terminal.wait("the tasks view") { $0.contains("Tasks · 1 open") }
        try terminal.keys("C-n")
        try terminal.type("Buy stamps")
        try terminal.keys("Tab")
        try terminal.type("2030-01-04 10am")
        try terminal.keys("C-s")
        // (the status bar names the task as soon as it is saved; the list row comes with the reload)
        try await terminal.wait("the new task in the list") { $0.contains("[ ] Buy stamps") && $0.contains("Tasks · 2 open") }
        try terminal.keys("Down")
        try terminal.keys("C-d")
        try await terminal.wait("the task done") { $0.contains("Tasks · 1 open") }
        #expect(try await store.task(2).status == .done)
        try terminal.keys("Escape")

        // the agent's draft edited in the form (its body carried on) and exported
        try terminal.keys("F8")
        try await terminal.wait("the drafts view") { $0.contains("Drafts · 1") && $0.contains("Thanks") }
        try terminal.keys("Enter")
        try await terminal.wait("the draft's form") { $0.contains("Draft 1") && $0.contains("Subject") }
        try terminal.keys("Tab", "Tab", "Tab", "End")
        try terminal.type(" thank you for the flowers.")
        try terminal.keys("C-e")
        let file = home.appendingPathComponent("drafts/draft-1.eml")
        try await terminal.wait("the export") { _ in FileManager.default.fileExists(atPath: file.path) }
        let eml = try String(contentsOf: file, encoding: .utf8)
        #expect(eml.hasPrefix("To: ana@example.com\r\nSubject: Thanks\r\n") && eml.hasSuffix("\r\nHi Ana, thank you for the flowers.\r\n"))
        try terminal.keys("Escape")
        try terminal.keys("C-q")
        try await terminal.wait("the shell after quitting") { screen in
            screen.split(separator: "\n").last { !$0.trimmingCharacters(in: .whitespaces).isEmpty }?.hasPrefix("e2e$") == true
        }
    }
}
