import Foundation
import SLMEngine
import SLMSync

/// A model on a server, answering through `POST /v1/chat/completions` with `stream: true`.
/// Tools go as the API's `tools` with `tool_choice`; a server that refuses them (llama-server
/// without `--jinja`, a model without a tool format) is asked again with the tools described
/// in the system text and calls read from `<tool_call>` tags in the answer — from then on for
/// this model. Speeds and time to first token are measured from the stream.
final class RemoteModel: TurnModel {
    let remote: RemoteModelName
    let connection: ServerConnection
    /// Seconds the server may stay silent before the turn fails.
    let silence: TimeInterval
    /// The server refused `tools` once: calls go in the text.
    private let toolsInText = Locked(false)

    init(_ remote: RemoteModelName, connection: ServerConnection, silence: TimeInterval = 300) {
        self.remote = remote
        self.connection = connection
        self.silence = silence
    }

    var name: String { remote.description }
    var isChatTuned: Bool { true }
    var contextLength: Int { 0 }
    var cachedTokenCount: Int { 0 }
    var argumentsKey: String { "arguments" }
    var takesReadArguments: Bool { false }
    /// `tool_choice: "required"` is a request: Ollama ignores it, and llama-server holds a
    /// model to it only with some templates.
    var enforcesCalls: Bool { false }

    /// Calls never reach the shown text: the server or `PlainCalls` takes them out first.
    func visibleAnswer(callsPossible: Bool) -> VisibleAnswer {
        VisibleAnswer(style: .plain, callsPossible: false)
    }

    func callMessage(name: String, arguments: JSONValue, id: String) -> ChatMessage {
        ChatMessage(role: .assistant, content: "",
                    toolCalls: [ChatConversation.ToolCall(id: id, name: name, arguments: arguments.text)])
    }

