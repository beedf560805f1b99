import Foundation
@testable import SLMAgent
import SLMEngine
import Testing

@Suite("Request reading")
struct RequestReadingTests {
    @Test("the task a request states after its opening", arguments: [
        ("Remind me to call mom", "Call mom"), ("Add a task: pick up the dry cleaning", "Pick up the dry cleaning"),
        ("Please remind me to water the plants.", "Water the plants"), ("add task renew passport", "Renew passport"),
        ("I need to book a haircut", "Book a haircut"), ("Todo: fix the bike", "Fix the bike"),
        ("Don't forget to pay the gas bill please", "Pay the gas bill"),
        ("Put buying a birthday present for Ana on my to-do list", "Buying a birthday present for Ana"),
        ("Add a task: buy stamps, then show my tasks", "Buy stamps"),
        ("Please add 'renew car insurance' to my list", "Renew car insurance"),
        ("Set a reminder for the dentist appointment", "The dentist appointment"),
    ])
    func task(text: String, expected: String) {
        #expect(RequestReading.task(in: text) == expected)
    }

    @Test("other requests state no task", arguments: [
        "What tasks do I have?", "Delete task 3", "Taskmaster is on tonight", "Remind me", "Mark task 1 as done",
    ])
    func noTask(text: String) {
        #expect(RequestReading.task(in: text) == nil)
    }

    @Test("the one record number a request names", arguments: [
        ("Delete task 1", 1), ("mark task #12 as done", 12), ("Show draft number 3", 3), ("export #4", 4),
        ("Move task 2 to friday", 2),
    ])
    func recordNumber(text: String, expected: Int) {
        #expect(RequestReading.recordNumber(in: text) == expected)
    }

    @Test("no number, or more than one, names no record", arguments: [
        "Delete my task", "Buy 2 apples", "Merge task 1 and task 2", "Call me at 5",
    ])
    func noRecordNumber(text: String) {
        #expect(RequestReading.recordNumber(in: text) == nil)
    }

