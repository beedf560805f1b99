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

    /// Answers the last question of conversation `id` again, by the agent that answered it
    /// unless `options` names another; the old answer stays as a branch.
    public func regenerate(conversation id: Int, options: TurnOptions = TurnOptions()) async throws -> AgentTurn {
        let transcript = try await transcript(of: id)
        guard let question = transcript.messages.last(where: { $0.speaker == .user }) else {
            throw AssistantError("there is no question to answer again")
        }
        var options = options
        options.conversationID = id
        options.start = .regenerate(userMessage: question.id)
        if options.agent == nil, case .assistant(let agent)? = transcript.messages.last?.speaker, agentNames.contains(agent) {
            options.agent = agent
        }
        return send(question.text, options: options)
    }

    /// Sends `text` in place of user message `messageID` of conversation `id`: a branch
    /// beside it, answered; the old question and its answers stay.
    public func edit(_ messageID: Int, in id: Int, to text: String, options: TurnOptions = TurnOptions()) async throws
        -> AgentTurn
    {
        let transcript = try await transcript(of: id)
        guard transcript.messages.contains(where: { $0.id == messageID && $0.speaker == .user }) else {
            throw AssistantError("message \(messageID) is not a question of this conversation")
        }
        var options = options
        options.conversationID = id
        options.start = .edit(userMessage: messageID)
        return send(text, options: options)
    }

    /// Carries on the last answer of conversation `id` (one stopped at the token limit or
    /// by the user) in the same message, with the agent that wrote it.
    public func continueAnswer(conversation id: Int, options: TurnOptions = TurnOptions()) async throws -> AgentTurn {
        let transcript = try await transcript(of: id)
        guard let answer = transcript.messages.last, case .assistant(let agent) = answer.speaker,
            let question = transcript.messages.last(where: { $0.speaker == .user })
        else { throw AssistantError("there is no answer to continue") }
        var options = options
        options.conversationID = id
        options.start = .continueAnswer(answer.id)
        if options.agent == nil, agentNames.contains(agent) { options.agent = agent }
        return send(question.text, options: options)
    }

    /// Shows the next (`step` 1) or previous (-1) alternative of the branch anchored at
    /// saved message `anchor`; returns the conversation as it then reads.
    public func showBranch(_ anchor: Int, step: Int, in id: Int) async throws -> Transcript {
        let alternatives = try await store.branches(of: anchor)
        if let index = alternatives.firstIndex(of: anchor) {
            let target = min(max(0, index + step), alternatives.count - 1)
            try await store.showBranch(alternatives[target])
        }
        return try await transcript(of: id)
    }

    /// Shows the branch of conversation `id` that holds saved message `messageID` (a search
    /// result in another branch); returns the conversation as it then reads.
    public func reveal(_ messageID: Int, in id: Int) async throws -> Transcript {
        try await store.showBranch(messageID)
        return try await transcript(of: id)
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

    /// Deletes conversation `id`: its messages and its saved contexts.
    public func delete(_ id: Int) async throws {
        try await runtime.deleteConversation(id)
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

    /// Keeps text typed and not sent for conversation `id` (nil: one not started yet).
    public func keepUnsentInput(_ text: String, conversation id: Int?) async throws {
        try await store.keepUnsentInput(text, conversation: id ?? 0)
    }

    /// Text typed and not sent for conversation `id` (nil: one not started yet), or "".
    public func unsentInput(conversation id: Int?) async throws -> String {
        try await store.unsentInput(conversation: id ?? 0)
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

    /// Makes `name` on its server the model turns use; an unknown server, one that does not
    /// answer or lacks the model is an error and the model in use stays.
    public func useRemoteModel(_ name: RemoteModelName) async throws(ServerError) -> ModelState {
        try await runtime.selectRemoteModel(name)
        return ModelState(remote: name)
    }

    /// The servers whose models can be picked.
    public var servers: [ModelServer] { get async { await runtime.servers } }

    /// Adds a server (replacing one of the same name); the front end saves it to config.json.
    public func addServer(_ server: ModelServer) async throws(ServerError) {
        try await runtime.addServer(server)
    }

    /// Forgets server `name`; false when there was none.
    public func removeServer(_ name: String) async -> Bool {
        await runtime.removeServer(name)
    }

    /// Every server's models, or why it could not be asked (within a few seconds each).
    public func serverModels() async -> [ServerModels] { await runtime.serverModels() }

    /// Saves each loaded model's context for the conversation it holds, so reopening that
    /// conversation after a restart continues at once: call when quitting.
    public func saveContexts() async { await runtime.saveContexts() }

    /// Bytes all loaded models may take together.
    public var memoryBudget: Int { runtime.models.configuration.budgetBytes }

    /// The context models are loaded with, in tokens.
    public var contextLength: Int { runtime.models.configuration.contextLength }

    var store: Store { runtime.store }
}

/// A loaded model as a screen shows it.
public struct ModelState: Sendable, Equatable {
    public let reference: ModelReference
    /// `gemma3 · Q4_K_M · 268M · KV f16 62 MB`
    public let detail: String
    /// Tokens the context holds.
    public let contextLength: Int
    /// Tokens whose keys and values are cached now.
    public let cachedTokens: Int
    /// The server that runs the model; nil when it runs here.
    public let server: String?

    init(_ model: LoadedModel) {
        reference = model.reference
        detail = model.detail
        contextLength = model.estimate.contextLength
        cachedTokens = model.cachedTokenCount
        server = nil
    }

    init(remote: RemoteModelName) {
        reference = ModelReference(remote: remote)
        detail = "on server \(remote.server)"
        contextLength = 0
        cachedTokens = 0
        server = remote.server
    }
}

/// Why the assistant cannot do what a front end asked, in words for the user.
public struct AssistantError: Error, Equatable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
