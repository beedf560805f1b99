import Foundation

/// The tags a thinking model writes around its reasoning, and the empty thought that opens
/// an answer without any.
struct ThinkingTags: Sendable, Equatable {
    let open: String
    let close: String
    /// What a prompt ends with so that the answer starts with no thought.
    let emptyThought: String

    /// Qwen3, SmolLM3, Qwen3.5: `<think>…</think>`.
    static let think = ThinkingTags(open: "<think>", close: "</think>", emptyThought: "<think>\n\n</think>\n\n")
    /// Gemma 4: a thought channel, `<|channel>thought\n…<channel|>`.
    static let channel = ThinkingTags(open: "<|channel>thought\n", close: "<channel|>",
                                      emptyThought: "<|channel>thought\n<channel|>")
    static let all = [think, channel]

    /// The tags a chat template writes, nil when it writes none (not a thinking model).
    static func written(by template: String?) -> ThinkingTags? {
        guard let template else { return nil }
        // a template spells the newline as an escape in a string literal
        return all.first { template.contains($0.open.trimmingCharacters(in: .newlines)) }
    }
}
