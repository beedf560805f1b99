import Foundation
import SLMEngine
import SLMStore

/// The agent core: owns the store, the model manager, the tools and the agents, and runs
/// each user turn as one task that reports `AgentEvent`s.
///
/// ```swift
/// let runtime = AgentRuntime(store: store, models: ModelManager(), drafts: DraftsFolder(url: folder))
/// try await runtime.selectModel(reference)
/// let turn = runtime.send("Remind me to call Ana on Friday")
/// for await event in turn.events { … }      // turn.cancel() stops it within a token
/// ```
public actor AgentRuntime {
    public nonisolated let store: Store
    public nonisolated let models: ModelManager
    public nonisolated let tools: ToolRegistry
    public nonisolated let agents: [AgentProfile]
    public nonisolated let router: Router
    public nonisolated let configuration: RuntimeConfiguration
    public nonisolated let toolContext: ToolContext
    /// The model the user selected; agents fall back to it.
    public private(set) var selectedModel: ModelReference?
    /// The selected model when it runs on a server.
    private var selectedRemote: RemoteModel?
    /// Servers whose models can be picked (`model@server`).
    public private(set) var servers: [ModelServer]
    private var approvals: [Int: CheckedContinuation<Bool, Never>] = [:]

    public init(
        store: Store, models: ModelManager, drafts: DraftsFolder, tools: ToolRegistry = .builtIn,
        agents: [AgentProfile] = AgentProfile.builtIn, configuration: RuntimeConfiguration = RuntimeConfiguration(),
        servers: [ModelServer] = []
    ) {
        self.servers = servers
        self.store = store
        self.models = models
        self.tools = tools
        self.agents = agents
        router = Router(agents: agents)
        self.configuration = configuration
        toolContext = ToolContext(store: store, drafts: drafts, timeZone: configuration.timeZone, now: configuration.now)
    }

    /// Loads `reference` and makes it the model turns use unless their agent prefers another.
    @discardableResult
    public func selectModel(_ reference: ModelReference) async throws(ModelManagerError) -> LoadedModel {
        let model = try await models.load(reference)
        selectedModel = reference
        selectedRemote = nil
        return model
    }

    /// Makes `name` on its server the model turns use, after asking the server for its
    /// models: an unknown server, one that does not answer, or a model it does not have is
    /// an error and the selection stays as it was.
    public func selectRemoteModel(_ name: RemoteModelName) async throws(ServerError) {
        guard let server = servers.first(where: { $0.name == name.server }) else { throw .notConfigured(name.server) }
        let connection = try ServerConnection(server)
        let offered = await ServerCatalog().models(on: server)
        if let error = offered.error { throw error }
        // a server that lists nothing (some proxies) is taken at its word when it answers
        if !offered.models.isEmpty, !offered.models.contains(name.model) {
            throw .failed(server: server.name, status: 404,
                          message: "it has no model \(name.model); it has \(offered.models.prefix(8).joined(separator: ", "))")
        }
        selectedRemote = RemoteModel(name, connection: connection)
        selectedModel = ModelReference(remote: name)
    }

    /// Adds a server (or replaces the one of the same name); a bad entry is refused.
    public func addServer(_ server: ModelServer) throws(ServerError) {
        if let problem = server.problem { throw .notConfigured(problem) }
        servers.removeAll { $0.name == server.name }
        servers.append(server)
    }

    /// Forgets server `name` (a model in use there stays in use); false when there was none.
    public func removeServer(_ name: String) -> Bool {
        let count = servers.count
        servers.removeAll { $0.name == name }
        return servers.count < count
    }

    /// Every server's models, or why it could not be asked.
    public func serverModels() async -> [ServerModels] {
        await ServerCatalog().models(on: servers)
    }

    /// Starts a turn. Its events end with `finished` or `failed`.
    public nonisolated func send(_ text: String, options: TurnOptions = TurnOptions()) -> AgentTurn {
        let (events, continuation) = AsyncStream.makeStream(of: AgentEvent.self)
        let pacer = TokenPacer()
        let journal = TurnJournal(store: store, records: options.record, saveInterval: configuration.saveInterval)
        let runner = TurnRunner(runtime: self, text: text, options: options, emit: continuation, journal: journal,
                                pacer: pacer)
        let contexts = configuration.savedContexts
        let task = Task {
            await runner.run()
            continuation.finish()
            contexts?.evict()
        }
        continuation.onTermination = { reason in
            if case .cancelled = reason { task.cancel() }
        }
        return AgentTurn(events: TurnEvents(stream: events, pacer: pacer), task: task)
    }

    /// Saves each loaded model's cache to the context file of the conversation it holds (when
    /// it changed), then trims the folder to its limit: call when the front end quits.
    public func saveContexts() async {
        for status in await models.status() {
            guard let model = await models.loadedModel(status.reference) else { continue }
            try? await model.generator.saveContext()
        }
        configuration.savedContexts?.evict()
    }

    /// Deletes conversation `id` with everything kept of it: its messages, and its saved
    /// contexts (which no loaded model writes again).
    public func deleteConversation(_ id: Int) async throws {
        try await store.deleteConversation(id)
        guard let contexts = configuration.savedContexts else { return }
        for status in await models.status() {
            guard let model = await models.loadedModel(status.reference), let fingerprint = model.fingerprint,
                  let file = contexts.file(conversation: id, fingerprint: fingerprint) else { continue }
            await model.generator.forgetContext(in: file)
        }
        contexts.remove(conversation: id)
    }

    /// Answers a `needsApproval` event.
    public func answerApproval(_ id: Int, approved: Bool) {
        approvals.removeValue(forKey: id)?.resume(returning: approved)
    }

    /// Announces approval request `id` (through `announce`) and waits for the user's answer;
    /// a cancelled turn counts as a refusal. The announcement comes only once the answer can
    /// be taken, so an answer given at once is not lost.
    func waitForApproval(_ id: Int, announce: @Sendable () -> Void) async -> Bool {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if Task.isCancelled {
                    announce()
                    continuation.resume(returning: false)
                } else {
                    approvals[id] = continuation
                    announce()
                }
            }
        } onCancel: {
            Task { await self.answerApproval(id, approved: false) }
        }
    }

    /// The agent's preferred model when one is configured and fits, else the selected one.
    func model(for agent: AgentProfile) async -> (model: any TurnModel, preferred: String?)? {
        let preferred = configuration.models[agent.preferredModel]
        if let preferred, preferred != selectedModel, let model = try? await models.load(preferred) {
            return (model, nil)
        }
        if let selectedRemote { return (selectedRemote, preferred.map(\.name)) }
        guard let selectedModel, let model = try? await models.load(selectedModel) else { return nil }
        return (model, preferred.map(\.name))
    }

    /// The selected model, loaded.
    func selectedLoadedModel() async -> LoadedModel? {
        guard let selectedModel, selectedRemote == nil else { return nil }
        return try? await models.load(selectedModel)
    }
}

/// A running turn: its events, and a way to stop it.
public struct AgentTurn: Sendable {
    public let events: TurnEvents
    let task: Task<Void, Never>

    /// Stops the turn: at most one more piece of answer arrives after this call (the turn
    /// shows text no faster than the events are read); the partial answer is kept as
    /// cancelled.
    public func cancel() { task.cancel() }
}
