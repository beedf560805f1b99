import SLMEngine

/// How a model family is told about tools and how it writes a call, so each model sees
/// the format it was trained on: Qwen's `<tool_call>` tags around JSON, Llama 3's bare
/// JSON answer with `parameters`, Phi-4-mini's and Granite 3's `<|tool_call|>` token before
/// a JSON list, and the tags explained in plain words for families without a format.
public enum ToolCallStyle: String, Sendable, CaseIterable {
    case qwen, llama3, toolCallToken, plain

    /// The style a model's own template writes calls in, when it writes any.
    public static func written(by source: String) -> ToolCallStyle? {
        if source.contains("<|tool_call|>") { return .toolCallToken }
        if source.contains("<tool_call>") { return .qwen }
        return nil
    }

    /// What the model writes to start a call (nil: an answer that is JSON).
    public var opener: String? {
        switch self {
        case .qwen, .plain: "<tool_call>"
        case .toolCallToken: "<|tool_call|>"
        case .llama3: nil
        }
    }

    /// The style for a chat template.
    public static func matching(_ template: ChatTemplate) -> ToolCallStyle {
        switch template {
        case .chatml: .qwen
        case .llama3: .llama3
        default: .plain
        }
    }

    public var argumentsKey: String { self == .llama3 ? "parameters" : "arguments" }

    /// The grammar of one call to any of `tools`.
    public func grammar(for tools: [any Tool]) -> Grammar {
        self == .toolCallToken ? .toolCallList(tools: tools.map(\.signature), argumentsKey: argumentsKey)
            : .toolCall(tools: tools.map(\.signature), argumentsKey: argumentsKey)
    }

    /// When a call may start on its own: after the opener, or an answer that is JSON.
    public var activation: GrammarConstraint.Activation {
        opener.map { .after($0) } ?? .ifAnswerStarts(with: "{")
    }

    /// What follows the assistant's header when a call is required, so the model writes
    /// only the JSON.
    public var requiredOpening: [ChatTemplate.Piece] {
        switch self {
        case .qwen: [.special("<tool_call>"), .text("\n")]
        case .toolCallToken: [.special("<|tool_call|>")]
        case .plain: [.text("<tool_call>\n")]
        case .llama3: []
        }
    }

    /// The assistant's turn that made a call, for the history: `name` and `arguments`
    /// written the way this family writes them.
    public func callMessage(name: String, arguments: JSONValue, id: String) -> ChatMessage {
        let call = JSONValue.object([.init("name", .string(name)), .init(argumentsKey, arguments)])
        let content = switch self {
        case .llama3: call.text
        case .toolCallToken: "<|tool_call|>[\(call.text)]"
        case .qwen, .plain: "<tool_call>\n\(call.text)\n</tool_call>"
        }
        return ChatMessage(role: .assistant, content: content,
                           toolCalls: [ChatConversation.ToolCall(id: id, name: name, arguments: arguments.text)])
    }

    /// The system-prompt section that describes `tools`.
    public func toolSection(_ tools: [any Tool]) -> String {
        switch self {
        case .qwen:
            let signatures = tools.map { tool in
                JSONValue.object([
                    "type": .string("function"),
                    "function": .object(["name": .string(tool.name), "description": .string(tool.description),
                                         "parameters": tool.arguments.json]),
                ]).text
            }.joined(separator: "\n")
            return """
                # Tools

                You may call one or more functions to help with the user's request.

                The function signatures are inside <tools></tools> tags:
                <tools>
                \(signatures)
                </tools>

                For each function call, return a JSON object with the function name and arguments inside \
                <tool_call></tool_call> tags:
                <tool_call>
                {"name": <function-name>, "arguments": <args-json-object>}
                </tool_call>
                """
        case .llama3:
            let signatures = tools.map { tool in
                JSONValue.object([
                    "name": .string(tool.name), "description": .string(tool.description),
                    "parameters": tool.arguments.json,
                ]).text
            }.joined(separator: "\n\n")
            return """
                You have access to the following functions. To call a function, respond with only a JSON object \
                in the format {"name": function name, "parameters": dictionary of argument name and its value}. \
                Do not use variables.

                \(signatures)
                """
        case .toolCallToken:
            let signatures = tools.map { tool in
                JSONValue.object([
                    "name": .string(tool.name), "description": .string(tool.description),
                    "parameters": tool.arguments.json,
                ]).text
            }
            return """
                You have access to these tools: [\(signatures.joined(separator: ", "))]
                When a tool is needed, respond only with <|tool_call|> followed by a JSON list of the calls, \
                like <|tool_call|>[{"name": "tool_name", "arguments": {"argument": "value"}}].
                """
        case .plain:
            let lines = tools.map { "- \($0.name): \($0.description) Arguments: \(Self.describe($0.arguments))" }
                .joined(separator: "\n")
            return """
                You can use these tools:
                \(lines)

                To use a tool, reply with only a JSON object between tool_call tags, like this:
                <tool_call>
                {"name": "tool_name", "arguments": {"argument": "value"}}
                </tool_call>
                The result comes back between tool_response tags. Then answer the user.
                """
        }
    }

    /// Arguments in words, for models that read prose better than JSON Schema.
    static func describe(_ schema: JSONSchema) -> String {
        guard case .object(let properties) = schema, !properties.isEmpty else { return "none." }
        return properties.map { property in
            var words = [property.schema.expectation]
            if !property.description.isEmpty { words.append(property.description) }
            if !property.isRequired { words.insert("optional", at: 0) }
            return "\(property.name) (\(words.joined(separator: "; ")))"
        }.joined(separator: ", ") + "."
    }
}
