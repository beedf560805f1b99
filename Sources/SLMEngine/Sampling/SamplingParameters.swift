/// How the next token is chosen from the logits.
public struct SamplingParameters: Sendable, Equatable, Codable {
    /// 0 or less picks the most likely token (greedy).
    public var temperature: Float
    /// Keep only the k most likely tokens; 0 keeps all.
    public var topK: Int
    /// Keep the smallest set of likely tokens whose probability reaches p; 1 keeps all.
    public var topP: Float
    /// Drop tokens less likely than minP times the most likely one; 0 keeps all.
    public var minP: Float
    /// Divides positive logits (multiplies negative ones) of recently seen tokens; 1 is off.
    public var repetitionPenalty: Float
    /// Subtracted once per occurrence of a recent token.
    public var frequencyPenalty: Float
    /// Subtracted once from any recent token.
    public var presencePenalty: Float
    /// How many recent tokens the penalties look at.
    public var penaltyWindow: Int
    /// Same seed, same choices; nil draws a seed.
    public var seed: UInt64?

    public init(
        temperature: Float = 0.8, topK: Int = 40, topP: Float = 0.95, minP: Float = 0.05,
        repetitionPenalty: Float = 1.0, frequencyPenalty: Float = 0, presencePenalty: Float = 0,
        penaltyWindow: Int = 64, seed: UInt64? = nil
    ) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.minP = minP
        self.repetitionPenalty = repetitionPenalty
        self.frequencyPenalty = frequencyPenalty
        self.presencePenalty = presencePenalty
        self.penaltyWindow = penaltyWindow
        self.seed = seed
    }

    /// Always the most likely token.
    public static let greedy = SamplingParameters(temperature: 0)
}
