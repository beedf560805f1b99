import Foundation
import SLMSync
import SLMAgent

/// What background work tells the app: agent events, loaded lists, progress. Posted from
/// any task, taken by the UI loop on its own thread.
public enum AppMessage: Sendable {
    case agent(turn: Int, AgentEvent)
    /// A turn that needed the store before it could start has its handle.
    case turnStarted(turn: Int, AgentTurn)
    case turnEnded(turn: Int)
    case conversationOpened(ConversationInfo, entries: [ChatEntry], trace: [TraceEntry], unsentInput: String)
    /// The chat of conversation `id` as saved (ids, branches, figures), the entry at
    /// `select` chosen when the messages have the focus.
    case entriesRefreshed(conversationID: Int, entries: [ChatEntry], select: Int?)
    case searchResults(query: String, [SearchResult])
    /// The text typed and not sent in conversation `id` (nil: a new one), for the message box.
    case unsentInput(conversationID: Int?, String)
    /// Choose the entry of a saved message (a search result just opened).
    case selectMessage(Int)
    case conversations([ConversationInfo])
    case models([DiscoveredModel])
    /// A model named by its path, outside the folders searched.
    case modelFile(DiscoveredModel)
    case modelLoaded(ModelReference, detail: String, contextLength: Int, server: String? = nil)
    /// What the configured servers offer, or why they could not be asked.
    case serverModels([ServerModels])
    case modelFailed(String)
    /// The model picker, filtered, with why it opened.
    case openPicker(filter: String, error: String?)
    case progress(label: String, fraction: Double?)
    case cacheFill(tokens: Int)
    case titleChanged(conversationID: Int, title: String)
    case listing(AppState.Listing)
    case notice(String, isError: Bool)
    /// Records for the tasks, drafts or notes view, and the time they were read.
    case recordsLoaded(RecordContents, now: DueMoment)
    /// A form's save (or an action on a record) worked: what it did.
    case recordSaved(RecordBrowser.Kind, String)
    /// A form's save failed: why (the form stays open).
    case formFailed(String)
    case changeUndone(ChangeItem)
    /// Open tasks that are due now or overdue.
    case dueTasks([TaskItem])
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
