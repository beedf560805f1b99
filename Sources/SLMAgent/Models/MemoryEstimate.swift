import Foundation
import SLMEngine

/// What a model takes in memory once loaded: its weights (mapped from the file), its KV
/// cache at the chosen context, and the buffers a generation uses.
public struct MemoryEstimate: Sendable, Equatable, Codable {
    public let weightBytes: Int
    public let kvCacheBytes: Int
    public let scratchBytes: Int
    public let contextLength: Int

    public var totalBytes: Int { weightBytes + kvCacheBytes + scratchBytes }

    /// Reads only the file's header: nothing is loaded. The context is the smaller of
    /// `contextLength` and what the model was trained for.
    public init(file: GGUFFile, contextLength: Int, cacheType: KVCacheType = .f16, threads: Int) throws(EngineError) {
        let name = file["general.architecture"]?.stringValue ?? "(none)"
        guard let architecture = Architecture.named(name) else { throw .unsupportedArchitecture(name) }
        let hyper = try Hyperparameters(file: file, architecture: architecture)
        let context = min(contextLength, hyper.trainedContextLength)
        let session = InferenceSession.memoryNeed(hyperparameters: hyper, contextLength: context, cacheType: cacheType,
                                                  threads: threads)
        weightBytes = file.fileSize
        kvCacheBytes = session.kvCacheBytes
        scratchBytes = session.scratchBytes
        self.contextLength = context
    }

    public init(weightBytes: Int, kvCacheBytes: Int, scratchBytes: Int, contextLength: Int) {
        self.weightBytes = weightBytes
        self.kvCacheBytes = kvCacheBytes
        self.scratchBytes = scratchBytes
        self.contextLength = contextLength
    }
}