    func step(_ input: StepInput) throws -> StepStream {
        let (events, continuation) = AsyncThrowingStream.makeStream(of: GenerationEvent.self)
        let task = Task {
            do {
                try await run(input, into: continuation)
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return StepStream(events: events)
    }

    private func run(_ input: StepInput, into continuation: AsyncThrowingStream<GenerationEvent, Error>.Continuation)
        async throws
    {
        let start = ContinuousClock.now
        let inText = toolsInText.withLock { $0 }
        do {
            try await stream(input, toolsInText: inText, start: start, into: continuation)
        } catch let error as ServerError where !inText && input.calls != .none && Self.refusesTools(error) {
            toolsInText.withLock { $0 = true }
            try await stream(input, toolsInText: true, start: start, into: continuation)
        }
    }

    /// A refusal that is about the tools (so asking without them may work).
    private static func refusesTools(_ error: ServerError) -> Bool {
        switch error {
        case .failed(_, let status, let message) where (400..<600).contains(status):
            message.lowercased().contains("tool") || message.lowercased().contains("jinja")
        default: false
        }
    }

    private func stream(_ input: StepInput, toolsInText: Bool, start: ContinuousClock.Instant,
                        into continuation: AsyncThrowingStream<GenerationEvent, Error>.Continuation) async throws
    {
        let request = connection.request("v1/chat/completions", body: body(input, toolsInText: toolsInText),
                                         timeout: silence)
        var events = ServerSentEvents()
        var reader = ChatCompletionReader()
        var calls = PlainCalls(active: toolsInText && input.calls != .none)
        var thinking = false
        var firstPiece: ContinuousClock.Instant?
        func take(_ data: String) throws {
            let pieces: [ChatCompletionReader.Piece]
            do {
                pieces = try reader.read(data)
            } catch {
                throw ServerError.reported(server: remote.server, message: ServerError.brief(error.message))
            }
            for piece in pieces {
                if firstPiece == nil { firstPiece = .now }
                switch piece {
                case .reasoning(let thought):
                    continuation.yield(.text((thinking ? "" : ThinkingSplitter.open) + thought))
                    thinking = true
                case .content(let text):
                    if thinking {
                        continuation.yield(.text(ThinkingSplitter.close))
                        thinking = false
                    }
                    let shown = calls.push(text)
                    if !shown.isEmpty { continuation.yield(.text(shown)) }
                }
            }
        }
        // a server that ignores max_tokens is stopped past twice the asked length
        let pieceLimit = input.maxTokens * 2 + 64
        do {
            for try await bytes in connection.stream(request) {
                let complete: [String]
                do {
                    complete = try events.push(bytes)
                } catch {
                    throw ServerError.badAnswer(server: remote.server, detail: "a line of over \(ServerSentEvents.maxLine) bytes")
                }
                // checked event by event: one read can hold a whole answer when the machine is busy
                for data in complete {
                    try take(data)
                    if reader.done || reader.pieces > pieceLimit { break }
                }
                if reader.done || reader.pieces > pieceLimit || Task.isCancelled { break }
            }
        } catch where Task.isCancelled {
            // the connection's wait ended by the cancel: what came is kept, as a cancelled answer
        }
        if !reader.done, reader.pieces <= pieceLimit, let last = events.finish() { try take(last) }
        if thinking { continuation.yield(.text(ThinkingSplitter.close)) }
        let cancelled = Task.isCancelled
        let overran = reader.pieces > pieceLimit
        if !cancelled, !overran, !reader.done, reader.finishReason == nil { throw ServerError.cutOff(server: remote.server) }
        if !cancelled, let call = reader.calls.first(where: { !$0.name.isEmpty }) {
            let arguments = JSONValue(parsing: call.arguments.isEmpty ? "{}" : call.arguments) ?? .string(call.arguments)
            continuation.yield(.constrained(JSONValue.object([.init("name", .string(call.name)),
                                                              .init("arguments", arguments)]).text))
        } else if !cancelled {
            let rest = calls.finish()
            if !rest.text.isEmpty { continuation.yield(.text(rest.text)) }
            if let call = rest.call { continuation.yield(.constrained(call)) }
        }
        continuation.yield(.finished(stats(reader, start: start, firstPiece: firstPiece, cancelled: cancelled)))
    }

    /// Figures from the stream: the server's token counts when it gives them, else one
    /// token per streamed piece; the prompt tokens it had cached are not counted as prefill.
    private func stats(_ reader: ChatCompletionReader, start: ContinuousClock.Instant,
                       firstPiece: ContinuousClock.Instant?, cancelled: Bool) -> GenerationStats {
        let end = ContinuousClock.now
        let generated = reader.completionTokens ?? reader.pieces
        let prompt = reader.promptTokens ?? 0
        let cached = min(reader.cachedPromptTokens ?? 0, prompt)
        let first = firstPiece ?? end
        let firstSeconds = max((first - start) / .seconds(1), 1e-6)
        let decodeSeconds = (end - first) / .seconds(1)
        let finish: GenerationStats.StopReason = switch reader.finishReason {
        case "length": .maxTokens
        case "tool_calls", "function_call": .grammarComplete
        default: .endOfGeneration
        }
        let reason = cancelled ? .cancelled : finish
        return GenerationStats(
            promptTokens: prompt, reusedPromptTokens: cached, generatedTokens: generated,
            prefillTokensPerSecond: Double(prompt - cached) / firstSeconds,
            decodeTokensPerSecond: generated > 1 && decodeSeconds > 0 ? Double(generated - 1) / decodeSeconds : 0,
            timeToFirstTokenMilliseconds: firstSeconds * 1000, stopReason: reason)
    }

    /// The request: the conversation as chat messages, the step's tools and sampling.
    func body(_ input: StepInput, toolsInText: Bool) -> JSONValue {
        var system = input.system
        if toolsInText, input.calls != .none { system += "\n\n" + ToolCallStyle.qwen.toolSection(input.tools) }
        var messages = [ChatMessage.system(system)] + input.history + input.turn
        if !input.answerPrefix.isEmpty { messages.append(.assistant(input.answerPrefix)) }
        var fields: [JSONValue.Member] = [
            .init("model", .string(remote.model)),
            .init("messages", .array(messages.map { Self.json($0, toolsInText: toolsInText) })),
            .init("stream", .bool(true)),
            .init("stream_options", .object(["include_usage": .bool(true)])),
            .init("max_tokens", .number(Double(input.maxTokens))),
            .init("temperature", .number(Double(max(0, input.sampling.temperature)))),
        ]
        if input.sampling.temperature > 0, input.sampling.topP < 1 {
            fields.append(.init("top_p", .number(Double(input.sampling.topP))))
        }
        if let seed = input.sampling.seed { fields.append(.init("seed", .number(Double(seed)))) }
        if !input.enableThinking {
            fields.append(.init("chat_template_kwargs", .object(["enable_thinking": .bool(false)])))
        }
        if !toolsInText, input.calls != .none {
            fields.append(.init("tools", .array(input.tools.map { tool in
                .object(["type": .string("function"),
                         "function": .object(["name": .string(tool.name), "description": .string(tool.description),
                                              "parameters": tool.arguments.json])])
            })))
            fields.append(.init("tool_choice", .string(input.calls.isRequired ? "required" : "auto")))
        }
        return .object(fields)
    }

    /// One message as the API takes it. With calls in the text, a call is written as the
    /// tags the system text asks for and its result goes back as the user's words.
    static func json(_ message: ChatMessage, toolsInText: Bool) -> JSONValue {
        if toolsInText, !message.toolCalls.isEmpty {
            let written = message.toolCalls.map { call in
                "<tool_call>\n" + JSONValue.object([.init("name", .string(call.name)),
                                                    .init("arguments", JSONValue(parsing: call.arguments) ?? .object([]))]).text
                    + "\n</tool_call>"
            }.joined(separator: "\n")
            return .object(["role": .string("assistant"), "content": .string(written)])
        }
        if toolsInText, message.role == .tool {
            return .object(["role": .string("user"), "content": .string("<tool_response>\n\(message.content)\n</tool_response>")])
        }
        var fields: [JSONValue.Member] = [.init("role", .string(message.role.rawValue)),
                                          .init("content", .string(message.content))]
        if !message.toolCalls.isEmpty {
            fields.append(.init("tool_calls", .array(message.toolCalls.map { call in
                .object(["id": .string(call.id ?? "call"), "type": .string("function"),
                         "function": .object(["name": .string(call.name), "arguments": .string(call.arguments)])])
            })))
        }
        if let id = message.toolCallID { fields.append(.init("tool_call_id", .string(id))) }
        return .object(fields)
    }
}

/// Takes a `<tool_call>{…}</tool_call>` out of answer text as it streams: the text before the
/// tag is shown, the call is handed over when the answer ends.
struct PlainCalls {
    let active: Bool
    private var held = ""
    private var call: String?

    init(active: Bool) { self.active = active }

    private static let open = "<tool_call>", close = "</tool_call>"

    /// What of `text` may be shown now.
    mutating func push(_ text: String) -> String {
        guard active else { return text }
        if call != nil {
            call! += text
            return ""
        }
        held += text
        if let range = held.range(of: Self.open) {
            let shown = String(held[..<range.lowerBound])
            call = String(held[range.upperBound...])
            held = ""
            return shown
        }
        // keep back what may be the start of the tag
        let keep = (1..<Self.open.count).reversed().first { held.hasSuffix(Self.open.prefix($0)) } ?? 0
        let shown = String(held.dropLast(keep))
        held = String(held.suffix(keep))
        return shown
    }

    /// Text held back to the end (the start of a tag that never came), and the call's JSON
    /// when the answer wrote one.
    mutating func finish() -> (text: String, call: String?) {
        defer { held = "" }
        guard var call else { return (held, nil) }
        if let end = call.range(of: Self.close) { call = String(call[..<end.lowerBound]) }
        let trimmed = call.trimmingCharacters(in: .whitespacesAndNewlines)
        return (held, trimmed.isEmpty ? nil : trimmed)
    }
}
