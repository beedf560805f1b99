import Foundation
import SLMStore

/// The one door from a front end (the full-screen app, the command line) to the agent:
/// turns, conversations, what the tools stored, and models. Everything it returns is an
/// agent-level value; the store and the engine stay behind it.
///
/// ```swift
/// let assistant = Assistant(runtime: runtime, library: library, discovery: discovery)
/// let state = try await assistant.loadModel(reference)
/// let turn = assistant.send("Remind me to call Ana on Friday")
/// for await event in turn.events { … }
/// let transcript = try await assistant.transcript(of: id)
/// ```
public struct Assistant: Sendable {
    let runtime: AgentRuntime
    public let library: ModelLibrary
    public let discovery: ModelDiscovery

    public init(runtime: AgentRuntime, library: ModelLibrary, discovery: ModelDiscovery) {
        self.runtime = runtime
        self.library = library
        self.discovery = discovery
    }

    // MARK: - Turns

    /// Starts a turn; its events end with `finished` or `failed`.
    public func send(_ text: String, options: TurnOptions = TurnOptions()) -> AgentTurn {
        runtime.send(text, options: options)
    }

    /// The agents a turn can be given (`@planner`, `/agent writer`).
    public var agentNames: [String] { runtime.agents.map(\.name) }

    /// Answers a `needsApproval` event.
    public func answerApproval(_ id: Int, approved: Bool) async {
        await runtime.answerApproval(id, approved: approved)
    }

    // MARK: - Conversations

    /// Saved conversations, most recently updated first.
    public func conversations(limit: Int = 50) async throws -> [ConversationInfo] {
        try await store.conversations(limit: limit).map(ConversationInfo.init)
    }

    public func conversation(_ id: Int) async throws -> ConversationInfo {
        ConversationInfo(try await store.conversation(id))
    }

    /// A conversation as a person reads it.
    public func transcript(of id: Int) async throws -> Transcript {
        try await Transcript.load(id, from: store)
    }

    public func rename(_ id: Int, to title: String) async throws {
        try await store.renameConversation(id, to: title)
    }

    public func delete(_ id: Int) async throws {
        try await store.deleteConversation(id)
    }

    /// Sets (or with nil, clears) a conversation's system prompt.
    public func setSystemPrompt(of id: Int, to prompt: String?) async throws {
        try await store.setSystemPrompt(id, to: prompt)
    }

    /// A conversation as Markdown, and as JSON.
    public func export(_ id: Int) async throws -> (markdown: String, json: Data) {
        let export = try await store.export(id)
        return (export.markdown, try export.json())
    }

    /// Full-text search over every saved message.
    public func search(_ text: String, limit: Int = 20) async throws -> [SearchResult] {
        try await store.search(text, limit: limit).map(SearchResult.init)
    }

    // MARK: - What the tools stored

    /// Tasks: open ones, done ones, or (nil) all.
    public func tasks(done: Bool? = false) async throws -> [TaskItem] {
        let status: TaskRecord.Status? = done.map { $0 ? .done : .open }
        return try await store.tasks(status: status).map(TaskItem.init)
    }

    public func drafts() async throws -> [DraftItem] {
        try await store.drafts().map(DraftItem.init)
    }

    /// Notes, or those containing `text`.
    public func notes(matching text: String = "", limit: Int = 1000) async throws -> [NoteItem] {
        try await store.notes(matching: text, limit: limit).map(NoteItem.init)
    }

    // MARK: - Models

    /// Every model on disk and in the catalog.
    public func discoverModels() -> [DiscoveredModel] { discovery.discover() }

    /// Loads `reference` and makes it the model turns use.
    public func loadModel(_ reference: ModelReference) async throws(ModelManagerError) -> ModelState {
        ModelState(try await runtime.selectModel(reference))
    }

    /// The model's state now (how full its cache is), when it is loaded.
    public func modelState(_ reference: ModelReference) async -> ModelState? {
        await runtime.models.loadedModel(reference).map(ModelState.init)
    }

    /// Bytes all loaded models may take together.
    public var memoryBudget: Int { runtime.models.configuration.budgetBytes }

    /// The context models are loaded with, in tokens.
    public var contextLength: Int { runtime.models.configuration.contextLength }

    private var store: Store { runtime.store }
}

/// A loaded model as a screen shows it.
public struct ModelState: Sendable, Equatable {
    public let reference: ModelReference
    /// `gemma3 · Q4_K_M · 268M`
    public let detail: String
    /// Tokens the context holds.
    public let contextLength: Int
    /// Tokens whose keys and values are cached now.
    public let cachedTokens: Int

    init(_ model: LoadedModel) {
        reference = model.reference
        detail = model.detail
        contextLength = model.estimate.contextLength
        cachedTokens = model.cachedTokenCount
    }
}