    @Test("arguments the request gives are narrowed to it; optional ones it says nothing of are not offered")
    func offeringAndFilling() throws {
        let reading = RequestReading(moment: DueMoment(day: "2026-11-25", time: "17:00"), taskTitle: "Call mom")
        let add = try #require(ToolRegistry.builtIn["tasks_add"])
        guard case .object(let properties) = reading.offering(add).arguments else { Issue.record("not an object"); return }
        #expect(properties.map(\.name) == ["title", "due"], "no notes or priority unless the request speaks of them")
        #expect(properties.first { $0.name == "due" }?.schema == .oneOf(["2026-11-25 17:00"]))
        #expect(properties.first { $0.name == "title" }?.schema == .oneOf(["Call mom"]))
        let filled = reading.filling(.object(["title": .string("Call mom")]), for: add)
        #expect(filled["due"] == .string("2026-11-25 17:00"))
        let urgent = RequestReading(words: ["urgent", "add", "notes"])
        guard case .object(let offered) = urgent.offering(add).arguments else { Issue.record("not an object"); return }
        #expect(offered.map(\.name) == ["title", "priority", "notes"], "no day named: no due")
        #expect(offered.first { $0.name == "title" }?.schema == TaskTools.title, "no task stated: the title is free")
        let list = try #require(ToolRegistry.builtIn["tasks_list"])
        #expect(RequestReading(moment: DueMoment(day: "2026-11-27")).offering(list).arguments == .object([
            .init("status", .oneOf(["open", "done", "all"]), required: false, description: "open by default"),
            .init("due_before", .oneOf(["2026-11-27"]), required: false, description: "only tasks due before this day"),
        ]))
        let numbered = RequestReading(recordNumbers: [3])
        let delete = try #require(ToolRegistry.builtIn["tasks_delete"])
        #expect(numbered.offering(delete).arguments == .object([.init("id", .integer(minimum: 3, maximum: 3),
                                                                      description: "the task's number")]))
        #expect(numbered.filling(.object([:]), for: delete) == .object(["id": .number(3)]))
        let two = RequestReading(recordNumbers: [1, 2])
        #expect(two.offering(delete).arguments == .object([.init("id", .integer(minimum: 1, maximum: 2),
                                                                 description: "the task's number")]))
        #expect(two.filling(.object([:]), for: delete) == .object([:]), "which of two is the model's to say")
    }

    @Test("the note a request states", arguments: [
        ("Make a note that the wifi password is tulip42", "The wifi password is tulip42"),
        ("Note: the spare key is under the blue pot", "The spare key is under the blue pot"),
        ("Please write down that the plumber is Joe", "The plumber is Joe"),
        ("Could you jot down that the gate code is 7788?", "The gate code is 7788"),
        ("Add a task to call the bank and make a note that the account is 1234", "The account is 1234"),
    ])
    func note(text: String, expected: String) {
        #expect(RequestReading.note(in: text) == expected)
    }

    @Test("the arithmetic a request asks for, as the calculator reads it", arguments: [
        ("What is 17.5 * 4?", "17.5 * 4"), ("Calculate 15% of 80", "15% * 80"), ("How much is (120 + 45) / 3?", "(120 + 45) / 3"),
        ("what's 6 × 7", "6 * 7"), ("What is 12 times 7?", "12 * 7"), ("What's 100 divided by 8?", "100 / 8"),
        ("how much is 3.5 multiplied by 4", "3.5 * 4"), ("What is 9 plus 10 minus 2?", "9 + 10 - 2"),
    ])
    func arithmetic(text: String, expected: String) {
        #expect(RequestReading.arithmetic(in: text) == expected)
    }

    @Test("email addresses go to `to`, those after cc to `cc`")
    func addresses() {
        #expect(RequestReading.addresses(in: "Email bob@example.com asking about Monday") == (["bob@example.com"], []))
        let both = RequestReading.addresses(in: "Draft a reply to tom@example.com and ann@example.org, cc jane@example.com.")
        #expect(both.to == ["tom@example.com", "ann@example.org"] && both.cc == ["jane@example.com"])
        #expect(RequestReading.addresses(in: "Write to my landlord at home") == ([], []))
        #expect(RequestReading.addresses(in: "me@localhost or @example.com") == ([], []))
    }

    @Test("the new value a request gives a field")
    func newValue() {
        #expect(RequestReading.newValue(of: ["subject"], in: "Change the subject of draft 1 to Thank you so much.")
            == "Thank you so much")
        #expect(RequestReading.newValue(of: ["subject"], in: "Set the subject to “Invoice 42”") == "Invoice 42")
        #expect(RequestReading.newValue(of: ["subject"], in: "Make draft 1 shorter") == nil)
    }

    @Test("a two-step request: its first step's tools, then the second's")
    func twoSteps() throws {
        let planner = ToolRegistry.builtIn.subset(AgentProfile.planner.toolNames)
        let request = "Mark task 1 as done and delete task 2"
        #expect(ToolHints.best(planner, for: request)?.map(\.name) == ["tasks_complete"])
        #expect(ToolHints.followUp(planner, for: request)?.map(\.name) == ["tasks_delete"])
        #expect(ToolHints.followUp(planner, for: "Remind me to call Ana and Bob") == nil)
        #expect(ToolHints.best(planner, for: "Add a task: buy stamps, then show my tasks")?.map(\.name) == ["tasks_add"])
        #expect(ToolHints.best(planner, for: "What's on my to-do list?")?.map(\.name) == ["tasks_list"])
        #expect(ToolHints.best(planner, for: "Put buying a present for Ana on my to-do list")?.map(\.name) == ["tasks_add"])
        #expect(ToolHints.best(planner, for: "Delete the note about the wifi")?.map(\.name) == ["notes_delete"])
        #expect(ToolHints.best(planner, for: "Note: the spare key is under the pot")?.map(\.name) == ["notes_add"])
        let writer = ToolRegistry.builtIn.subset(AgentProfile.writer.toolNames)
        #expect(ToolHints.best(writer, for: "Change the subject of draft 1 to Thanks")?.map(\.name) == ["drafts_revise"])
        #expect(ToolHints.best(writer, for: "Show draft 1")?.map(\.name) == ["drafts_show"])
    }

    @Test("the subject an email request gives", arguments: [
        ("Write to carla@example.com with the subject Invoice 42 saying the invoice is attached", "Invoice 42"),
        ("Compose an email to team@example.com about the meeting, subject: Meeting cancelled", "Meeting cancelled"),
        ("Email Bob, titled “Lunch?”, asking about Friday", "Lunch"),
    ])
    func subject(text: String, expected: String) {
        #expect(RequestReading.subject(in: text) == expected)
    }

    @Test("what a lookup is about", arguments: [
        ("What notes do I have about the wifi?", "wifi"), ("Look up what I noted about the spare key", "spare key"),
        ("Search my past chats for the ferry to Porto", "ferry to porto"),
    ])
    func topic(text: String, expected: String) {
        #expect(RequestReading.topic(in: text) == expected)
        #expect(RequestReading.subject(in: "Email Bob about the subject of taxes") == nil)
    }

    @Test("no arithmetic in dates, ranges or plain numbers", arguments: [
        "Call me at 5", "Due 2026-12-04", "Buy 2 apples", "Water the plants 3 times a week",
    ])
    func noArithmetic(text: String) {
        #expect(RequestReading.arithmetic(in: text) == nil)
    }

    @Test("titles that are a tool's name or its description are refused; real ones pass", arguments: [
        ("task_add", false), ("tasks add", false), ("dry-cleaning task add", false), ("Add a task", false),
        ("Pick up the dry cleaning", true), ("Add oil to the car", true), ("Call the list manager", true),
    ])
    func titles(title: String, accepted: Bool) {
        #expect((FreeText.titleProblem(title, tools: ToolRegistry.builtIn.tools) == nil) == accepted, "\(title)")
    }

    @Test("repetition is cut after its first time; ordinary text is kept", arguments: [
        ("in 3 days in 3 days in 3 days", "in 3 days"), ("buy milk", "buy milk"),
        ("very very very long", "very"), ("call Ana then call Bob", "call Ana then call Bob"),
        ("a b a b", "a b a b"),
    ])
    func repetition(text: String, expected: String) {
        #expect(FreeText.withoutRepetition(text) == expected)
    }
}
