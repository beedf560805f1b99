import Foundation
import SLMAgent
import SLMEngine
import SLMTestSupport
import Testing

@Suite("Evaluation")
struct EvaluatorTests {
    @Test("the committed set: at least 60 requests over every category, each naming real tools and fields")
    func bundled() throws {
        let cases = try EvalCase.bundled()
        #expect(cases.count >= 60)
        #expect(Set(cases.map(\.category)).isSuperset(of: ["tasks", "notes", "drafts", "dates", "refusals", "multi-step"]))
        let fields: [String: Set<String>] = [
            "tasks": ["id", "title", "due", "time", "priority", "status", "notes"],
            "notes": ["id", "text"], "drafts": ["id", "to", "cc", "subject", "body", "status"],
        ]
        for evalCase in cases {
            if let tool = evalCase.tool { #expect(ToolRegistry.builtIn[tool] != nil, "\(evalCase.request)") }
            let expect = evalCase.expect
            for (kind, records) in [("tasks", expect?.tasks), ("notes", expect?.notes), ("drafts", expect?.drafts)] {
                for record in records ?? [] {
                    #expect(Set(record.keys).isSubset(of: fields[kind] ?? []), "\(evalCase.request): \(record.keys)")
                }
            }
        }
        #expect(cases.filter { $0.expect?.tasks != nil || $0.expect?.notes != nil || $0.expect?.drafts != nil }.count >= 30,
                "most cases are scored by what the store holds")
    }

    static func evaluate(_ json: String, replies: [ScriptedGenerator.Reply]) async throws -> Evaluator.CaseResult {
        let evalCase = try JSONDecoder().decode(EvalCase.self, from: Data(json.utf8))
        let manager = ModelManager(configuration: .init(contextLength: 32_768, threads: 1))
        let model = try ScriptedGenerator.model(ScriptedGenerator(replies))
        await manager.register(model)
        var configuration = RuntimeConfiguration()
        configuration.now = { Date(timeIntervalSince1970: 1_795_514_400) }  // Tuesday 24 November 2026, 10:00 UTC
        configuration.timeZone = TimeZone(identifier: "UTC")!
        let evaluator = Evaluator(models: manager, model: model.reference, configuration: configuration,
                                  scratch: try Fixtures.temporaryDirectory("eval"))
        return try await evaluator.run(evalCase, index: 0)
    }

    static let dentist = #"""
        {"category": "tasks", "request": "Remind me to call the dentist tomorrow at 5pm", "tool": "tasks_add",
         "expect": {"tasks": [{"title": {"contains": "dentist"}, "due": {"day": "tomorrow"}, "time": {"text": "17:00"}}]}}
        """#

    @Test("a case is scored by what the store holds after the turn")
    func storedRight() async throws {
        let result = try await Self.evaluate(Self.dentist, replies: [
            .call(#"{"name": "tasks_add", "arguments": {"title": "Call the dentist"}}"#), .text("Added."),
        ])
        #expect(result.storedCorrect == true && result.isCorrect)
    }

    @Test("a call of the right tool that stores the wrong thing is wrong")
    func storedWrong() async throws {
        let result = try await Self.evaluate(Self.dentist, replies: [
            .call(#"{"name": "tasks_add", "arguments": {"title": "tasks_add"}}"#), .text("Added."),
        ])
        #expect(result.rightTool && result.storedCorrect == false && !result.isCorrect)
        #expect(result.stored?.hasPrefix("tasks []") == true)
    }

    @Test("a request nothing should change is wrong when something changed")
    func unchanged() async throws {
        let refusal = #"{"category": "refusals", "request": "@planner order me a pizza", "tool": null, "expect": {"unchanged": true}}"#
        let wrong = try await Self.evaluate(refusal, replies: [
            .call(#"{"name": "tasks_add", "arguments": {"title": "Order a pizza"}}"#), .text("Added."),
        ])
        #expect(wrong.storedCorrect == false)
        let right = try await Self.evaluate(refusal, replies: [
            .call(#"{"name": "tasks_list", "arguments": {}}"#), .text("I cannot order food."),
        ])
        #expect(right.storedCorrect == true)
        let report = Evaluator.Report([wrong, right])
        #expect(report.storedCorrect == 50 && report.correct == 50)
    }
}
