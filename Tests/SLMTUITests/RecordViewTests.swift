import Foundation
import SLMAgent
import SLMStore
@testable import SLMTUI
import Testing

/// The tasks, drafts and notes views, driven by keys on a memory screen.
@Suite("Record views", .serialized)
struct RecordViewTests {
    typealias Harness = AppTests.Harness

    /// An app with no model (its picker closed) over a fresh database.
    static func harness() async throws -> Harness {
        let harness = try await AppTests.harness(model: false)
        harness.press(.escape)
        return harness
    }

    static func browser(_ harness: Harness) -> RecordBrowser? {
        if case .records(let browser)? = harness.app.state.modal { browser } else { nil }
    }

    static func command(_ harness: Harness, _ text: String) async {
        harness.type(text)
        harness.press(.enter)
        await harness.app.settle()
    }

    @Test("tasks: add by hand with a due phrase, tick off, edit, delete, and Ctrl-Z brings it back")
    func tasks() async throws {
        let harness = try await Self.harness()
        await Self.command(harness, "/tasks")
        #expect(Self.browser(harness)?.kind == .tasks)
        harness.press(.control("n"))
        harness.type("Call mom")
        harness.press(.tab)
        harness.type("2026-12-04 5pm")
        harness.press(.tab)
        harness.type("2")
        harness.press(.control("s"))
        await harness.app.settle()
        let added = try #require(try await harness.store.tasks().first)
        #expect(added.title == "Call mom" && added.due == "2026-12-04" && added.dueTime == "17:00" && added.priority == 2)
        #expect(Self.browser(harness)?.form == nil, "the form closes once saved")
        harness.app.render()
        #expect(harness.screen.grid.text.contains("Call mom") && harness.screen.grid.text.contains("due 2026-12-04 17:00"))

        harness.press(.control("d"))
        await harness.app.settle()
        #expect(try await harness.store.task(added.id).status == .done)
        #expect(Self.browser(harness)?.rows.isEmpty == true, "done tasks are hidden until Ctrl-A")
        harness.press(.control("a"))
        harness.press(.control("d"))
        await harness.app.settle()
        #expect(try await harness.store.task(added.id).status == .open)

        harness.press(.enter)
        harness.press(.control("u"))
        harness.type("Call mom back")
        harness.press(.control("s"))
        await harness.app.settle()
        #expect(try await harness.store.task(added.id).title == "Call mom back")

        harness.press(.delete)
        harness.app.render()
        #expect(harness.screen.grid.text.contains("Delete task \(added.id) “Call mom back”?"))
        harness.type("y")
        await harness.app.settle()
        #expect(try await harness.store.tasks().isEmpty)
        harness.press(.control("z"))
        await harness.app.settle()
        #expect(try await harness.store.task(added.id).title == "Call mom back")
        #expect(harness.app.state.entries.last?.text == "Undone: deleted task \(added.id) “Call mom back”")
        #expect(harness.app.state.trace.last?.text == "Undone: deleted task \(added.id) “Call mom back”")
    }

    @Test("a form that cannot be saved stays open with what was typed and says why")
    func formError() async throws {
        let harness = try await Self.harness()
        await Self.command(harness, "/tasks")
        harness.press(.control("n"))
        harness.type("Water plants")
        harness.press(.tab)
        harness.type("someday")
        harness.press(.control("s"))
        await harness.app.settle()
        let form = try #require(Self.browser(harness)?.form)
        #expect(form.value("Title") == "Water plants" && form.error?.contains("cannot tell when “someday” is") == true)
        #expect(try await harness.store.tasks().isEmpty)
        harness.press(.escape, .escape)
        #expect(harness.app.state.modal == nil)
    }

    @Test("drafts: written in the editor, the body from $VISUAL, exported as .eml, copied, marked sent")
    func drafts() async throws {
        let harness = try await Self.harness()
        let editor = harness.folder.appendingPathComponent("editor.sh")
        try "#!/bin/sh\nprintf 'Best,\\nMaria\\n' >> \"$1\"\n".write(to: editor, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: editor.path)
        setenv("VISUAL", editor.path, 1)
        defer { unsetenv("VISUAL") }
        await Self.command(harness, "/drafts")
        harness.press(.control("n"))
        harness.type("ana@example.com")
        harness.press(.tab, .tab)
        harness.type("Thanks")
        harness.press(.tab)
        harness.type("Hi Ana,")
        harness.press(.enter)
        harness.type("thank you.")
        harness.press(.newline)
        harness.press(.control("o"))
        #expect(harness.screen.suspensions == 1)
        #expect(Self.browser(harness)?.form?.value("Body") == "Hi Ana,\nthank you.\nBest,\nMaria")
        harness.press(.control("e"))
        await harness.app.settle()
        let file = harness.folder.appendingPathComponent("drafts/draft-1.eml")
        let eml = try String(contentsOf: file, encoding: .utf8)
        #expect(eml.contains("To: ana@example.com\r\nSubject: Thanks\r\n") && eml.hasSuffix("Hi Ana,\r\nthank you.\r\nBest,\r\nMaria\r\n"))
        #expect(try await harness.store.draft(1).status == .exported)
        harness.press(.control("y"))
        #expect(harness.screen.clipboard.last == "Hi Ana,\nthank you.\nBest,\nMaria")
        harness.press(.control("s"))
        await harness.app.settle()
        #expect(try await harness.store.draft(1).sentAt != nil)
        #expect(Self.browser(harness)?.rows.first?.detail.hasSuffix("sent") == true)
    }

