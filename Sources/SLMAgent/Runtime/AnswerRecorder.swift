import Foundation
import SLMStore

/// Saves one streaming answer: created as `partial`, rewritten at most once per interval
/// while it grows (so a crash loses at most that much), then given its end state.
struct AnswerRecorder {
    let store: Store
    let messageID: Int
    let interval: Duration
    private(set) var text = ""
    private var lastSave = ContinuousClock.now

    static func start(store: Store, conversationID: Int, agent: String, interval: Duration) async throws -> AnswerRecorder {
        let message = try await store.appendMessage(to: conversationID, role: .assistant, content: "", agent: agent,
                                                    status: .partial)
        return AnswerRecorder(store: store, messageID: message.id, interval: interval)
    }

    private init(store: Store, messageID: Int, interval: Duration) {
        self.store = store
        self.messageID = messageID
        self.interval = interval
    }

    mutating func append(_ piece: String) async throws {
        text += piece
        if ContinuousClock.now - lastSave >= interval {
            try await store.updateMessage(messageID, content: text, status: .partial)
            lastSave = .now
        }
    }

    func finish(_ status: MessageStatus, generatedTokens: Int? = nil) async throws {
        try await store.updateMessage(messageID, content: text, status: status, generatedTokens: generatedTokens)
    }
}
