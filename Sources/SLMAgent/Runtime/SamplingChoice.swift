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

    /// The values a user may choose, the same in the app and on the command line.
    public static let temperatureRange: ClosedRange<Float> = 0...5
    public static let topKRange: ClosedRange<Int> = 0...100_000
    /// Above 0, at most 1.
    public static let topPRange: ClosedRange<Float> = Float.leastNonzeroMagnitude...1

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
