import Foundation
import SLMAgent
import SLMEngine

/// `slm-tui eval`: the committed requests through the agent loop, scored.
enum EvalCommand {
    static func run(_ words: [String]) throws -> Int32 {
        let arguments = try Arguments(words, flags: ["--json"],
                                      options: ["--model", "--ctx", "--threads", "--limit", "--seed", "--category"])
        guard arguments.positionals.isEmpty else { throw UsageError("eval takes no positional arguments") }
        let cases = try EvalCase.bundled().filter { evalCase in
            arguments.options["--category"].map { $0.split(separator: ",").map(String.init).contains(evalCase.category) } ?? true
        }
        guard !cases.isEmpty else { throw UsageError("no case is in category \(arguments.options["--category"] ?? "")") }
        let seed = try arguments.integer("--seed", default: 42, range: 0...Int(Int32.max))
        let limit = try arguments.integer("--limit", default: cases.count, range: 1...cases.count)
        let threads = try arguments.integer("--threads", default: ProcessInfo.processInfo.activeProcessorCount, range: 1...256)
        let context = try arguments.integer("--ctx", default: 4096, range: 512...1_048_576)
        let servers = SettingsFile.current.servers ?? []
        let remote = arguments.options["--model"].flatMap { RemoteModelName($0, servers: servers) }
        let reference = try remote.map(ModelReference.init(remote:)) ?? ModelResolution.reference(for: arguments.options["--model"])
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("slm-eval-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        var configuration = RuntimeConfiguration()
        configuration.answerTokens = 64
        configuration.maxToolSteps = 2
        let evaluator = Evaluator(
            models: ModelManager(configuration: .init(contextLength: context, threads: threads)), model: reference,
            configuration: configuration, scratch: scratch, sampling: SamplingChoice(seed: UInt64(seed)), servers: servers)
        let selected = Array(cases.prefix(limit))
        let results = try wait {
            var results: [Evaluator.CaseResult] = []
            for (index, evalCase) in selected.enumerated() {
                let result = try await evaluator.run(evalCase, index: index)
                Console.error(line(result, index: index + 1, of: selected.count))
                results.append(result)
            }
            return results
        }
        let report = Evaluator.Report(results)
        if arguments.has("--json") {
            try Console.printJSON(report)
        } else {
            Console.print("""
                model               \(reference.name)
                cases               \(report.cases)
                tool-call validity  \(report.toolCallValidity)%
                right tool          \(report.rightTool)%
                arguments correct   \(report.argumentsCorrect)%
                stored correct      \(report.storedCorrect)%
                correct             \(report.correct)%
                finished            \(report.finished)%
                mean latency        \(Int(report.meanLatencyMilliseconds)) ms
                """)
        }
        return 0
    }

    private static func line(_ result: Evaluator.CaseResult, index: Int, of count: Int) -> String {
        let calls = result.calls.map { "\($0.name) \($0.arguments.text)" }.joined(separator: "; ")
        let verdict = result.isCorrect ? "ok" : result.storedCorrect == false ? "stored wrong"
            : result.rightTool ? "args wrong" : "wrong tool"
        return "[\(index)/\(count)] \(verdict) · \(result.agent ?? "?") · \(Int(result.milliseconds)) ms · "
            + "\(Console.safe(result.request)) → \(Console.safe(calls.isEmpty ? "no call" : calls))"
            + (result.stored.map { " · store: " + Console.safe($0) } ?? "")
            + (result.isCorrect ? "" : " · answer: " + Console.safe(String(result.answer.prefix(200))))
    }
}
