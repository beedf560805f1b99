import Foundation
import SLMSync
import SLMAgent
import SLMEngine

/// A model that says what a test scripted: each generation takes the next reply. Lets the
/// agent's routing, tool calls, approvals, cancellation and failures be tested in
/// milliseconds, with no model file.
///
/// ```swift
/// let generator = ScriptedGenerator([.call(#"{"name": "tasks_add", …}"#), .text("Added.")])
/// let model = ScriptedGenerator.model(generator)          // a LoadedModel around it
/// await manager.register(model)
/// ```
public final class ScriptedGenerator: ModelGenerator, Sendable {
    /// One generation's output.
    public enum Reply: Sendable {
        /// Free text, streamed a word at a time.
        case text(String)
        /// A tool call: the call's JSON, as the grammar would have produced it (after the
        /// family's opener when the grammar waits for one).
        case call(String)
        /// A word at a time, each after `delay`, for tests that stop a turn midway.
        case slow(String, delay: Duration)
        /// The generation fails with this message.
        case failure(String)
    }

    /// A failure the script asked for.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    private struct State {
        var replies: [Reply]
        var requests: [GenerationRequest] = []
        var cached = 0
    }

    private let state: Locked<State>

    public init(_ replies: [Reply]) { state = Locked(State(replies: replies)) }

    /// The requests made so far, in order.
    public var requests: [GenerationRequest] { state.value.requests }

    /// Adds replies after those left.
    public func append(_ replies: Reply...) { state.withLock { $0.replies += replies } }

    public var cachedTokenCount: Int { state.value.cached }

    public func generate(_ request: GenerationRequest) -> AsyncThrowingStream<GenerationEvent, Error> {
        let reply = state.withLock { state in
            state.requests.append(request)
            state.cached = request.prompt.count
            return state.replies.isEmpty ? Reply.text("") : state.replies.removeFirst()
        }
        return AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    try await Self.play(reply, for: request, into: continuation)
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    private static func play(_ reply: Reply, for request: GenerationRequest,
                             into continuation: AsyncThrowingStream<GenerationEvent, Error>.Continuation) async throws {
        var stats = GenerationStats(
            promptTokens: request.prompt.count, reusedPromptTokens: 0, generatedTokens: 0, prefillTokensPerSecond: 1000,
            decodeTokensPerSecond: 100, timeToFirstTokenMilliseconds: 1, stopReason: .endOfGeneration)
        func emit(_ pieces: [String], delay: Duration? = nil) async -> Bool {
            for piece in pieces {
                if let delay { try? await Task.sleep(for: delay) }
                if Task.isCancelled || stats.generatedTokens >= request.maxTokens { return false }
                stats.generatedTokens += 1
                continuation.yield(.token(id: stats.generatedTokens, text: piece))
            }
            return true
        }
        switch reply {
        case .text(let text):
            var shown = text
            for stop in request.stopStrings {
                if let range = shown.range(of: stop) { shown = String(shown[..<range.lowerBound]) }
            }
            if !(await emit(words(shown))) { stats.stopReason = Task.isCancelled ? .cancelled : .maxTokens }
        case .slow(let text, let delay):
            if !(await emit(words(text), delay: delay)) { stats.stopReason = Task.isCancelled ? .cancelled : .maxTokens }
        case .call(let json):
            var written = json
            if case .after(let opener)? = request.constraint?.activation { written = opener + "\n" + json }
            if await emit(words(written)) {
                if request.constraint != nil {
                    continuation.yield(.constrained(json))
                    stats.stopReason = .grammarComplete
                }
            } else {
                stats.stopReason = Task.isCancelled ? .cancelled : .maxTokens
            }
        case .failure(let message):
            throw Failure(description: message)
        }
        continuation.yield(.finished(stats))
    }

    /// Words with the space before each kept, so the pieces join back into the text.
    private static func words(_ text: String) -> [String] {
        var pieces: [String] = []
        var current = ""
        for character in text {
            if character == " ", !current.isEmpty, current != " " {
                pieces.append(current)
                current = ""
            }
            current.append(character)
        }
        if !current.isEmpty { pieces.append(current) }
        return pieces
    }

    /// A chat-tuned model (ChatML format, Qwen-style tool calls) around `generator`, with a
    /// vocabulary of bytes (a prompt takes a token a byte), answering at `contextLength` tokens.
    public static func model(_ generator: ScriptedGenerator, name: String = "scripted", contextLength: Int = 32_768,
                             isChatTuned: Bool = true, thinks: Bool = false, chatTemplate: String? = nil) throws -> LoadedModel {
        let specials = ["<unk>", "<s>", "</s>", "<|im_start|>", "<|im_end|>", "<tool_call>", "</tool_call>"]
        let bytes = (0..<256).map { String(format: "<0x%02X>", $0) }
        var types = [Vocabulary.TokenType](repeating: .control, count: specials.count)
        types[0] = .unknown
        types += Array(repeating: .byte, count: bytes.count)
        let vocabulary = Vocabulary(model: "llama", tokens: specials + bytes, types: types, bos: 1, eos: 2, unknown: 0,
                                    addBOS: true, addSpacePrefix: false)
        return LoadedModel(reference: ModelReference(name: name, path: URL(fileURLWithPath: "/scripted/\(name).gguf")),
                           tokenizer: try Tokenizer(vocabulary: vocabulary), template: .chatml, generator: generator,
                           contextLength: contextLength, isChatTuned: isChatTuned, thinks: thinks, chatTemplate: chatTemplate)
    }
}
