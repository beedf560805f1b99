import Foundation
import SLMAgent
import SLMEngine
import SLMStore
import SLMTestSupport
import Testing

/// The whole loop on the real default model (Gemma 3 270M), small budgets to stay quick:
/// end-to-end checks of what a scripted model cannot show (a real grammar over a real
/// vocabulary, real cancellation of a forward pass). The loop's decisions, routing by the
/// model and context trimming are in ScriptedTurnTests.
@Suite("Agent runtime", .serialized)
struct AgentRuntimeTests {
    /// An agent with no tools: plain answers.
    static let chatter = AgentProfile(
        name: "chatter", summary: "chat", instructions: "You are a friendly assistant.", toolNames: [],
        sampling: .greedy, preferredModel: .light, startsWithTool: false, keywords: [])

    static func runtime(
        agents: [AgentProfile] = AgentProfile.builtIn + [chatter], context: Int = 2048,
        configure: (inout RuntimeConfiguration) -> Void = { _ in }
    ) async throws -> AgentRuntime {
        let folder = try Fixtures.temporaryDirectory("runtime")
        let store = try Store(path: folder.appendingPathComponent("slm-tui.sqlite3").path)
        var configuration = RuntimeConfiguration()
        configuration.answerTokens = 24
        configuration.maxToolSteps = 1
        configure(&configuration)
        let manager = ModelManager(configuration: .init(contextLength: context, threads: 2))
        let runtime = AgentRuntime(store: store, models: manager, drafts: DraftsFolder(url: folder.appendingPathComponent("drafts")),
                                   agents: agents, configuration: configuration)
        try await runtime.selectModel(ModelReference(name: "gemma3-270m", path: try DefaultModel.path()))
        return runtime
    }

    static func events(of turn: AgentTurn, onApproval: ((ApprovalRequest) async -> Void)? = nil) async -> [AgentEvent] {
        var events: [AgentEvent] = []
        for await event in turn.events {
            events.append(event)
            if case .needsApproval(let request) = event { await onApproval?(request) }
        }
        return events
    }

    @Test("a planner request: routed by keyword, a valid planner call, its result recorded, then an answer")
    func plannerTurn() async throws {
        let runtime = try await Self.runtime()
        let events = await Self.events(of: runtime.send("Remind me to renew my passport next Friday"))
        guard case .routed(let decision)? = events.first(where: { if case .routed = $0 { true } else { false } }) else {
            Issue.record("no routed event: \(events)")
            return
        }
        #expect(decision.agent == "planner" && decision.rule == .keywords && decision.detail == "remind")
        let calls = events.compactMap { if case .toolCall(let call) = $0 { call } else { nil } }
        let call = try #require(calls.first)
        let tool = try #require(ToolRegistry.builtIn[call.name])
        #expect(AgentProfile.planner.toolNames.contains(call.name))
        #expect(tool.arguments.problems(with: call.arguments).isEmpty)
        let result = try #require(events.compactMap { if case .toolResult(let r) = $0 { r } else { nil } }.first)
        #expect(result.id == call.id)
        guard case .finished(let summary)? = events.last else { Issue.record("last event: \(String(describing: events.last))"); return }
        #expect(summary.status == .complete && summary.toolCalls == 1 && summary.agent == "planner")

        let store = runtime.store
        let recorded = try await store.toolCalls(in: summary.conversationID)
        #expect(recorded.count == 1)
        #expect(recorded.first?.tool == call.name && recorded.first?.result == result.result.text)
        #expect(recorded.first?.status.rawValue == result.status.rawValue)
        let messages = try await store.messages(in: summary.conversationID)
        #expect(messages.map(\.role) == [.user, .assistant, .tool, .assistant])
        #expect(messages.first?.content == "Remind me to renew my passport next Friday")
        #expect(messages.last?.status == .complete && messages.last?.content == summary.text)
        #expect(recorded.first?.messageID == messages[1].id)
    }

    @Test("cancelling stops within a token and keeps the partial answer as cancelled")
    func cancel() async throws {
        let runtime = try await Self.runtime { $0.answerTokens = 400 }
        let turn = runtime.send("@chatter Tell me a long story about a lighthouse keeper.")
        var text = ""
        var tokens = 0
        var summary: TurnSummary?
        var events: [AgentEvent] = []
        for await event in turn.events {
            events.append(event)
            switch event {
            case .token(let piece):
                text += piece
                tokens += 1
                if tokens == 5 { turn.cancel() }
            case .finished(let finished): summary = finished
            default: break
            }
        }
        let finished = try #require(summary)
        #expect(finished.status == .cancelled)
        #expect(!events.contains { if case .failed = $0 { true } else { false } })
        #expect(tokens <= 6)
        #expect(finished.text == text)
        let message = try #require(try await runtime.store.messages(in: finished.conversationID).last)
        #expect(message.status == .cancelled && message.content == text)
    }
}
