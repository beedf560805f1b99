import Foundation

/// What prompt lookup gains: the same greedy generation with and without it, alternated,
/// on a prompt whose answer repeats it (a rewrite). Figures only; nothing asserts them.
public struct LookupBenchmark: Sendable {
    public struct Result: Sendable {
        /// Decode tokens per second of each repetition.
        public let plain: [Double]
        public let lookup: [Double]
        /// Over all repetitions: tokens guessed, and guesses the model agreed with.
        public let drafted: Int
        public let accepted: Int
        /// Tokens of one answer.
        public let answerTokens: Int
        /// Whether every answer with lookup had exactly the ids of the answer without it.
        public let sameAnswer: Bool

        /// Guesses taken, in percent of those made.
        public var acceptancePercent: Double { drafted == 0 ? 0 : Double(accepted) / Double(drafted) * 100 }

        /// Mean speed with lookup over mean speed without.
        public var speedUp: Double {
            let plainMean = plain.reduce(0, +) / Double(max(plain.count, 1))
            return lookup.reduce(0, +) / Double(max(lookup.count, 1)) / max(plainMean, 1e-9)
        }
    }

    /// A rewrite request: the answer mostly copies the prompt, as in editing an email.
    public static let rewriteMessage = """
        Rewrite this email so it sounds friendlier. Keep every detail, the dates and the list exactly as they are.

        Hi team,

        The quarterly review moves to Thursday 14 March at 10:00 in room 4B. Please bring:
        - the sales figures for January and February,
        - the list of open customer issues,
        - your plans for the second quarter.
        Send your slides to Maria by Wednesday noon so she can put them together. The review
        ends at 12:30; lunch is in the canteen afterwards.

        Regards,
        Tom
        """

    public let generator: TextGenerator
    public let lookup: PromptLookup

    public init(generator: TextGenerator, lookup: PromptLookup = PromptLookup()) {
        self.generator = generator
        self.lookup = lookup
    }

    /// `repetitions` pairs (after one warm-up pair) of `tokens`-token greedy answers to `prompt`.
    public func run(prompt: [Int], tokens: Int, repetitions: Int) async throws -> Result {
        var plain: [Double] = [], guessed: [Double] = []
        var drafted = 0, accepted = 0, answerTokens = 0, same = true
        for run in 0...repetitions {
            let without = try await answer(GenerationRequest(prompt: prompt, maxTokens: tokens, sampling: .greedy, lookup: nil))
            let with = try await answer(GenerationRequest(prompt: prompt, maxTokens: tokens, sampling: .greedy, lookup: lookup))
            same = same && with.ids == without.ids
            if run > 0 {
                plain.append(without.stats.decodeTokensPerSecond)
                guessed.append(with.stats.decodeTokensPerSecond)
                drafted += with.stats.draftedTokens
                accepted += with.stats.acceptedDraftTokens
                answerTokens = without.ids.count
            }
        }
        return Result(plain: plain, lookup: guessed, drafted: drafted, accepted: accepted, answerTokens: answerTokens,
                      sameAnswer: same)
    }

    private func answer(_ request: GenerationRequest) async throws -> (ids: [Int], stats: GenerationStats) {
        var ids: [Int] = []
        var stats: GenerationStats?
        for try await event in generator.generate(request) {
            switch event {
            case .token(let id, _): ids.append(id)
            case .finished(let finished): stats = finished
            case .text, .constrained: break
            }
        }
        guard let stats else { throw EngineError.cancelled }
        return (ids, stats)
    }
}
