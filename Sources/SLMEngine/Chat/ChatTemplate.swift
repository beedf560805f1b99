/// The prompt format a model family was trained on. Rendering yields pieces — plain text
/// (tokenized without looking for special tokens, so user text can never inject one) and
/// special tokens by name — and `tokens(for:)` turns them into ids.
public enum ChatTemplate: String, Sendable, CaseIterable {
    case gemma, chatml, llama3, phi3, mistral

    /// A piece of a rendered prompt.
    public enum Piece: Sendable, Equatable {
        /// Text from the conversation: never read as special tokens.
        case text(String)
        case special(String)
        /// A template's own text: the special tokens written in it are special.
        case markup(String)
    }

    /// The template named by `tokenizer.chat_template` when present, else the usual one
    /// for the architecture and vocabulary.
    public static func detect(chatTemplate: String?, architecture: String, vocabulary: Vocabulary) -> ChatTemplate {
        if let source = chatTemplate {
            if source.contains("<start_of_turn>") { return .gemma }
            if source.contains("<|im_start|>") { return .chatml }
            if source.contains("<|start_header_id|>") { return .llama3 }
            if source.contains("<|user|>") || source.contains("<|assistant|>") { return .phi3 }
            if source.contains("[INST]") { return .mistral }
        }
        switch architecture {
        case "gemma3", "gemma2", "gemma": return .gemma
        case "qwen2", "qwen3", "lfm2", "qwen35": return .chatml
        case "phi3": return .phi3
        default:
            if vocabulary.id(of: "<|start_header_id|>") != nil { return .llama3 }
            if vocabulary.id(of: "<|im_start|>") != nil { return .chatml }
            return .mistral
        }
    }

    /// The prompt for `messages`, ending ready for the assistant's answer. Tool results
    /// go in Llama 3's `ipython` turn; the other families have no tool role and read them
    /// as a user turn holding a `<tool_response>` block, as Qwen's template writes them.
    public func render(_ messages: [ChatMessage]) -> [Piece] {
        let messages = self == .llama3 ? messages : messages.map { message in
            guard message.role == .tool else { return message }
            return .user("<tool_response>\n\(message.content)\n</tool_response>")
        }
        return switch self {
        case .gemma: renderGemma(messages)
        case .chatml: renderTagged(messages, open: { [.special("<|im_start|>"), .text("\($0)\n")] },
                                   close: [.special("<|im_end|>"), .text("\n")], assistantRole: "assistant")
        case .llama3: renderTagged(
            messages,
            open: { [.special("<|start_header_id|>"), .text($0), .special("<|end_header_id|>"), .text("\n\n")] },
            close: [.special("<|eot_id|>")], assistantRole: "assistant")
        case .phi3: renderTagged(messages, open: { [.special("<|\($0)|>"), .text("\n")] },
                                 close: [.special("<|end|>"), .text("\n")], assistantRole: "assistant")
        case .mistral: renderMistral(messages)
        }
    }

    /// Token ids for rendered pieces, with BOS first when the vocabulary wants one.
    /// A special token the vocabulary lacks is spelled as text.
    public func tokens(for pieces: [Piece], tokenizer: Tokenizer) -> [Int] {
        var ids: [Int] = []
        if tokenizer.vocabulary.addBOS, let bos = tokenizer.vocabulary.bos { ids.append(bos) }
        for piece in pieces {
            switch piece {
            case .special(let name):
                if let id = tokenizer.vocabulary.id(of: name) {
                    ids.append(id)
                } else {
                    ids += tokenizer.encode(name, addBOS: false)
                }
            case .text(let text):
                ids += tokenizer.encode(text, addBOS: false)
            case .markup(let text):
                ids += tokenizer.encode(text, addBOS: false, parseSpecial: true)
            }
        }
        return ids
    }

    /// Gemma has no system turn: the system prompt opens the first user turn.
    private func renderGemma(_ messages: [ChatMessage]) -> [Piece] {
        var pieces: [Piece] = []
        var pendingSystem = messages.filter { $0.role == .system }.map(\.content).joined(separator: "\n\n")
        for message in messages where message.role != .system {
            let role = message.role == .assistant ? "model" : "user"
            var content = message.content
            if message.role == .user, !pendingSystem.isEmpty {
                content = pendingSystem + "\n\n" + content
                pendingSystem = ""
            }
            pieces += [.special("<start_of_turn>"), .text("\(role)\n\(content)"), .special("<end_of_turn>"), .text("\n")]
        }
        return pieces + [.special("<start_of_turn>"), .text("model\n")]
    }

    /// Formats whose every turn is `open(role) content close` (ChatML, Llama 3, Phi-3).
    private func renderTagged(
        _ messages: [ChatMessage], open: (String) -> [Piece], close: [Piece], assistantRole: String
    ) -> [Piece] {
        var pieces: [Piece] = []
        for message in messages {
            pieces += open(message.role == .tool ? "ipython" : message.role.rawValue) + [.text(message.content)] + close
        }
        return pieces + open(assistantRole)
    }

    /// Mistral has no system turn: the system prompt opens the first user message.
    private func renderMistral(_ messages: [ChatMessage]) -> [Piece] {
        var pieces: [Piece] = []
        var pendingSystem = messages.filter { $0.role == .system }.map(\.content).joined(separator: "\n\n")
        for message in messages where message.role != .system {
            if message.role == .assistant {
                pieces += [.text(" " + message.content), .special("</s>")]
            } else {
                var content = message.content
                if !pendingSystem.isEmpty {
                    content = pendingSystem + "\n\n" + content
                    pendingSystem = ""
                }
                pieces += [.special("[INST]"), .text(" " + content + " "), .special("[/INST]")]
            }
        }
        return pieces
    }
}
