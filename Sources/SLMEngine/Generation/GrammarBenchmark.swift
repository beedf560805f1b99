import Foundation

/// What a grammar costs in decoding speed: the same greedy generation with and without a
/// constraint (a JSON string the model may not close, so every token is checked). Figures
/// only; nothing asserts them.
public struct GrammarBenchmark: Sendable {
    public struct Result: Sendable {
        /// Decode tokens per second of each repetition.
        public let free: [Double]
        public let constrained: [Double]

        /// How much slower constrained decoding is, in percent of the free speed.
        public var overheadPercent: Double {
            let freeMean = free.reduce(0, +) / Double(max(free.count, 1))
            let constrainedMean = constrained.reduce(0, +) / Double(max(constrained.count, 1))
            return (1 - constrainedMean / freeMean) * 100
        }
    }

    public let generator: TextGenerator
    public let tokenizer: Tokenizer

    public init(generator: TextGenerator, tokenizer: Tokenizer) {
        self.generator = generator
        self.tokenizer = tokenizer
    }

    public func run(tokens: Int, repetitions: Int) async throws -> Result {
        let prompt = tokenizer.encode("Here is a long letter to a friend about a summer by the sea:\n\n")
        let schema = JSONSchema.object([.init("letter", .text(100_000...200_000))])
        var free: [Double] = [], constrained: [Double] = []
        for run in 0...repetitions {
            // (without prompt lookup: its gains would hide the grammar's cost)
            let plain = try await decodeSpeed(GenerationRequest(prompt: prompt, maxTokens: tokens, sampling: .greedy,
                                                                lookup: nil))
            let json = try await decodeSpeed(GenerationRequest(
                prompt: prompt, maxTokens: tokens, sampling: .greedy, constraint: GrammarConstraint(.json(schema)),
                lookup: nil))
            if run > 0 {  // the first run warms up (and builds the token table)
                free.append(plain)
                constrained.append(json)
            }
        }
        return Result(free: free, constrained: constrained)
    }

    private func decodeSpeed(_ request: GenerationRequest) async throws -> Double {
        var speed = 0.0
        for try await event in generator.generate(request) {
            if case .finished(let stats) = event { speed = stats.decodeTokensPerSecond }
        }
        return speed
    }
}
