import Foundation
import SLMTestSupport
import Testing

/// The agent commands through the built binary, on the real default model.
@Suite("Agent command line", .serialized)
struct AgentCommandLineTests {
    typealias CLI = CommandLineTests

    static func lines(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
        }
    }

    @Test("chat --agent --json reports routing, the tool call and its result, then the answer; tasks shows the state")
    func agentTurn() throws {
        let database = try Fixtures.temporaryDirectory("agent-cli").appendingPathComponent("db.sqlite3").path
        let result = try CLI.run(["chat", "--agent", "planner", "--model", try DefaultModel.path().path, "--json", "--yes",
                                  "--max-tokens", "16", "--db", database, "Add a task: water the plants"])
        #expect(result.status == 0, "\(result.stderr)")
        let events = try Self.lines(result.stdout)
        let types = events.compactMap { $0["type"] as? String }
        for type in ["started", "routed", "model", "tool_call", "tool_result", "stats", "finished"] {
            #expect(types.contains(type), "\(type) in \(types)")
        }
        let routed = try #require(events.first { $0["type"] as? String == "routed" })
        #expect(routed["agent"] as? String == "planner" && routed["rule"] as? String == "mention")
        let call = try #require(events.first { $0["type"] as? String == "tool_call" })
        #expect((call["name"] as? String)?.hasPrefix("tasks_") == true || (call["name"] as? String)?.hasPrefix("notes_") == true
                || (call["name"] as? String)?.hasPrefix("clock_") == true)
        #expect(call["arguments"] is [String: Any])
        let finished = try #require(events.last)
        #expect(finished["type"] as? String == "finished" && finished["status"] as? String == "complete")

        let tasks = try CLI.run(["tasks", "--all", "--json", "--db", database])
        #expect(tasks.status == 0)
        let listed = try #require(try JSONSerialization.jsonObject(with: Data(tasks.stdout.utf8)) as? [[String: Any]])
        if call["name"] as? String == "tasks_add" {
            #expect(listed.count == 1)
            #expect(listed.first?["id"] as? Int == 1 && listed.first?["title"] is String && listed.first?["status"] as? String == "open")
        }
        let history = try CLI.run(["history", "--json", "--db", database])
        #expect(history.stdout.contains("Add a task: water the plants"))
    }

    @Test("a destructive call is refused when there is no terminal to ask on, unless --yes")
    func approvalWithoutTerminal() throws {
        let database = try Fixtures.temporaryDirectory("deny-cli").appendingPathComponent("db.sqlite3").path
        let model = try DefaultModel.path().path
        let add = try CLI.run(["chat", "--agent", "planner", "--model", model, "--yes", "--max-tokens", "8", "--db", database,
                               "Add a task: pay rent"])
        #expect(add.status == 0, "\(add.stderr)")
        let before = try CLI.run(["tasks", "--all", "--json", "--db", database]).stdout
        let denied = try CLI.run(["chat", "--agent", "planner", "--model", model, "--max-tokens", "8", "--db", database,
                                  "Delete task 1"])
        #expect(denied.status == 0, "\(denied.stderr)")
        #expect(denied.stderr.contains("[approval] tasks_delete denied: standard input is not a terminal"))
        #expect(denied.stderr.contains("tasks_delete denied"))
        #expect(try CLI.run(["tasks", "--all", "--json", "--db", database]).stdout == before)
    }

    @Test("tasks, drafts and notes list what is stored, in text and JSON")
    func toolState() throws {
        let database = try Fixtures.temporaryDirectory("state-cli").appendingPathComponent("db.sqlite3").path
        #expect(try CLI.run(["tasks", "--db", database]).stdout == "no open tasks\n")
        #expect(try CLI.run(["drafts", "--json", "--db", database]).stdout == "[]\n")
        #expect(try CLI.run(["notes", "--db", database]).stdout == "no notes\n")
        #expect(try CLI.run(["notes", "--bogus", "--db", database]).status == 2)
    }

    @Test("agent options are checked", arguments: [
        (["chat", "--agent", "planner", "--raw", "x"], Int32(2), "--raw"),
        (["chat", "--conversation", "3", "x"], Int32(2), "--agent"),
        (["chat", "--agent", "planner", "--conversation", "zero", "x"], Int32(2), "--conversation"),
        (["chat", "--agent", "chef", "--model", CommandLineTests.tinyModel, "--no-save", "x"], Int32(1), "there is no agent chef"),
    ])
    func misuse(arguments: [String], status: Int32, message: String) throws {
        let result = try CLI.run(arguments)
        #expect(result.status == status)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test("eval --json reports every figure")
    func eval() throws {
        let result = try CLI.run(["eval", "--model", try DefaultModel.path().path, "--limit", "2", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(report["cases"] as? Int == 2)
        #expect((report["tool_call_validity"] as? NSNumber)?.doubleValue == 100)
        for key in ["right_tool", "arguments_correct", "finished", "mean_latency_ms"] {
            #expect(report[key] is NSNumber, "\(key)")
        }
        #expect(result.stderr.contains("[2/2]"))
    }
}
