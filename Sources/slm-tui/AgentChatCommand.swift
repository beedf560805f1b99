import Foundation
import SLMAgent
import SLMEngine
import SLMStore

/// `slm-tui chat --agent NAME|auto`: one turn of the agent loop on the command line. The
/// answer streams to stdout; routing, tool calls and results go to stderr, or with
/// `--json` every event is a JSON line on stdout.
enum AgentChatCommand {
    struct Options {
        var agent: String?
        var model: String?
        var conversation: Int?
        var sampling: SamplingChoice?
        var maxTokens: Int?
        var contextLength: Int
        var threads: Int
        var cacheType: KVCacheType?
        var json: Bool
        var record: Bool
        var approveAll: Bool
        var database: String?
        var systemPrompt: String?
    }

    static func run(prompt: String, options: Options) throws -> Int32 {
        let store = try StoreAccess.open(options.database)
        let runtime = try AgentSetup.runtime(store: store, model: options.model, contextLength: options.contextLength,
                                             threads: options.threads, cacheType: options.cacheType)
        let turnOptions = TurnOptions(
            conversationID: options.conversation, agent: options.agent, sampling: options.sampling,
            maxTokens: options.maxTokens, record: options.record, systemPrompt: options.systemPrompt)
        let json = options.json, approveAll = options.approveAll
        let status = try wait {
            let status = await stream(runtime.send(prompt, options: turnOptions), runtime: runtime, json: json,
                                      approveAll: approveAll)
            // the next `chat --conversation` continues from here without evaluating it again
            await runtime.saveContexts()
            return status
        }
        return status
    }

    /// Prints events as they come; returns the exit status.
    private static func stream(_ turn: AgentTurn, runtime: AgentRuntime, json: Bool, approveAll: Bool) async -> Int32 {
        var status: Int32 = 1
        // whether the answer on stdout stopped mid-line: on a terminal, a trace line on
        // stderr then starts a line of its own instead of running on after the text
        var midLine = false
        func endLine() {
            guard midLine, Console.outputIsTerminal else { return }
            Console.write("\n")
            midLine = false
        }
        for await event in turn.events {
            if json { Console.print(EventLine.json(event).text) }
            switch event {
            case .token(let text):
                guard !json, !text.isEmpty else { break }
                Console.write(text)
                midLine = !text.hasSuffix("\n")
            case .needsApproval(let request):
                if !json { endLine() }
                let approved = approveAll || askOnTerminal(request)
                await runtime.answerApproval(request.id, approved: approved)
            case .finished(let summary):
                // into a pipe the answer always ends with a newline; on a terminal, once
                if !json, midLine || !Console.outputIsTerminal { Console.write("\n") }
                midLine = false
                status = summary.status == .cancelled ? 130 : 0
            case .failed(let message):
                if !json {
                    endLine()
                    Console.error("slm-tui: \(Console.safe(message))")
                }
                status = 1
            default:
                if !json, let line = EventLine.trace(event) {
                    endLine()
                    Console.error(line)
                }
            }
        }
        return status
    }

    /// Asks "allow?" when standard input is a terminal; anything else is a refusal.
    private static func askOnTerminal(_ request: ApprovalRequest) -> Bool {
        let question = "[approval] \(request.tool) \(Console.safe(request.arguments.text)): \(Console.safe(request.reason)). Allow?"
        guard let answer = Console.confirm(question) else {
            Console.error("[approval] \(request.tool) denied: standard input is not a terminal (pass --yes to allow)")
            return false
        }
        return answer
    }
}

