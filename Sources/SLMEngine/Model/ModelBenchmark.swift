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
        let session = try InferenceSession(model: model, contextLength: contextLength, threads: threads)
        let tokens = randomTokens(count, seed: 1)
        var samples: [Double] = []
        for run in 0...repetitions {
            session.reset()
            let seconds = try time { () throws(EngineError) in _ = try session.evaluate(tokens) }
            if run > 0 { samples.append(Double(count) / seconds) }
        }
        return Result(test: "pp\(count)", threads: threads, samples: samples)
    }

    /// Generation of `count` tokens, one at a time.
    public func textGeneration(_ count: Int) throws(EngineError) -> Result {
        let session = try InferenceSession(model: model, contextLength: contextLength, threads: threads)
        let tokens = randomTokens(count, seed: 2)
        var samples: [Double] = []
        for run in 0...repetitions {
            session.reset()
            let seconds = try time { () throws(EngineError) in
                for token in tokens { _ = try session.append(token) }
            }
            if run > 0 { samples.append(Double(count) / seconds) }
        }
        return Result(test: "tg\(count)", threads: threads, samples: samples)
    }

    private func randomTokens(_ count: Int, seed: UInt64) -> [Int] {
        var generator = SplitMix64(seed: seed)
        let vocabulary = UInt64(model.hyperparameters.vocabularySize)
        return (0..<count).map { _ in Int(generator.next() % vocabulary) }
    }

    private func time(_ body: () throws(EngineError) -> Void) throws(EngineError) -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        try body()
        let elapsed = clock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }
}
