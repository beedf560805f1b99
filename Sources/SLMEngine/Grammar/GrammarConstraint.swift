/// Constrains part of a generation to a grammar, from the start or from the moment the
/// model opens it (a tool-call tag, or an answer that starts with `{`).
public struct GrammarConstraint: Sendable, Equatable {
    /// When the grammar takes over.
    public enum Activation: Sendable, Equatable {
        /// From the first generated token.
        case immediately
        /// Once the generated text contains this (control tokens count by their names).
        case after(String)
        /// If the answer's first visible character begins this text; otherwise never.
        case ifAnswerStarts(with: String)
    }

    public var grammar: Grammar
    public var activation: Activation

    public init(_ grammar: Grammar, activation: Activation = .immediately) {
        self.grammar = grammar
        self.activation = activation
    }
}

/// Picks the tokens a grammar allows, best logits first, looking at as few as it can: one
/// pass keeps the best tokens whose first byte fits, and only those are tested in full.
/// If none of them fits, it widens to every token whose first byte fits.
struct ConstrainedCandidates {
    let table: TokenByteTable

    /// Up to `limit` allowed tokens with their logits, best first; empty when no token fits.
    func best(_ logits: [Float], matcher: GrammarMatcher, limit: Int) -> [(id: Int, logit: Float)] {
        let firstBytes = matcher.allowedFirstBytes()
        let poolSize = max(64, limit * 4)
        var pool: [(id: Int, logit: Float)] = []
        pool.reserveCapacity(poolSize + 1)
        var eligible = 0
        logits.withUnsafeBufferPointer { values in
            for id in 0..<min(values.count, table.count) {
                guard let first = table.firstByte(of: id), firstBytes[Int(first)] else { continue }
                eligible += 1
                let logit = values[id]
                if pool.count == poolSize, let worst = pool.last, logit <= worst.logit { continue }
                var index = pool.count
                while index > 0, pool[index - 1].logit < logit { index -= 1 }
                pool.insert((id, logit), at: index)
                if pool.count > poolSize { pool.removeLast() }
            }
        }
        var accepted = pool.filter { matcher.allows(table[$0.id]) }
        if accepted.isEmpty, eligible > pool.count {
            var all: [(id: Int, logit: Float)] = []
            for id in 0..<min(logits.count, table.count) {
                if let first = table.firstByte(of: id), firstBytes[Int(first)] { all.append((id, logits[id])) }
            }
            all.sort { $0.logit > $1.logit || ($0.logit == $1.logit && $0.id < $1.id) }
            for candidate in all where matcher.allows(table[candidate.id]) {
                accepted.append(candidate)
                if accepted.count == limit { break }
            }
        }
        return Array(accepted.prefix(limit))
    }
}
