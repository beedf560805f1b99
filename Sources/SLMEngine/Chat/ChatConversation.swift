/// A conversation as a model's own chat template reads it: OpenAI-style messages (with
/// tool calls and results), the tools offered, and the switches templates look at.
public struct ChatConversation: Sendable, Equatable {
    /// A call the assistant made.
    public struct ToolCall: Sendable, Equatable, Codable {
        public var id: String?
        public var name: String
        /// The arguments as JSON text.
        public var arguments: String

        public init(id: String? = nil, name: String, arguments: String) {
            self.id = id
            self.name = name
            self.arguments = arguments
        }
    }

    public struct Message: Sendable, Equatable {
        /// `system`, `user`, `assistant` or `tool`.
        public var role: String
        public var content: String
        /// An assistant's thinking, for templates that show or drop it.
        public var reasoning: String?
        public var toolCalls: [ToolCall]
        /// On a tool result: the call it answers.
        public var toolCallID: String?
        /// On a tool result: the tool's name.
        public var toolName: String?

        public init(role: String, content: String, reasoning: String? = nil, toolCalls: [ToolCall] = [],
                    toolCallID: String? = nil, toolName: String? = nil) {
            self.role = role
            self.content = content
            self.reasoning = reasoning
            self.toolCalls = toolCalls
            self.toolCallID = toolCallID
            self.toolName = toolName
        }
    }

    /// A tool offered to the model.
    public struct Tool: Sendable, Equatable {
        public var name: String
        public var description: String
        /// Its parameters' JSON schema, as JSON text.
        public var parameters: String

        public init(name: String, description: String, parameters: String) {
            self.name = name
            self.description = description
            self.parameters = parameters
        }
    }

    public var messages: [Message]
    public var tools: [Tool]
    public var addGenerationPrompt: Bool
    public var enableThinking: Bool

    public init(messages: [Message], tools: [Tool] = [], addGenerationPrompt: Bool = true, enableThinking: Bool = true) {
        self.messages = messages
        self.tools = tools
        self.addGenerationPrompt = addGenerationPrompt
        self.enableThinking = enableThinking
    }
}

extension ChatConversation {
    /// Why a conversation document makes no sense.
    public struct DocumentError: Error, Equatable, CustomStringConvertible {
        public let description: String
    }

    /// Reads OpenAI-style JSON: an array of messages (`role`, `content`, `tool_calls`,
    /// `tool_call_id`, `name`), or `{"messages": [...], "tools": [...]}`. Tool schemas keep
    /// the order they were written in.
    public init(json: String, addGenerationPrompt: Bool = true) throws(DocumentError) {
        let root: JinjaValue
        do {
            root = try JinjaJSON.parse(json, markInput: false)
        } catch {
            throw DocumentError(description: "not JSON: \(error)")
        }
        var messageList: [JinjaValue] = []
        var toolList: [JinjaValue] = []
        switch root {
        case .list(let list): messageList = list.items
        case .dict(let dict):
            guard case .list(let list)? = dict["messages"] else { throw DocumentError(description: "no \"messages\" array") }
            messageList = list.items
            if case .list(let tools)? = dict["tools"] { toolList = tools.items }
        default: throw DocumentError(description: "expected an array of messages or {\"messages\": [...]}")
        }
        func text(_ value: JinjaValue?) -> String? { value?.string?.text }
        var messages: [Message] = []
        for (index, item) in messageList.enumerated() {
            guard case .dict(let message) = item, let role = text(message["role"]) else {
                throw DocumentError(description: "message \(index + 1) has no role")
            }
            var calls: [ToolCall] = []
            if case .list(let list)? = message["tool_calls"] {
                for call in list.items {
                    guard case .dict(let entry) = call, case .dict(let function)? = entry["function"],
                        let name = text(function["name"])
                    else { throw DocumentError(description: "message \(index + 1) has a tool call without a function name") }
                    let arguments = function["arguments"].map { value in
                        value.string?.text ?? JinjaJSON.encode(value, indent: nil)
                    } ?? "{}"
                    calls.append(ToolCall(id: text(entry["id"]), name: name, arguments: arguments))
                }
            }
            messages.append(Message(role: role, content: text(message["content"]) ?? "", toolCalls: calls,
                                    toolCallID: text(message["tool_call_id"]), toolName: text(message["name"])))
        }
        var tools: [Tool] = []
        for (index, item) in toolList.enumerated() {
            guard case .dict(let entry) = item else { throw DocumentError(description: "tool \(index + 1) is not an object") }
            let function: JinjaDict
            if case .dict(let inner)? = entry["function"] { function = inner } else { function = entry }
            guard let name = text(function["name"]) else { throw DocumentError(description: "tool \(index + 1) has no name") }
            tools.append(Tool(name: name, description: text(function["description"]) ?? "",
                              parameters: function["parameters"].map { JinjaJSON.encode($0, indent: nil) } ?? "{}"))
        }
        self.init(messages: messages, tools: tools, addGenerationPrompt: addGenerationPrompt)
    }
}
