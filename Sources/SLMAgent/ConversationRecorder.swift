import Foundation
import SLMStore

/// Saves one exchange into the store as it happens: the user's message, then the answer
/// as `partial` — rewritten at most once per `saveInterval` while it streams, so a crash
/// loses at most that much — and finally its end state and speed figures.
public actor ConversationRecorder {
    public let store: Store
    public let conversationID: Int
    private let answerID: Int
    private let saveInterval: Duration
    private var text = ""
    private var lastSave = ContinuousClock.now

    /// Starts recording: a new conversation titled after the prompt (or an existing one),
    /// the user's message and an empty partial answer. `sampling` is the sampling
    /// parameters as JSON, kept with a new conversation.
    public init(
        store: Store, conversationID: Int? = nil, userText: String, model: String, systemPrompt: String? = nil,
        sampling: String? = nil, saveInterval: Duration = .seconds(1)
    ) async throws {
        self.store = store
        self.saveInterval = saveInterval
        let id: Int
        if let conversationID {
            id = conversationID
        } else {
            id = try await store.createConversation(
                title: Self.title(for: userText), agent: "assistant", model: model, systemPrompt: systemPrompt,
                sampling: sampling).id
        }
        self.conversationID = id
        _ = try await store.appendMessage(to: id, role: .user, content: userText)
        answerID = try await store.appendMessage(to: id, role: .assistant, content: "", agent: "assistant",
                                                 status: .partial).id
    }

    /// Adds streamed text; saves when the last save is older than the interval.
    public func append(_ piece: String) async throws {
        text += piece
        if ContinuousClock.now - lastSave >= saveInterval {
            try await store.updateMessage(answerID, content: text, status: .partial)
            lastSave = .now
        }
    }

    /// Saves the whole answer with its end state and, when known, its speed figures.
    public func finish(_ status: MessageStatus, metrics: TurnMetrics? = nil) async throws {
        try await store.updateMessage(answerID, content: text, status: status, generatedTokens: metrics?.generatedTokens)
        if let metrics { try await store.recordMetrics(metrics, conversationID: conversationID, messageID: answerID) }
    }

    /// The first line of the prompt, shortened to fit a list.
    static func title(for text: String) -> String {
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init)?
            .trimmingCharacters(in: .whitespaces) ?? ""
        if line.isEmpty { return "Untitled" }
        return line.count > 60 ? String(line.prefix(57)) + "…" : line
    }
}
