import Foundation
import SLMStore

/// Every store write of one exchange, in one place: the conversation and the user's
/// message, each answer as it streams (created `partial`, rewritten at most once per
/// `saveInterval`, so a crash loses at most that much, then given its end state), tool
/// calls with their results, and speed figures. The agent's turns and `slm-tui chat` keep
/// their history through it. When the exchange is not recorded, conversation writes are
/// skipped; tool calls and figures are kept either way.
///
/// ```swift
/// let journal = TurnJournal(store: store)
/// let (id, title) = try await journal.open(conversation: nil, userText: prompt, agent: "assistant", model: name)
/// try await journal.appendAnswer("Hello", agent: "assistant")
/// try await journal.finishAnswer(.complete)
/// ```
public actor TurnJournal {
    public let store: Store
    /// Whether the conversation and its messages are saved.
    public let records: Bool
    private let saveInterval: Duration
    public private(set) var conversationID: Int?
    /// The answer being written: its message, text and last save.
    private var answer: (id: Int, text: String, saved: ContinuousClock.Instant)?
    /// Tokens an answer being carried on had before.
    private var earlierTokens = 0
    /// The reasoning of the answer being written, saved with it.
    private var thinking: String?

    public init(store: Store, records: Bool = true, saveInterval: Duration = .seconds(1)) {
        self.store = store
        self.records = records
        self.saveInterval = saveInterval
    }

    /// Continues conversation `id`, or starts one titled after `titleText` (the user's text
    /// by default), and saves the user's message as typed. Returns the conversation and its
    /// title; none when not recording a new one.
    @discardableResult
    public func open(
        conversation id: Int?, userText: String, titleText: String? = nil, agent: String, model: String,
        systemPrompt: String? = nil, sampling: String? = nil, placement: MessagePlacement = .afterLeaf
    ) async throws(StoreError) -> (id: Int?, title: String?) {
        if let id {
            let title = try await store.conversation(id).title
            conversationID = id
            if records {
                _ = try await store.appendMessage(to: id, role: .user, content: userText, placement: placement)
            }
            return (id, title)
        }
        guard records else { return (nil, nil) }
        // the conversation and its first message in one write: a crash leaves both or neither
        let conversation = try await store.createConversation(
            title: Self.title(for: titleText ?? userText), agent: agent, model: model, systemPrompt: systemPrompt,
            sampling: sampling, firstMessage: userText)
        conversationID = conversation.id
        return (conversation.id, conversation.title)
    }

    /// Continues conversation `id` from its saved message `messageID` (the user's message
    /// being answered again): what the turn writes follows it, beside what followed before.
    @discardableResult
    public func reopen(conversation id: Int, at messageID: Int) async throws(StoreError) -> String {
        let title = try await store.conversation(id).title
        conversationID = id
        if records { try await store.rewind(id, to: messageID) }
        return title
    }

    /// Carries on saved answer `messageID` of conversation `id`, whose text so far is `text`
    /// from `generatedTokens` tokens: new pieces are added to it.
    @discardableResult
    public func resume(conversation id: Int, answer messageID: Int, text: String, generatedTokens: Int?)
        async throws(StoreError) -> String
    {
        let title = try await store.conversation(id).title
        conversationID = id
        if records {
            answer = (messageID, text, .now)
            earlierTokens = generatedTokens ?? 0
            try await store.updateMessage(messageID, content: text, status: .partial)
        }
        return title
    }

    /// Adds streamed text to the current answer, starting it when it is the first piece;
    /// saves when the last save is older than the interval.
    public func appendAnswer(_ piece: String, agent: String) async throws(StoreError) {
        guard records, let conversationID else { return }
        if answer == nil {
            let message = try await store.appendMessage(to: conversationID, role: .assistant, content: "", agent: agent,
                                                        status: .partial)
            answer = (message.id, "", .now)
        }
        answer?.text += piece
        if let current = answer, ContinuousClock.now - current.saved >= saveInterval {
            try await store.updateMessage(current.id, content: current.text, status: .partial)
            answer?.saved = .now
        }
    }

    /// Saves the whole answer with its end state (an empty one too, so the conversation
    /// shows an answer was given) and returns its message; the next piece starts a new one.
    @discardableResult
    public func finishAnswer(_ status: AnswerStatus, agent: String, generatedTokens: Int? = nil, stopReason: String? = nil)
        async throws(StoreError) -> Int?
    {
        guard records, conversationID != nil else { return nil }
        if answer == nil { try await appendAnswer("", agent: agent) }
        guard let current = answer else { return nil }
        answer = nil
        let tokens = generatedTokens.map { $0 + earlierTokens }
        earlierTokens = 0
        let reasoning = thinking
        thinking = nil
        try await store.updateMessage(current.id, content: current.text, status: status.messageStatus,
                                      generatedTokens: tokens, stopReason: stopReason, reasoning: reasoning)
        return current.id
    }

    /// Forgets the conversation: the next `open` without one starts a new one.
    public func forgetConversation() {
        conversationID = nil
        answer = nil
    }

    /// Keeps a thinking model's reasoning, to save with the answer (apart from its text).
    public func keepThinking(_ text: String) {
        thinking = text
    }

    /// Replaces the text of the answer being written (markup that was not an answer).
    public func replaceAnswer(with text: String) {
        answer?.text = text
    }

    /// Whether an answer has been started and not finished.
    public var hasOpenAnswer: Bool { answer != nil }

    /// Records a tool call the model made (and, when recording, the assistant's message
    /// that made it); returns the call's id.
    func recordCall(name: String, arguments: String, canonicalCall: String) async throws(StoreError) -> Int {
        var messageID: Int?
        if records, let conversationID {
            messageID = try await store.appendMessage(to: conversationID, role: .assistant, content: canonicalCall,
                                                      agent: nil).id
        }
        return try await store.recordToolCall(tool: name, arguments: arguments, conversationID: conversationID,
                                              messageID: messageID).id
    }

    /// How a call ended, and (when recording) its result as the tool's message.
    func finishCall(_ id: Int, name: String, result: String, status: ToolCallRecord.Status) async throws(StoreError) {
        try await store.finishToolCall(id, result: result, status: status)
        if records, let conversationID {
            _ = try await store.appendMessage(to: conversationID, role: .tool, content: result, agent: name)
        }
    }

    /// Speed figures of one generation, kept with the conversation and with `messageID`, by
    /// default the answer being written.
    public func recordMetrics(_ metrics: TurnMetrics, messageID: Int? = nil) async {
        try? await store.recordMetrics(metrics, conversationID: conversationID, messageID: messageID ?? answer?.id)
    }

    /// The first line of a text, shortened to fit a list.
    public static func title(for text: String) -> String {
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init)?
            .trimmingCharacters(in: .whitespaces) ?? ""
        if line.isEmpty { return "Untitled" }
        return line.count > 60 ? String(line.prefix(57)) + "…" : line
    }
}

extension AnswerStatus {
    var messageStatus: MessageStatus {
        switch self {
        case .complete: .complete
        case .interrupted: .interrupted
        case .cancelled: .cancelled
        case .failed: .failed
        }
    }
}
