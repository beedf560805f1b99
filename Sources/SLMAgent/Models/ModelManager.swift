import Foundation
import SLMEngine

/// Why the manager would not load a model.
public enum ModelManagerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The model needs more than the whole budget, or more than is free after unloading
    /// every idle model.
    case doesNotFit(model: String, needs: Int, available: Int, budget: Int)
    case cannotOpen(model: String, reason: String)

    public var description: String {
        switch self {
        case .doesNotFit(let model, let needs, let available, let budget):
            "\(model) needs \(ByteCount(needs)) but only \(ByteCount(available)) of the \(ByteCount(budget)) memory budget is free; choose a smaller model or context, or raise the budget"
        case .cannotOpen(let model, let reason):
            "cannot load \(model): \(reason)"
        }
    }
}

/// Loads models and keeps them within a memory budget: it knows each model's need before
/// loading (weights, KV cache at the chosen context, buffers), refuses one that cannot fit,
/// makes room by unloading the least recently used, keeps at most `maxLoaded`, and unloads
/// models left idle longer than `idleTimeout`.
public actor ModelManager {
    public struct Configuration: Sendable {
        /// Bytes all loaded models may take together.
        public var budgetBytes: Int
        public var maxLoaded: Int
        public var idleTimeout: Duration
        public var contextLength: Int
        public var threads: Int
        public var cacheType: KVCacheType

        /// 75% of the memory available now, two models, ten minutes idle, 4096 tokens.
        public init(
            budgetBytes: Int = SystemMemory.availableBytes() / 4 * 3, maxLoaded: Int = 2,
            idleTimeout: Duration = .seconds(600), contextLength: Int = 4096,
            threads: Int = ProcessInfo.processInfo.activeProcessorCount, cacheType: KVCacheType = .f16
        ) {
            self.budgetBytes = budgetBytes
            self.maxLoaded = max(1, maxLoaded)
            self.idleTimeout = idleTimeout
            self.contextLength = contextLength
            self.threads = threads
            self.cacheType = cacheType
        }
    }

    /// A loaded model as the manager reports it.
    public struct Status: Sendable, Equatable {
        public let reference: ModelReference
        public let estimate: MemoryEstimate
        public let idle: Duration
    }

    public nonisolated let configuration: Configuration
    private var loaded: [ModelReference: (model: LoadedModel, lastUsed: ContinuousClock.Instant)] = [:]
    private var idleWatch: Task<Void, Never>?

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// What `reference` would take, read from its header alone.
    public func estimate(_ reference: ModelReference) throws(ModelManagerError) -> MemoryEstimate {
        try Self.estimate(reference, try open(reference), configuration)
    }

    /// The model, loaded now or already; marks it used.
    public func load(_ reference: ModelReference) throws(ModelManagerError) -> LoadedModel {
        if let entry = loaded[reference] {
            loaded[reference]?.lastUsed = .now
            return entry.model
        }
        let file = try open(reference)
        let need = try Self.admit(reference, file: file, configuration: configuration, inUseBytes: inUseBytes)
        let budget = configuration.budgetBytes
        while !loaded.isEmpty, loaded.count >= configuration.maxLoaded || inUseBytes + need.totalBytes > budget {
            unloadLeastRecentlyUsed()
        }
        let model: LoadedModel
        do {
            model = try LoadedModel(reference: reference, file: file, estimate: need, cacheType: configuration.cacheType,
                                    threads: configuration.threads)
        } catch {
            throw .cannotOpen(model: reference.name, reason: String(describing: error))
        }
        loaded[reference] = (model, .now)
        return model
    }

    /// Holds `model` as loaded under its reference, as if read from a file: how tests hand
    /// the agent a model with a scripted generator.
    package func register(_ model: LoadedModel) {
        loaded[model.reference] = (model, .now)
    }

    /// The model if it is loaded (marking it used), else nil.
    public func loadedModel(_ reference: ModelReference) -> LoadedModel? {
        guard let entry = loaded[reference] else { return nil }
        loaded[reference]?.lastUsed = .now
        return entry.model
    }

    public func unload(_ reference: ModelReference) {
        drop(reference)
    }

    /// Loaded models, most recently used first.
    public func status(now: ContinuousClock.Instant = .now) -> [Status] {
        loaded.sorted { $0.value.lastUsed > $1.value.lastUsed }
            .map { Status(reference: $0.key, estimate: $0.value.model.estimate, idle: now - $0.value.lastUsed) }
    }

    /// Bytes the loaded models take.
    public var inUseBytes: Int { loaded.values.reduce(0) { $0 + $1.model.estimate.totalBytes } }

    /// Unloads models idle longer than the timeout; returns their names.
    @discardableResult
    public func unloadIdle(now: ContinuousClock.Instant = .now) -> [String] {
        let idle = loaded.filter { now - $0.value.lastUsed > configuration.idleTimeout }.map(\.key)
        for reference in idle { drop(reference) }
        return idle.map(\.name)
    }

    /// Checks for idle models every `interval` until the manager is gone.
    public func startIdleWatch(every interval: Duration = .seconds(30)) {
        guard idleWatch == nil else { return }
        idleWatch = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard let self else { return }
                await self.unloadIdle()
            }
        }
    }

    deinit { idleWatch?.cancel() }

    private func unloadLeastRecentlyUsed() {
        guard let oldest = loaded.min(by: { $0.value.lastUsed < $1.value.lastUsed })?.key else { return }
        drop(oldest)
    }

    /// Unloads `reference`: its memory goes once its context is saved for the conversation
    /// it holds (in the background, so a model being loaded does not wait for the disk).
    private func drop(_ reference: ModelReference) {
        guard let model = loaded.removeValue(forKey: reference)?.model else { return }
        Task { try? await model.generator.saveContext() }
    }

    private func open(_ reference: ModelReference) throws(ModelManagerError) -> GGUFFile {
        do {
            return try GGUFFile(path: reference.path.path)
        } catch {
            throw .cannotOpen(model: reference.name, reason: String(describing: error))
        }
    }

    /// The memory `file` needs, checked against the whole budget: the one check every
    /// path that loads a model goes through (the app, the agent, `chat`, `bench`).
    public static func admit(_ reference: ModelReference, file: GGUFFile, configuration: Configuration,
                             inUseBytes: Int = 0) throws(ModelManagerError) -> MemoryEstimate {
        let need = try estimate(reference, file, configuration)
        let budget = configuration.budgetBytes
        guard need.totalBytes <= budget else {
            throw .doesNotFit(model: reference.name, needs: need.totalBytes, available: max(0, budget - inUseBytes),
                              budget: budget)
        }
        return need
    }

    private static func estimate(_ reference: ModelReference, _ file: GGUFFile, _ configuration: Configuration)
        throws(ModelManagerError) -> MemoryEstimate
    {
        do {
            return try MemoryEstimate(file: file, contextLength: configuration.contextLength,
                                      cacheType: configuration.cacheType, threads: configuration.threads)
        } catch {
            throw .cannotOpen(model: reference.name, reason: error.description)
        }
    }
}