/// How an agent event is printed: a trace line for people, a JSON line for programs.
enum EventLine {
    static func trace(_ event: AgentEvent) -> String? {
        switch event {
        case .routed(let decision):
            "[route] \(decision.agent) (\(decision.rule.rawValue): \(Console.safe(decision.detail)))"
        case .model(let name, let preferred):
            "[model] \(Console.safe(name))" + (preferred.map { " (the agent prefers \(Console.safe($0)), not available)" } ?? "")
        case .contextTrimmed(let dropped):
            "[context] the \(dropped) oldest messages do not fit and were left out"
        case .note(let text):
            "[note] \(Console.safe(text))"
        case .toolCall(let call):
            "[tool] \(call.name) \(Console.safe(call.arguments.text))"
        case .approvalAnswered(let id, let approved):
            "[approval] call \(id) \(approved ? "allowed" : "denied")"
        case .toolResult(let result):
            String(format: "[tool] %@ %@ %.0f ms: ", result.name, result.status.rawValue, result.durationMilliseconds)
                + Console.safe(result.result.text)
        case .stats(let stats):
            String(format: "[stats] %d prompt tokens (%d reused%@), %d generated, prefill %.1f t/s, decode %.1f t/s, first token %.0f ms, stop: %@",
                   stats.promptTokens, stats.reusedPromptTokens,
                   stats.restoredTokens > 0 ? ", \(stats.restoredTokens) from the saved context" : "",
                   stats.generatedTokens, stats.prefillTokensPerSecond,
                   stats.decodeTokensPerSecond, stats.timeToFirstTokenMilliseconds, stats.stopReason)
        case .started, .token, .thinking, .needsApproval, .finished, .failed:
            // (a thinking model's thought is saved with the answer and shown by the app)
            nil
        }
    }

    static func json(_ event: AgentEvent) -> JSONValue {
        func number(_ value: Double) -> JSONValue { .number((value * 100).rounded() / 100) }
        switch event {
        case .started(let id, _):
            return .object(["type": .string("started"), "conversation_id": id.map { .number(Double($0)) } ?? .null])
        case .routed(let decision):
            return .object(["type": .string("routed"), "agent": .string(decision.agent), "rule": .string(decision.rule.rawValue),
                            "detail": .string(decision.detail)])
        case .model(let name, let preferred):
            return .object(["type": .string("model"), "name": .string(name), "preferred": preferred.map(JSONValue.string) ?? .null])
        case .contextTrimmed(let dropped):
            return .object(["type": .string("context_trimmed"), "dropped_messages": .number(Double(dropped))])
        case .note(let text):
            return .object(["type": .string("note"), "text": .string(text)])
        case .token(let text):
            return .object(["type": .string("token"), "text": .string(text)])
        case .thinking(let text):
            return .object(["type": .string("thinking"), "text": .string(text)])
        case .toolCall(let call):
            return .object(["type": .string("tool_call"), "id": .number(Double(call.id)), "name": .string(call.name),
                            "arguments": call.arguments])
        case .needsApproval(let request):
            return .object(["type": .string("needs_approval"), "id": .number(Double(request.id)), "tool": .string(request.tool),
                            "arguments": request.arguments, "reason": .string(request.reason)])
        case .approvalAnswered(let id, let approved):
            return .object(["type": .string("approval"), "id": .number(Double(id)), "approved": .bool(approved)])
        case .toolResult(let result):
            return .object(["type": .string("tool_result"), "id": .number(Double(result.id)), "name": .string(result.name),
                            "status": .string(result.status.rawValue), "result": result.result,
                            "duration_ms": number(result.durationMilliseconds)])
        case .stats(let stats):
            return .object(["type": .string("stats"), "prompt_tokens": .number(Double(stats.promptTokens)),
                            "reused_prompt_tokens": .number(Double(stats.reusedPromptTokens)),
                            "restored_tokens": .number(Double(stats.restoredTokens)),
                            "generated_tokens": .number(Double(stats.generatedTokens)),
                            "prefill_tps": number(stats.prefillTokensPerSecond), "decode_tps": number(stats.decodeTokensPerSecond),
                            "ttft_ms": number(stats.timeToFirstTokenMilliseconds), "stop": .string(stats.stopReason)])
        case .finished(let summary):
            return .object(["type": .string("finished"), "conversation_id": .number(Double(summary.conversationID)),
                            "message_id": summary.messageID.map { .number(Double($0)) } ?? .null,
                            "agent": .string(summary.agent), "model": .string(summary.model),
                            "status": .string(summary.status.rawValue), "tool_calls": .number(Double(summary.toolCalls)),
                            "generated_tokens": .number(Double(summary.generatedTokens)), "text": .string(summary.text)])
        case .failed(let message):
            return .object(["type": .string("failed"), "error": .string(message)])
        }
    }
}
