/// What to generate: the prompt's token ids and when to stop.
public struct GenerationRequest: Sendable, Equatable {
    public var prompt: [Int]
    public var maxTokens: Int
    public var sampling: SamplingParameters
    /// Generation stops before any of these texts; they are not part of the answer. They
    /// are not looked for while a grammar is in control.
    public var stopStrings: [String]
    /// A grammar the answer (or part of it) must follow; generation ends when it is complete.
    public var constraint: GrammarConstraint?
    /// How tokens are guessed ahead from the prompt and answer so far and checked in one
    /// pass (nil: one token per pass). The answer is the same either way.
    public var lookup: PromptLookup?
    /// The file this conversation's context is kept in between requests (nil: none). When
    /// the generator's cache holds another conversation's context, that one is saved to its
    /// own file first; then a saved context here that holds more of the prompt than the
    /// cache is loaded, so earlier turns are not evaluated again — after a restart too.
    public var contextFile: String?

    public init(prompt: [Int], maxTokens: Int = 256, sampling: SamplingParameters = SamplingParameters(),
                stopStrings: [String] = [], constraint: GrammarConstraint? = nil,
                lookup: PromptLookup? = PromptLookup(), contextFile: String? = nil) {
        self.contextFile = contextFile
        self.prompt = prompt
        self.maxTokens = maxTokens
        self.sampling = sampling
        self.stopStrings = stopStrings
        self.constraint = constraint
        self.lookup = lookup
    }
}

/// What a generation stream reports.
public enum GenerationEvent: Sendable, Equatable {
    /// A generated token and the text it completes (empty while a character is unfinished,
    /// or while a stop string may be starting).
    case token(id: Int, text: String)
    /// Text released without a token of its own: what a stop-string check held back, or
    /// the end of an unfinished character, once it is known to be answer text.
    case text(String)
    /// The request's grammar was matched in full: the text written under it. Comes just
    /// before `finished`.
    case constrained(String)
    /// The last event: why it stopped and how fast it went.
    case finished(GenerationStats)
}

/// Counts and speeds of one generation.
public struct GenerationStats: Sendable, Equatable, Codable {
    public enum StopReason: String, Sendable, Codable {
        case endOfGeneration = "eog", maxTokens = "max_tokens", stopString = "stop", cancelled
        /// The request's grammar was matched in full.
        case grammarComplete = "grammar"
    }

    public var promptTokens: Int
    /// Prompt tokens found in the cache from an earlier request (or in the saved context
    /// loaded for this one) and not evaluated again.
    public var reusedPromptTokens: Int
    /// Positions loaded from the request's saved context (0 when none was loaded).
    public var restoredTokens: Int
    public var generatedTokens: Int
    public var prefillTokensPerSecond: Double
    public var decodeTokensPerSecond: Double
    /// From the request to the first generated token.
    public var timeToFirstTokenMilliseconds: Double
    public var stopReason: StopReason
    /// Tokens guessed by prompt lookup and checked by the model.
    public var draftedTokens: Int
    /// Guessed tokens the model agreed with: tokens that cost no pass of their own.
    public var acceptedDraftTokens: Int

    public init(promptTokens: Int, reusedPromptTokens: Int, generatedTokens: Int, prefillTokensPerSecond: Double,
                decodeTokensPerSecond: Double, timeToFirstTokenMilliseconds: Double, stopReason: StopReason,
                draftedTokens: Int = 0, acceptedDraftTokens: Int = 0, restoredTokens: Int = 0) {
        self.restoredTokens = restoredTokens
        self.draftedTokens = draftedTokens
        self.acceptedDraftTokens = acceptedDraftTokens
        self.promptTokens = promptTokens
        self.reusedPromptTokens = reusedPromptTokens
        self.generatedTokens = generatedTokens
        self.prefillTokensPerSecond = prefillTokensPerSecond
        self.decodeTokensPerSecond = decodeTokensPerSecond
        self.timeToFirstTokenMilliseconds = timeToFirstTokenMilliseconds
        self.stopReason = stopReason
    }
}