    @Test("notes: filter as you type, edit, delete")
    func notes() async throws {
        let harness = try await Self.harness()
        _ = try await harness.store.addNote("wifi password is on the fridge")
        _ = try await harness.store.addNote("boiler code 1234")
        await Self.command(harness, "/notes")
        #expect(Self.browser(harness)?.rows.count == 2)
        harness.type("boiler")
        #expect(Self.browser(harness)?.rows.map(\.text) == ["boiler code 1234"])
        harness.press(.enter)
        harness.press(.end)
        harness.type("5")
        harness.press(.control("s"))
        await harness.app.settle()
        #expect(try await harness.store.note(2).text == "boiler code 12345")
        harness.press(.delete)
        harness.type("y")
        await harness.app.settle()
        #expect(try await harness.store.notes().map(\.id) == [1])
    }

    @Test("tasks that are due are announced at start and counted in the resource pane")
    func reminders() async throws {
        let harness = try await AppTests.harness(model: false) { store in
            _ = try await store.addTask(title: "Pay rent", due: "2020-01-01")
            _ = try await store.addTask(title: "Later", due: "2999-01-01")
        }
        #expect(harness.app.state.resources.dueTasks == 1)
        #expect(harness.app.state.notice?.text == "Due: “Pay rent” (overdue) — /tasks")
        // a reminder outlasts a slow start and a glance away: it stays for a minute
        #expect(harness.app.state.notice.map { $0.expires - .now > .seconds(30) } == true)
        harness.press(.escape)
        harness.app.render()
        #expect(harness.screen.grid.text.contains("1 due"))
    }

    @Test("/undo and /changes in the app")
    func undoCommand() async throws {
        let harness = try await Self.harness()
        _ = try await harness.store.addTask(title: "Pay rent")
        await Self.command(harness, "/changes")
        guard case .listing(let listing)? = harness.app.state.modal else { Issue.record("no listing"); return }
        #expect(listing.lines.first?.hasSuffix("added task 1 “Pay rent”") == true)
        harness.press(.escape)
        await Self.command(harness, "/undo")
        #expect(try await harness.store.tasks().isEmpty)
        await Self.command(harness, "/undo")
        #expect(harness.app.state.notice?.text == "there is nothing to undo")
    }

    @Test("hostile titles never reach the terminal raw, and the views draw at any size")
    func hostileAndTiny() async throws {
        let harness = try await Self.harness()
        let hostile = "pay \u{1B}[31mrent\u{07}\u{1B}]52;c;ZXZpbA==\u{07}"
        _ = try await harness.store.addTask(title: hostile, notes: "a\u{1B}[2Jb", due: "2020-01-01")
        _ = try await harness.store.createDraft(recipients: "x\u{1B}[1m@example.com", subject: hostile, body: "b\u{9B}c")
        for command in ["/tasks", "/drafts", "/notes"] {
            await Self.command(harness, command)
            for (width, height) in [(120, 40), (20, 6), (8, 3), (1, 1)] {
                harness.screen.size = (width, height)
                harness.app.render()
                #expect(!harness.screen.grid.text.contains("\u{1B}") && !harness.screen.grid.text.contains("\u{07}"))
                harness.press(.enter)
                harness.app.render()
                #expect(!harness.screen.grid.text.contains("\u{1B}") && !harness.screen.grid.text.contains("\u{9B}"))
                harness.press(.escape)
            }
            harness.screen.size = (120, 40)
            harness.press(.escape)
        }
        await Self.command(harness, "/tasks")
        harness.press(.delete)
        harness.type("y")
        await harness.app.settle()
        harness.press(.control("z"))
        await harness.app.settle()
        #expect(!harness.screen.grid.text.contains("\u{1B}"), "the status bar and the undo note in the chat too")
        #expect(harness.app.state.entries.last?.text.hasPrefix("Undone: deleted task 1") == true)
    }

    @Test("filter keys: typing and pastes add, Backspace takes one off, Ctrl-U clears, others are not theirs")
    func filterKeys() {
        var filter = ""
        for key: Key in [.character("a"), .paste("b\nc"), .backspace] { #expect(FilterEditing.apply(key, to: &filter)) }
        #expect(filter == "ab ")
        #expect(FilterEditing.apply(.control("u"), to: &filter) && filter.isEmpty)
        #expect(!FilterEditing.apply(.enter, to: &filter) && !FilterEditing.apply(.up, to: &filter))
    }
}
