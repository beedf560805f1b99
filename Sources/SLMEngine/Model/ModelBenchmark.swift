import Foundation

/// Measures a model as llama-bench does: `pp` — one batch of `promptTokens` random tokens
/// into an empty cache; `tg` — `generatedTokens` single-token steps from an empty cache.
/// Each test runs once to warm up, then `repetitions` times. Figures only; nothing
/// asserts them.
public struct ModelBenchmark: Sendable {
    public struct Result: Sendable, Equatable {
        /// `pp512`, `tg128`, …
        public let test: String
        public let threads: Int
        /// Tokens per second of each repetition.
        public let samples: [Double]

        public init(test: String, threads: Int, samples: [Double]) {
            self.test = test
            self.threads = threads
            self.samples = samples
        }

        public var mean: Double { samples.reduce(0, +) / Double(max(samples.count, 1)) }
        public var standardDeviation: Double {
            guard samples.count > 1 else { return 0 }
            let mean = self.mean
            return (samples.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(samples.count - 1)).squareRoot()
        }
    }

    public let model: TransformerModel
    public let threads: Int
    public let contextLength: Int
    public let repetitions: Int

    public init(model: TransformerModel, threads: Int, contextLength: Int, repetitions: Int) {
        self.model = model
        self.threads = threads
        self.contextLength = contextLength
        self.repetitions = repetitions
    }

    /// Prompt processing of `count` tokens.
    public func promptProcessing(_ count: Int) throws(EngineError) -> Result {
        let tokens = randomTokens(count, seed: 1)
        return try measure("pp\(count)", tokens: count) { session throws(EngineError) in
            _ = try session.evaluate(tokens)
        }
    }

    /// Generation of `count` tokens, one at a time.
    public func textGeneration(_ count: Int) throws(EngineError) -> Result {
        let tokens = randomTokens(count, seed: 2)
        return try measure("tg\(count)", tokens: count) { session throws(EngineError) in
            for token in tokens { _ = try session.append(token) }
        }
    }

    /// Runs `body` on an emptied session once to warm up, then `repetitions` times.
    private func measure(_ test: String, tokens: Int, _ body: (InferenceSession) throws(EngineError) -> Void)
        throws(EngineError) -> Result
    {
        let session = try InferenceSession(model: model, contextLength: contextLength, threads: threads)
        let clock = ContinuousClock()
        var samples: [Double] = []
        for run in 0...repetitions {
            session.reset()
            let start = clock.now
            try body(session)
            let elapsed = clock.now - start
            let seconds = elapsed / .seconds(1)
            if run > 0 { samples.append(Double(tokens) / seconds) }
        }
        return Result(test: test, threads: threads, samples: samples)
    }

    private func randomTokens(_ count: Int, seed: UInt64) -> [Int] {
        var generator = SplitMix64(seed: seed)
        let vocabulary = UInt64(model.hyperparameters.vocabularySize)
        return (0..<count).map { _ in Int(generator.next() % vocabulary) }
    }
}
