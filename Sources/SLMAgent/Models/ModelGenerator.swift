import SLMEngine

/// What a turn asks of a model: stream the tokens of a request, and say how much of the
/// context its cache holds. The engine's `TextGenerator` is the real one; tests drive the
/// agent with a scripted one, in milliseconds and without a model file.
public protocol ModelGenerator: Sendable {
    /// Streams the request's tokens and ends with `.finished`, as `TextGenerator` does.
    func generate(_ request: GenerationRequest) -> AsyncThrowingStream<GenerationEvent, Error>
    /// Tokens the cache holds after the last generation.
    var cachedTokenCount: Int { get }
    /// Saves the cache to the context file of the conversation it holds, if it changed.
    func saveContext() async throws
    /// Never saves to `file` again, and forgets the cache if it came from there.
    func forgetContext(in file: String) async
}

extension ModelGenerator {
    /// A generator without a cache of its own (a scripted one) has nothing to save.
    public func saveContext() async throws {}
    public func forgetContext(in file: String) async {}
}

extension TextGenerator: ModelGenerator {}
