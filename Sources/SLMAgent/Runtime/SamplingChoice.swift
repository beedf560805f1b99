import SLMEngine

/// Sampling a user chose for a turn (`/set` in the app, `--temp` and friends on the
/// command line): each value given replaces the default, nil keeps it.
public struct SamplingChoice: Sendable, Equatable {
    public var temperature: Float?
    public var topK: Int?
    public var topP: Float?
    public var seed: UInt64?

    public init(temperature: Float? = nil, topK: Int? = nil, topP: Float? = nil, seed: UInt64? = nil) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.seed = seed
    }

    /// The engine's parameters: its defaults with these choices over them.
    var parameters: SamplingParameters {
        var parameters = SamplingParameters()
        if let temperature { parameters.temperature = temperature }
        if let topK { parameters.topK = topK }
        if let topP { parameters.topP = topP }
        if let seed { parameters.seed = seed }
        return parameters
    }
}
