import Foundation

/// Measures a model as llama-bench does: `pp` — one batch of `promptTokens` random tokens
/// into the cache; `tg` — `generatedTokens` single-token steps. Both start from a cache
/// holding `depth` random tokens (llama-bench's `-d`), evaluated before the clock starts.
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
    /// Tokens in the cache before each test.
    public let depth: Int
    public let cacheType: KVCacheType

    public init(model: TransformerModel, threads: Int, contextLength: Int, repetitions: Int, depth: Int = 0,
                cacheType: KVCacheType = .f16) {
        self.model = model
        self.threads = threads
        self.contextLength = contextLength
        self.repetitions = repetitions
        self.depth = depth
        self.cacheType = cacheType
    }

    /// The test's name as llama-bench prints it: `tg128`, `pp512 @ d4096`.
    private func name(_ test: String) -> String { depth > 0 ? "\(test) @ d\(depth)" : test }

    /// Prompt processing of `count` tokens.
    public func promptProcessing(_ count: Int) throws(EngineError) -> Result {
        let tokens = randomTokens(count, seed: 1)
        return try measure(name("pp\(count)"), tokens: count) { session, context throws(EngineError) in
            _ = try session.evaluate(context + tokens)
        }
    }

    /// Generation of `count` tokens, one at a time.
    public func textGeneration(_ count: Int) throws(EngineError) -> Result {
        let tokens = randomTokens(count, seed: 2)
        return try measure(name("tg\(count)"), tokens: count) { session, _ throws(EngineError) in
            for token in tokens { _ = try session.append(token) }
        }
    }

    /// Checks of `drafts` guessed tokens (prompt lookup's cost when every guess fails):
    /// `steps` passes over one token and `drafts` more, the guesses cut from the cache after
    /// each, so it grows by one token a pass. Reported in passes per second, comparable with
    /// `textGeneration`'s tokens per second.
    public func draftChecks(_ drafts: Int, steps: Int) throws(EngineError) -> Result {
        let tokens = randomTokens(steps * (drafts + 1), seed: 4)
        return try measure(name("tg\(steps)+check\(drafts)"), tokens: steps) { session, _ throws(EngineError) in
            for step in 0..<steps {
                let batch = Array(tokens[step * (drafts + 1)..<(step + 1) * (drafts + 1)])
                _ = try session.appendAll(batch)
                session.truncate(to: session.cachedTokens.count - drafts)
            }
        }
    }

    /// Runs `body` once to warm up, then `repetitions` times, each time on a session
    /// holding exactly the `depth` context tokens (passed to `body`). The context is
    /// evaluated once; later runs cut the cache back to it.
    private func measure(_ test: String, tokens: Int,
                         _ body: (InferenceSession, [Int]) throws(EngineError) -> Void) throws(EngineError) -> Result
    {
        let session = try InferenceSession(model: model, contextLength: contextLength, cacheType: cacheType,
                                           threads: threads)
        let context = randomTokens(depth, seed: 3)
        let clock = ContinuousClock()
        var samples: [Double] = []
        for run in 0...repetitions {
            if context.isEmpty { session.reset() } else { _ = try session.evaluate(context) }
            let start = clock.now
            try body(session, context)
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
