import Foundation
import SLMEngine
import SLMStore

/// Runs evaluation cases through the whole agent loop, each on a fresh scratch database
/// with destructive calls approved, and scores the calls the model made.
public struct Evaluator: Sendable {
    /// How one case went.
    public struct CaseResult: Sendable {
        public let request: String
        public let category: String
        public let expectedTool: String?
        public let agent: String?
        public let calls: [ToolCallEvent]
        /// Calls whose name and arguments satisfied the schemas.
        public let validCalls: Int
        public let rightTool: Bool
        /// nil when the case checks no arguments.
        public let argumentsCorrect: Bool?
        /// Whether the store held what it should after the turn; nil when the case does not say.
        public let storedCorrect: Bool?
        /// What the store held, when it was wrong (for the report's lines).
        public let stored: String?
        public let finished: Bool
        public let milliseconds: Double
        public let answer: String

        /// Right in the end: the store as expected where the case says, else the right tool
        /// with right arguments.
        public var isCorrect: Bool { storedCorrect ?? (rightTool && argumentsCorrect != false) }
    }

    /// The figures `slm-tui eval` reports; rates in percent.
    public struct Report: Sendable, Encodable {
        public let cases: Int
        public let toolCallValidity: Double
        public let rightTool: Double
        public let argumentsCorrect: Double
        /// Cases whose store held the right records afterwards.
        public let storedCorrect: Double
        /// Cases that were right in the end: the store as expected where a case says, else
        /// the right tool with right arguments.
        public let correct: Double
        public let finished: Double
        public let meanLatencyMilliseconds: Double

        enum CodingKeys: String, CodingKey {
            case cases, finished
            case toolCallValidity = "tool_call_validity"
            case rightTool = "right_tool"
            case argumentsCorrect = "arguments_correct"
            case storedCorrect = "stored_correct"
            case correct
            case meanLatencyMilliseconds = "mean_latency_ms"
        }

        public init(_ results: [CaseResult]) {
            func percent(_ part: Int, _ whole: Int) -> Double { whole == 0 ? 100 : (Double(part) / Double(whole) * 1000).rounded() / 10 }
            let calls = results.reduce(0) { $0 + $1.calls.count }
            let checked = results.compactMap(\.argumentsCorrect)
            cases = results.count
            toolCallValidity = percent(results.reduce(0) { $0 + $1.validCalls }, calls)
            rightTool = percent(results.filter(\.rightTool).count, results.count)
            argumentsCorrect = percent(checked.filter { $0 }.count, checked.count)
            let stored = results.compactMap(\.storedCorrect)
            storedCorrect = percent(stored.filter { $0 }.count, stored.count)
            correct = percent(results.filter(\.isCorrect).count, results.count)
            finished = percent(results.filter(\.finished).count, results.count)
            meanLatencyMilliseconds = results.isEmpty ? 0
                : (results.reduce(0) { $0 + $1.milliseconds } / Double(results.count)).rounded()
        }
    }

    public let models: ModelManager
    public let model: ModelReference
    public let configuration: RuntimeConfiguration
    /// Where scratch databases and drafts go; removed afterwards.
    public let scratch: URL

    /// Sampling for every turn: a fixed seed makes a run repeatable.
    public let sampling: SamplingChoice?
    /// Servers, for a model that runs on one (`model@server`).
    public let servers: [ModelServer]

    public init(models: ModelManager, model: ModelReference, configuration: RuntimeConfiguration, scratch: URL,
                sampling: SamplingChoice? = nil, servers: [ModelServer] = []) {
        self.servers = servers
        self.models = models
        self.model = model
        self.configuration = configuration
        self.scratch = scratch
        self.sampling = sampling
    }

