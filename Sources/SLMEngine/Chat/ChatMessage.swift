/// One turn of a conversation.
public struct ChatMessage: Sendable, Equatable, Codable {
    public enum Role: String, Sendable, Codable { case system, user, assistant, tool }

    public var role: Role
    public var content: String
    /// The calls an assistant turn made, for templates that write them their own way
    /// (the built-in formats read `content`, which holds the call as the family writes it).
    public var toolCalls: [ChatConversation.ToolCall] = []
    /// On a tool result: the call it answers.
    public var toolCallID: String?

    public init(role: Role, content: String, toolCalls: [ChatConversation.ToolCall] = [], toolCallID: String? = nil) {
        self.role = role
        self.content = content
        self.toolCalls = toolCalls
        self.toolCallID = toolCallID
    }

    public static func system(_ content: String) -> ChatMessage { ChatMessage(role: .system, content: content) }
    public static func user(_ content: String) -> ChatMessage { ChatMessage(role: .user, content: content) }
    public static func assistant(_ content: String) -> ChatMessage { ChatMessage(role: .assistant, content: content) }
    public static func tool(_ content: String) -> ChatMessage { ChatMessage(role: .tool, content: content) }
}
