import Foundation
import SLMAgent
import SLMEngine
import SLMStore
import Testing

/// What the agent changes is named before it is asked, journaled with its turn, and
/// helped by code: dates and task titles read from the request, tool names refused as titles.
@Suite("Visible, reversible changes")
struct VisibleChangesTests {
    typealias Scripted = ScriptedTurnTests

    static func results(_ events: [AgentEvent]) -> [ToolResultEvent] {
        events.compactMap { if case .toolResult(let result) = $0 { result } else { nil } }
    }

    @Test("the approval names the record as the user knows it")
    func approvalNamesRecord() async throws {
        let setup = try await Scripted.setup([.call(#"{"name": "tasks_delete", "arguments": {"id": 1}}"#), .text("Deleted.")])
        _ = try await setup.store.addTask(title: "Pay rent", due: "2026-12-01", dueTime: "17:00")
        var asked: [ApprovalRequest] = []
        let runtime = setup.runtime
        _ = await Scripted.events(runtime.send("Delete task 1")) { request in
            asked.append(request)
            await runtime.answerApproval(request.id, approved: true)
        }
        #expect(asked.map(\.reason) == ["Delete task 1 “Pay rent”, due Tue 1 Dec 17:00?"])
    }

    @Test("a note is deleted by what it is about: the approval quotes it, and no match is answered without asking")
    func noteDeletedByTopic() async throws {
        let setup = try await Scripted.setup([
            .call(#"{"name": "notes_delete", "arguments": {"about": "wifi"}}"#), .text("Deleted."),
            .call(#"{"name": "notes_delete", "arguments": {"about": "boiler"}}"#), .text("Sorry."),
        ])
        _ = try await setup.store.addNote("The wifi password is tulip42")
        var asked: [String] = []
        let runtime = setup.runtime
        _ = await Scripted.events(runtime.send("Delete the note about the wifi")) { request in
            asked.append(request.reason)
            await runtime.answerApproval(request.id, approved: true)
        }
        #expect(asked == ["Delete note 1 “The wifi password is tulip42”?"])
        #expect(try await setup.store.notes().isEmpty)
        let events = await Scripted.events(runtime.send("Delete the note about the boiler")) { _ in Issue.record("asked") }
        #expect(Self.results(events).first?.result == .object(["error": .string("no note contains “boiler”")]))
        try await setup.store.undoChange()
        #expect(try await setup.store.notes().map(\.text) == ["The wifi password is tulip42"])
    }

    @Test("a call on a record that does not exist is answered as such, never asked")
    func missingRecordNotAsked() async throws {
        let setup = try await Scripted.setup([.call(#"{"name": "tasks_delete", "arguments": {"id": 17}}"#), .text("Sorry.")])
        let events = await Scripted.events(setup.runtime.send("Delete task 17")) { _ in Issue.record("asked for approval") }
        #expect(!events.contains { if case .needsApproval = $0 { true } else { false } })
        let result = try #require(Self.results(events).first)
        #expect(result.status == .failed && result.result == .object(["error": .string("task 17 does not exist")]))
        #expect(Scripted.summary(events)?.text == "Sorry.\n\nFailed: tasks_delete — task 17 does not exist.")
    }

    @Test("the agent's change is journaled with its turn and call, and undoing it restores the record")
    func journaledAndUndone() async throws {
        let setup = try await Scripted.setup([.call(#"{"name": "tasks_delete", "arguments": {"id": 1}}"#), .text("Deleted.")])
        let task = try await setup.store.addTask(title: "Pay rent")
        let runtime = setup.runtime
        let events = await Scripted.events(runtime.send("Delete task 1")) { await runtime.answerApproval($0.id, approved: true) }
        let call = try #require(Self.results(events).first)
        let change = try #require(try await setup.store.changes().first)
        #expect(change.action == .deleted && change.origin.source == .agent && change.origin.toolCallID == call.id)
        #expect(change.origin.conversationID == Scripted.summary(events)?.conversationID)
        try await setup.store.undoChange()
        #expect(try await setup.store.task(task.id) == task)
    }

    @Test("a date and a task in the request are offered as the only values; left out, they are filled in")
    func requestReadByCode() async throws {
        let setup = try await Scripted.setup([.call(#"{"name": "tasks_add", "arguments": {"title": "Call mom"}}"#), .text("Added.")])
        _ = await Scripted.events(setup.runtime.send("Remind me to call mom tomorrow at 5pm"))
        let grammar = try #require(setup.generator.requests.first?.constraint?.grammar)
        guard case .toolCall(let tools, _) = grammar, let add = tools.first(where: { $0.name == "tasks_add" }),
            case .object(let properties) = add.arguments
        else { Issue.record("no tasks_add in \(grammar)"); return }
        #expect(properties.first { $0.name == "due" }?.schema == .oneOf(["2026-11-25 17:00"]))
        #expect(properties.first { $0.name == "title" }?.schema == .oneOf(["Call mom"]))
        let stored = try await setup.store.tasks()
        #expect(stored.map(\.title) == ["Call mom"])
        #expect(stored.first?.due == "2026-11-25" && stored.first?.dueTime == "17:00")
    }

    @Test("a tool's name is refused as a title, and the model is told why", arguments: ["task_add", "tasks add"])
    func toolNameTitle(title: String) async throws {
        let setup = try await Scripted.setup([
            .call(#"{"name": "tasks_add", "arguments": {"title": "\#(title)"}}"#), .text("Sorry."),
        ])
        let events = await Scripted.events(setup.runtime.send("@planner something about the garden"))
        #expect(try await setup.store.tasks().isEmpty)
        let result = try #require(Self.results(events).first)
        #expect(result.status == .failed)
        #expect(result.result["error"]?.stringValue?.contains("tool's name") == true)
    }

    @Test("free text that loops is cut where it starts repeating")
    func repetitionCut() async throws {
        let setup = try await Scripted.setup([
            .call(#"{"name": "tasks_add", "arguments": {"title": "Dry cleaning", "notes": "in 3 days in 3 days in 3 days in 3 days"}}"#),
            .text("Added."),
        ])
        _ = await Scripted.events(setup.runtime.send("@planner add dry cleaning to my tasks, with a note"))
        #expect(try await setup.store.tasks().first?.notes == "in 3 days")
    }

    @Test("with --temp 0 and a seed, the required call is sampled greedily and repeatably")
    func reproducibleCalls() async throws {
        let setup = try await Scripted.setup([.call(#"{"name": "tasks_list", "arguments": {}}"#), .text("None.")])
        var options = TurnOptions()
        options.sampling = SamplingChoice(temperature: 0, seed: 7)
        _ = await Scripted.events(setup.runtime.send("What tasks do I have?", options: options))
        let first = try #require(setup.generator.requests.first)
        #expect(first.sampling.temperature == 0 && first.sampling.seed == 7)
    }
}
