import Foundation

/// Writes a model's prompts: with its own chat template when the file has one the
/// interpreter can run, else (and for any prompt the template refuses) with the built-in
/// format of its family, saying why.
public struct PromptRenderer: Sendable {
    public let builtIn: ChatTemplate
    public let modelTemplate: ModelChatTemplate?
    /// Why the model's own template is not used; nil when it is.
    public let fallbackReason: String?
    /// The file has a chat template (run or not).
    public let hasOwnTemplate: Bool

    public init(chatTemplate: String?, architecture: String, vocabulary: Vocabulary) {
        builtIn = ChatTemplate.detect(chatTemplate: chatTemplate, architecture: architecture, vocabulary: vocabulary)
        hasOwnTemplate = !(chatTemplate ?? "").isEmpty
        guard let source = chatTemplate, !source.isEmpty else {
            modelTemplate = nil
            fallbackReason = "the model has no chat template; using the built-in \(builtIn.rawValue) format"
            return
        }
        let token = { (id: Int?) in id.flatMap { vocabulary.tokens.indices.contains($0) ? vocabulary.tokens[$0] : nil } ?? "" }
        do {
            modelTemplate = try ModelChatTemplate(source: source, bosToken: token(vocabulary.bos), eosToken: token(vocabulary.eos),
                                                  addsBOS: vocabulary.addBOS)
            fallbackReason = nil
        } catch {
            modelTemplate = nil
            fallbackReason = "the model's chat template cannot be run (\(error)); using the built-in \(builtIn.rawValue) format"
        }
    }

    /// The prompt's pieces, and a notice when the model's own template could not be used.
    public func render(_ conversation: ChatConversation, now: Date = Date()) -> (pieces: [ChatTemplate.Piece], notice: String?) {
        if let modelTemplate {
            do {
                return (try modelTemplate.render(conversation, now: now).pieces, nil)
            } catch {
                return (builtInPieces(conversation), "the model's chat template refused this conversation (\(error)); "
                        + "using the built-in \(builtIn.rawValue) format")
            }
        }
        // a model without a template is what the built-in format is for: nothing to say
        return (builtInPieces(conversation), hasOwnTemplate ? fallbackReason : nil)
    }

    private func builtInPieces(_ conversation: ChatConversation) -> [ChatTemplate.Piece] {
        builtIn.render(conversation.messages.map { message in
            ChatMessage(role: ChatMessage.Role(rawValue: message.role) ?? .user, content: message.content)
        })
    }
}

extension ChatConversation {
    /// Chat messages as a conversation for a template: an assistant turn that made calls
    /// carries them (and no text), a tool result the call it answers.
    public init(_ messages: [ChatMessage], tools: [Tool] = [], addGenerationPrompt: Bool = true, enableThinking: Bool = true) {
        self.init(messages: messages.map { message in
            Message(role: message.role.rawValue, content: message.toolCalls.isEmpty ? message.content : "",
                    toolCalls: message.toolCalls, toolCallID: message.toolCallID)
        }, tools: tools, addGenerationPrompt: addGenerationPrompt, enableThinking: enableThinking)
    }
}
