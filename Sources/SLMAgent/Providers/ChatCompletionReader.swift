import SLMEngine

/// Reads the streamed chunks of `POST /v1/chat/completions`: answer text and reasoning as
/// they come, tool calls put together from their pieces (a call's `arguments` arrive cut
/// anywhere, matched by `index`), why it finished, and the usage chunk vLLM and others
/// send last. The formats of llama-server, vLLM, Ollama and OpenAI are all read.
struct ChatCompletionReader {
    /// What one chunk adds to what is shown.
    enum Piece: Equatable {
        case content(String)
        case reasoning(String)
    }

    /// A call put together so far.
    struct Call: Equatable {
        var id: String?
        var name = ""
        var arguments = ""
    }

    private(set) var calls: [Call] = []
    private(set) var finishReason: String?
    private(set) var promptTokens: Int?
    private(set) var completionTokens: Int?
    /// Prompt tokens the server found in its cache (`prompt_tokens_details.cached_tokens`).
    private(set) var cachedPromptTokens: Int?
    /// `[DONE]` came.
    private(set) var done = false
    /// Content and reasoning pieces seen: a count of tokens when the server gives none.
    private(set) var pieces = 0

    struct ServerError: Error, Equatable {
        let message: String
    }

    /// The pieces of one event's data; throws the error a server streams instead of a chunk.
    mutating func read(_ data: String) throws(ServerError) -> [Piece] {
        let trimmed = data.trimmingCharacters(in: .whitespaces)
        if trimmed == "[DONE]" {
            done = true
            return []
        }
        guard let chunk = JSONValue(parsing: trimmed) else {
            throw ServerError(message: "the server sent something that is not JSON: \(trimmed.prefix(120))")
        }
        if let error = chunk["error"] {
            throw ServerError(message: Self.message(of: error) ?? "the server reported an error")
        }
        if let usage = chunk["usage"], case .object = usage {
            promptTokens = usage["prompt_tokens"]?.intValue ?? promptTokens
            completionTokens = usage["completion_tokens"]?.intValue ?? completionTokens
            cachedPromptTokens = usage["prompt_tokens_details"]?["cached_tokens"]?.intValue ?? cachedPromptTokens
        }
        var found: [Piece] = []
        for choice in chunk["choices"]?.arrayValue ?? [] {
            if let reason = choice["finish_reason"]?.stringValue { finishReason = reason }
            guard let delta = choice["delta"] ?? choice["message"] else { continue }
            // llama-server and vLLM say `reasoning_content`, Ollama and others `reasoning`
            if let thought = (delta["reasoning_content"] ?? delta["reasoning"])?.stringValue, !thought.isEmpty {
                found.append(.reasoning(thought))
            }
            if let text = delta["content"]?.stringValue, !text.isEmpty { found.append(.content(text)) }
            for (position, call) in (delta["tool_calls"]?.arrayValue ?? []).enumerated() {
                add(call, at: call["index"]?.intValue ?? position)
            }
        }
        pieces += found.count
        return found
    }

    private mutating func add(_ call: JSONValue, at index: Int) {
        guard index >= 0, index < 64 else { return }
        while calls.count <= index { calls.append(Call()) }
        if let id = call["id"]?.stringValue, !id.isEmpty { calls[index].id = id }
        let function = call["function"]
        if let name = function?["name"]?.stringValue, calls[index].name.utf8.count < 256 { calls[index].name += name }
        // most servers stream the arguments as text; some send the object whole
        switch function?["arguments"] {
        case .string(let piece)? where calls[index].arguments.utf8.count < Self.maxArguments:
            calls[index].arguments += piece
        case let whole? where whole != .null: calls[index].arguments = whole.text
        default: break
        }
    }

    /// Bytes a call's arguments may take; a server streaming more is cut there (the call
    /// then fails its schema check, in words).
    static let maxArguments = 1_000_000

    /// The error's words from `{"error": {"message": …}}`, `{"error": "…"}` or `{"detail": …}`.
    static func message(of error: JSONValue) -> String? {
        error.stringValue ?? error["message"]?.stringValue ?? error["detail"]?.stringValue
    }
}
