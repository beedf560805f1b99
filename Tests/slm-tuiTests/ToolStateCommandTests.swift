import Foundation
import SLMStore
import SLMTestSupport
import Testing

/// `slm-tui tasks|drafts|notes|changes|undo` in the real binary, on a database of their own.
@Suite("Tool state commands")
struct ToolStateCommandTests {
    static func run(_ arguments: [String], home: String) throws -> CommandLineTests.Run {
        try CommandLineTests.run(arguments, environment: ["SLM_TUI_HOME": home])
    }

    static func json(_ text: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(text.utf8))
    }

    @Test("tasks: add with a due phrase, complete, edit, delete, and undo the delete")
    func tasks() throws {
        let home = try Fixtures.temporaryDirectory("cli-tasks").path
        let added = try Self.run(["tasks", "add", "Call", "mom", "--due", "2026-12-04 17:00", "--priority", "2", "--json"], home: home)
        #expect(added.status == 0, "\(added.stderr)")
        let task = try #require(try Self.json(added.stdout) as? [String: Any])
        #expect(task["title"] as? String == "Call mom" && task["due"] as? String == "2026-12-04")
        #expect(task["time"] as? String == "17:00" && task["priority"] as? Int == 2)
        #expect(try Self.run(["tasks", "add", "Pay rent", "--due", "tomorrow"], home: home).status == 0)
        let done = try Self.run(["tasks", "done", "2"], home: home)
        #expect(done.stdout.hasPrefix("done task 2 “Pay rent”, due 20"), "\(done.stdout)")
        let edited = try Self.run(["tasks", "edit", "1", "--title", "Call mom back", "--due", ""], home: home)
        #expect(edited.stdout == "changed task 1 “Call mom back”\n")
        let open = try Self.run(["tasks", "--json"], home: home)
        #expect((try Self.json(open.stdout) as? [[String: Any]])?.map { $0["title"] as? String } == ["Call mom back"])
        #expect(try Self.run(["tasks", "rm", "1"], home: home).status == 0)
        #expect(try Self.run(["tasks"], home: home).stdout == "no open tasks\n")
        let undone = try Self.run(["undo"], home: home)
        #expect(undone.stdout == "undone: deleted task 1 “Call mom back”\n")
        #expect(try Self.run(["tasks"], home: home).stdout.contains("Call mom back"))
        let changes = try #require(try Self.json(Self.run(["changes", "--json"], home: home).stdout) as? [[String: Any]])
        #expect(changes.first?["undone"] as? Bool == true && changes.count == 5)
    }

    @Test("bad input is a clear error that changes nothing", arguments: [
        (["tasks", "add", "x", "--due", "someday"], 1, "cannot tell when “someday” is"),
        (["tasks", "done", "99"], 1, "task 99 does not exist"),
        (["tasks", "done", "x"], 2, "tasks done needs one number"),
        (["tasks", "edit", "1"], 2, "tasks edit needs something to change"),
        (["tasks", "add"], 2, "tasks add needs the task's text"),
        (["tasks", "add", "x", "--priority", "9"], 2, "--priority needs a whole number from 0 to 3"),
        (["tasks", "frob"], 2, "unknown tasks command frob"),
        (["notes", "add"], 1, "a note needs some text"),
        (["drafts", "show", "4"], 1, "draft 4 does not exist"),
        (["undo"], 1, "there is nothing to undo"),
    ])
    func errors(arguments: [String], status: Int32, message: String) throws {
        let home = try Fixtures.temporaryDirectory("cli-errors").path
        let result = try Self.run(arguments, home: home)
        #expect(result.status == status, "\(arguments): \(result.stderr)")
        #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        #expect(try Self.run(["changes"], home: home).stdout == "no changes\n")
    }

    @Test("tasks --due lists what is due now or overdue and exits 0 either way")
    func due() throws {
        let home = try Fixtures.temporaryDirectory("cli-due").path
        #expect(try Self.run(["tasks", "--due"], home: home).stdout == "nothing is due\n")
        _ = try Self.run(["tasks", "add", "Old", "--due", "2020-01-01"], home: home)
        _ = try Self.run(["tasks", "add", "Later", "--due", "2999-01-01"], home: home)
        let due = try Self.run(["tasks", "--due"], home: home)
        #expect(due.status == 0 && due.stdout.contains("Old") && due.stdout.contains("(overdue)") && !due.stdout.contains("Later"))
    }

    @Test("drafts: show, export as .eml in drafts/ or to a file, mark sent; notes: edit and delete")
    func draftsAndNotes() async throws {
        let home = try Fixtures.temporaryDirectory("cli-drafts")
        let store = try Store(path: home.appendingPathComponent("slm-tui.sqlite3").path)
        _ = try await store.createDraft(recipients: "ana@example.com", subject: "Thanks", body: "Hi Ana,\nthank you.")
        let shown = try Self.run(["drafts", "show", "1"], home: home.path)
        #expect(shown.stdout == "Draft 1 (draft)\nTo: ana@example.com\nSubject: Thanks\n\nHi Ana,\nthank you.\n")
        let exported = try Self.run(["drafts", "export", "1"], home: home.path)
        let file = home.appendingPathComponent("drafts/draft-1.eml")
        #expect(exported.stdout == "exported draft 1 to \(file.path)\n", "\(exported.stderr)")
        let eml = try String(contentsOf: file, encoding: .utf8)
        #expect(eml.hasPrefix("To: ana@example.com\r\nSubject: Thanks\r\n") && eml.hasSuffix("\r\nHi Ana,\r\nthank you.\r\n"))
        let elsewhere = home.appendingPathComponent("out.eml")
        #expect(try Self.run(["drafts", "export", "1", "-o", elsewhere.path], home: home.path).status == 0)
        #expect(FileManager.default.fileExists(atPath: elsewhere.path))
        #expect(try Self.run(["drafts", "sent", "1"], home: home.path).stdout == "draft 1 “Thanks” is sent\n")
        #expect(try Self.run(["drafts"], home: home.path).stdout.hasPrefix("1\tsent\t"))

        #expect(try Self.run(["notes", "add", "wifi", "is", "on", "the", "fridge"], home: home.path).stdout == "added note 1\n")
        #expect(try Self.run(["notes", "edit", "1", "wifi: fridge door"], home: home.path).stdout == "changed note 1\n")
        #expect(try Self.run(["notes", "wifi"], home: home.path).stdout == "1\twifi: fridge door\n")
        #expect(try Self.run(["notes", "rm", "1"], home: home.path).status == 0)
        #expect(try Self.run(["notes"], home: home.path).stdout == "no notes\n")
    }
}
