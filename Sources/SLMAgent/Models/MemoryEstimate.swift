import Foundation
import SLMEngine

/// What a model takes in memory once loaded: its weights (mapped from the file), its KV
/// cache at the chosen context, the buffers a generation uses, and a hybrid model's
/// recurrent state with the copies kept of it.
public struct MemoryEstimate: Sendable, Equatable, Codable {
    public let weightBytes: Int
    public let kvCacheBytes: Int
    public let scratchBytes: Int
    /// A hybrid model's recurrent state at most (0 for a transformer).
    public let recurrentStateBytes: Int
    public let contextLength: Int

    /// The sum, or `Int.max` when it would not fit (never within any budget).
    public var totalBytes: Int {
        let (partial, first) = weightBytes.addingReportingOverflow(kvCacheBytes)
        let (sum, second) = partial.addingReportingOverflow(scratchBytes)
        let (total, third) = sum.addingReportingOverflow(recurrentStateBytes)
        return first || second || third ? Int.max : total
    }

    /// Reads only the file's header: nothing is loaded. The context is the smaller of
    /// `contextLength` and what the model was trained for.
    public init(file: GGUFFile, contextLength: Int, cacheType: KVCacheType = .f16, threads: Int) throws(EngineError) {
        let name = file["general.architecture"]?.stringValue ?? "(none)"
        guard let architecture = Architecture.named(name) else { throw .unsupportedArchitecture(name) }
        let hyper = try Hyperparameters(file: file, architecture: architecture)
        let context = min(contextLength, hyper.trainedContextLength)
        let session = try InferenceSession.memoryNeed(hyperparameters: hyper, contextLength: context, cacheType: cacheType,
                                                  threads: threads)
        weightBytes = file.fileSize
        kvCacheBytes = session.kvCacheBytes
        scratchBytes = session.scratchBytes
        recurrentStateBytes = session.recurrentStateBytes
        self.contextLength = context
    }

    public init(weightBytes: Int, kvCacheBytes: Int, scratchBytes: Int, recurrentStateBytes: Int = 0,
                contextLength: Int) {
        self.weightBytes = weightBytes
        self.kvCacheBytes = kvCacheBytes
        self.scratchBytes = scratchBytes
        self.recurrentStateBytes = recurrentStateBytes
        self.contextLength = contextLength
    }
}
