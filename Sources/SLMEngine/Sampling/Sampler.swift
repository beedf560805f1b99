import Foundation

/// Chooses tokens from logits with `SamplingParameters`, as a chain of small steps in
/// llama.cpp's order: penalties, top-k, top-p, min-p, temperature, then a random draw
/// (or the best token when greedy). Holds its random state, so one sampler per generation.
public struct Sampler: Sendable {
    public let parameters: SamplingParameters
    private var random: SplitMix64

    /// A token, its (adjusted) logit and, once computed, its probability.
    struct Candidate {
        let id: Int
        var logit: Float
        var probability: Float = 0
    }

    public init(_ parameters: SamplingParameters) {
        self.parameters = parameters
        random = SplitMix64(seed: parameters.seed ?? UInt64.random(in: 0...UInt64.max))
    }

    /// Whether it always takes the most likely token.
    public var isGreedy: Bool { parameters.temperature <= 0 }

    /// The next token given the logits and the tokens so far (prompt and generated).
    public mutating func sample(_ logits: [Float], history: [Int]) -> Int {
        var adjusted = logits
        applyPenalties(&adjusted, history: history)
        if isGreedy { return Self.argmax(adjusted) }
        return draw(fromBest: topK(adjusted))
    }

    /// The logits after the repetition, frequency and presence penalties.
    func penalized(_ logits: [Float], history: [Int]) -> [Float] {
        var adjusted = logits
        applyPenalties(&adjusted, history: history)
        return adjusted
    }

    /// Chooses among tokens already narrowed down (by a grammar), given best first with
    /// their penalised logits: the first when greedy, else the usual chain over them.
    mutating func choose(among allowed: [(id: Int, logit: Float)]) -> Int? {
        guard let best = allowed.first else { return nil }
        if isGreedy { return best.id }
        let k = parameters.topK > 0 ? parameters.topK : allowed.count
        return draw(fromBest: allowed.prefix(k).map { Candidate(id: $0.id, logit: $0.logit) })
    }

    /// Top-p, min-p and temperature over candidates sorted best first, then a random draw.
    private mutating func draw(fromBest sorted: [Candidate]) -> Int {
        var candidates = sorted
        normalize(&candidates, temperature: 1)
        candidates = topP(candidates)
        candidates = minP(candidates)
        normalize(&candidates, temperature: parameters.temperature)
        return draw(candidates)
    }

    /// The index of the largest value (lowest index on ties).
    public static func argmax(_ values: [Float]) -> Int {
        var best = 0
        for index in values.indices where values[index] > values[best] { best = index }
        return best
    }

    // MARK: - Steps

    private func applyPenalties(_ logits: inout [Float], history: [Int]) {
        let p = parameters
        guard p.repetitionPenalty != 1 || p.frequencyPenalty != 0 || p.presencePenalty != 0 else { return }
        var counts: [Int: Int] = [:]
        for token in history.suffix(max(p.penaltyWindow, 0)) where token >= 0 && token < logits.count {
            counts[token, default: 0] += 1
        }
        for (token, count) in counts {
            var logit = logits[token]
            if p.repetitionPenalty != 1 {
                logit = logit > 0 ? logit / p.repetitionPenalty : logit * p.repetitionPenalty
            }
            logit -= Float(count) * p.frequencyPenalty + p.presencePenalty
            logits[token] = logit
        }
    }

    /// The k best candidates, best first (all of them, sorted, when k is 0).
    private func topK(_ logits: [Float]) -> [Candidate] {
        let k = parameters.topK > 0 ? min(parameters.topK, logits.count) : logits.count
        var candidates: [Candidate]
        if k < logits.count {
            // keep a small sorted list instead of sorting the whole vocabulary
            candidates = []
            candidates.reserveCapacity(k + 1)
            for (id, logit) in logits.enumerated() {
                if candidates.count == k, let last = candidates.last, logit <= last.logit { continue }
                var index = candidates.count
                while index > 0, candidates[index - 1].logit < logit { index -= 1 }
                candidates.insert(Candidate(id: id, logit: logit), at: index)
                if candidates.count > k { candidates.removeLast() }
            }
        } else {
            candidates = logits.enumerated().map { Candidate(id: $0.offset, logit: $0.element) }
            candidates.sort { $0.logit > $1.logit || ($0.logit == $1.logit && $0.id < $1.id) }
        }
        return candidates
    }

    /// Sets each candidate's probability from the logits divided by `temperature`.
    private func normalize(_ candidates: inout [Candidate], temperature: Float) {
        guard let maximum = candidates.first?.logit else { return }
        var sum: Float = 0
        for index in candidates.indices {
            let value = expf((candidates[index].logit - maximum) / temperature)
            candidates[index].probability = value
            sum += value
        }
        for index in candidates.indices { candidates[index].probability /= sum }
    }

    private func topP(_ candidates: [Candidate]) -> [Candidate] {
        guard parameters.topP < 1 else { return candidates }
        var cumulative: Float = 0
        for (index, candidate) in candidates.enumerated() {
            cumulative += candidate.probability
            if cumulative >= parameters.topP { return Array(candidates[...index]) }
        }
        return candidates
    }

    private func minP(_ candidates: [Candidate]) -> [Candidate] {
        guard parameters.minP > 0, let best = candidates.first?.probability else { return candidates }
        let kept = candidates.filter { $0.probability >= parameters.minP * best }
        return kept.isEmpty ? [candidates[0]] : kept
    }

    /// A random draw by probability.
    private mutating func draw(_ candidates: [Candidate]) -> Int {
        let total = candidates.reduce(Float(0)) { $0 + $1.probability }
        var threshold = Float(random.nextUnit()) * total
        for candidate in candidates {
            threshold -= candidate.probability
            if threshold <= 0 { return candidate.id }
        }
        return candidates.last?.id ?? 0
    }
}