    /// Runs one case.
    public func run(_ evalCase: EvalCase, index: Int) async throws -> CaseResult {
        let folder = scratch.appendingPathComponent("case-\(index)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try Store(path: folder.appendingPathComponent("eval.sqlite3").path)
        try await prepare(evalCase.setup, in: store)
        let changesBefore = try await store.changes(limit: 1).first?.id ?? 0
        let runtime = AgentRuntime(store: store, models: models, drafts: DraftsFolder(url: folder.appendingPathComponent("drafts")),
                                   configuration: configuration, servers: servers)
        if let remote = model.remote {
            try await runtime.selectRemoteModel(remote)
        } else {
            try await runtime.selectModel(model)
        }

        let start = ContinuousClock.now
        var calls: [ToolCallEvent] = []
        var agent: String?
        var finished = false
        var answer = ""
        var options = TurnOptions()
        options.sampling = sampling
        for await event in runtime.send(evalCase.request, options: options).events {
            switch event {
            case .routed(let decision): agent = decision.agent
            case .toolCall(let call): calls.append(call)
            case .needsApproval(let request): await runtime.answerApproval(request.id, approved: true)
            case .finished(let summary):
                finished = summary.status == .complete
                answer = summary.text
            default: break
            }
        }
        let elapsed = ContinuousClock.now - start
        let valid = calls.filter { call in
            guard let tool = runtime.tools[call.name] else { return false }
            return tool.arguments.problems(with: call.arguments).isEmpty
        }.count
        let first = calls.first
        let rightTool = first?.name == evalCase.tool
        let (storedCorrect, stored) = try await check(evalCase.expect, in: store, since: changesBefore)
        var argumentsCorrect: Bool?
        if let checks = evalCase.arguments {
            let resolver = DateResolver(timeZone: configuration.timeZone)
            let now = configuration.now()
            argumentsCorrect = rightTool && checks.allSatisfy { name, check in
                check.passes(first?.arguments[name], resolver: resolver, now: now)
            }
        }
        return CaseResult(
            request: evalCase.request, category: evalCase.category, expectedTool: evalCase.tool, agent: agent, calls: calls,
            validCalls: valid, rightTool: rightTool, argumentsCorrect: argumentsCorrect, storedCorrect: storedCorrect,
            stored: storedCorrect == false ? stored : nil, finished: finished,
            milliseconds: elapsed / .milliseconds(1),
            answer: answer)
    }

    /// Whether the store holds what `expect` says (and what it holds, in short).
    private func check(_ expect: EvalCase.StoreExpectation?, in store: Store, since change: Int) async throws
        -> (Bool?, String)
    {
        guard let expect else { return (nil, "") }
        let resolver = DateResolver(timeZone: configuration.timeZone)
        let now = configuration.now()
        var correct = true
        var held: [String] = []
        if expect.unchanged == true {
            let changed = try await store.changes(limit: 1).first.map { $0.id > change } ?? false
            correct = correct && !changed
            if changed { held.append("changed: " + (try await store.changes(limit: 1).first?.summary ?? "")) }
        }
        func compare(_ checks: [[String: EvalCase.FieldCheck]]?, _ records: [JSONValue], _ kind: String) {
            guard let checks else { return }
            held.append(kind + " " + JSONValue.array(records).text)
            var left = records
            for check in checks {
                guard let index = left.firstIndex(where: { record in
                    check.allSatisfy { name, field in field.passes(record[name], resolver: resolver, now: now) }
                }) else {
                    correct = false
                    return
                }
                left.remove(at: index)
            }
            if !left.isEmpty { correct = false }
        }
        if expect.tasks != nil { compare(expect.tasks, try await store.tasks().map(TaskTools.json), "tasks") }
        if expect.notes != nil { compare(expect.notes, try await store.notes(limit: 1000).map(NoteTools.json), "notes") }
        if expect.drafts != nil { compare(expect.drafts, try await store.drafts().map { DraftTools.json($0) }, "drafts") }
        return (correct, held.joined(separator: "; "))
    }

    private func prepare(_ setup: EvalCase.Setup?, in store: Store) async throws {
        guard let setup else { return }
        for task in setup.tasks ?? [] {
            let added = try await store.addTask(title: task.title, due: task.due, dueTime: task.time)
            if task.done == true { _ = try await store.completeTask(added.id) }
        }
        for note in setup.notes ?? [] { _ = try await store.addNote(note) }
        for draft in setup.drafts ?? [] {
            _ = try await store.createDraft(recipients: draft.to, subject: draft.subject, body: draft.body)
        }
        for conversation in setup.conversations ?? [] {
            let id = try await store.createConversation(title: conversation.title).id
            for message in conversation.messages { _ = try await store.appendMessage(to: id, role: .user, content: message) }
        }
    }
}
