import Foundation
import SLMSync
import SLMAgent

/// What background work tells the app: agent events, loaded lists, progress. Posted from
/// any task, taken by the UI loop on its own thread.
public enum AppMessage: Sendable {
    case agent(turn: Int, AgentEvent)
    case turnEnded(turn: Int)
    case conversationOpened(ConversationInfo, entries: [ChatEntry], trace: [TraceEntry])
    case conversations([ConversationInfo])
    case models([DiscoveredModel])
    /// A model named by its path, outside the folders searched.
    case modelFile(DiscoveredModel)
    case modelLoaded(ModelReference, detail: String, contextLength: Int)
    case modelFailed(String)
    case progress(label: String, fraction: Double?)
    case cacheFill(tokens: Int)
    case titleChanged(conversationID: Int, title: String)
    case listing(title: String, lines: [String])
    case notice(String, isError: Bool)
}

/// A locked queue between background tasks and the UI loop.
public final class Inbox: Sendable {
    private let messages = Locked<[AppMessage]>([])

    public init() {}

    public func post(_ message: AppMessage) { messages.withLock { $0.append(message) } }

    /// Everything posted so far, oldest first.
    public func take() -> [AppMessage] {
        messages.withLock { messages in
            defer { messages.removeAll() }
            return messages
        }
    }
}
