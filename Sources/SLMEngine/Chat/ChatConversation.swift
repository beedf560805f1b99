/// A conversation as a model's own chat template reads it: OpenAI-style messages (with
/// tool calls and results), the tools offered, and the switches templates look at.
public struct ChatConversation: Sendable, Equatable {
    /// A call the assistant made.
    public struct ToolCall: Sendable, Equatable {
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
