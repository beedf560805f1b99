import Foundation

/// Which agent answers a message, and why.
public struct RouteDecision: Sendable, Equatable {
    /// What decided.
    public enum Rule: String, Sendable, Codable {
        /// The user named the agent (`@planner …`) or the command line did.
        case mention
        /// Words in the message.
        case keywords
        /// The loaded model chose, constrained to the agents' names.
        case classifier
        /// Nothing else decided.
        case fallback
    }

    public let agent: String
    public let rule: Rule
    /// Words for the trace: which keywords, which mention.
    public let detail: String
    /// The message without a leading mention.
    public let text: String
    /// The message asks for arithmetic: the first step uses the calculator.
    public let wantsCalculator: Bool

    public init(agent: String, rule: Rule, detail: String, text: String, wantsCalculator: Bool = false) {
        self.agent = agent
        self.rule = rule
        self.detail = detail
        self.text = text
        self.wantsCalculator = wantsCalculator
    }
}

/// Routes each message: an `@agent` prefix wins, then keyword rules; when neither decides,
/// the caller asks the model to classify (`needsClassifier`).
public struct Router: Sendable {
    public let agents: [AgentProfile]
    public let fallback: String

    public init(agents: [AgentProfile], fallback: String = "assistant") {
        self.agents = agents
        self.fallback = fallback
    }

    /// A mention that names no agent.
    public struct UnknownAgent: Error, Equatable, CustomStringConvertible {
        public let name: String
        public let known: [String]
        public var description: String { "there is no agent @\(name); agents: \(known.map { "@" + $0 }.joined(separator: ", "))" }
    }

    /// The decision a mention or the keywords make, or nil when the model should classify.
    public func route(_ message: String) throws(UnknownAgent) -> RouteDecision? {
        let trimmed = message.trimmingCharacters(in: .whitespacesAndNewlines)
        let wantsCalculator = Self.looksLikeArithmetic(trimmed)
        if trimmed.hasPrefix("@") {
            let name = String(trimmed.dropFirst().prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
            guard agents.contains(where: { $0.name == name.lowercased() }) else {
                throw UnknownAgent(name: name, known: agents.map(\.name))
            }
            let rest = trimmed.dropFirst(name.count + 1).trimmingCharacters(in: .whitespacesAndNewlines)
            return RouteDecision(agent: name.lowercased(), rule: .mention, detail: "@\(name.lowercased())", text: rest,
                                 wantsCalculator: wantsCalculator)
        }
        // the request's intent is in its lead, not in a pasted text after it ("summarize
        // the following notes: …" is the assistant's, whatever words the notes hold)
        let lead = Self.lead(of: trimmed)
        let words = Self.words(lead)
        if let verb = words.first(where: { !Self.politeWords.contains($0) }), Self.assistantVerbs.contains(verb) {
            return RouteDecision(agent: fallback, rule: .keywords, detail: verb, text: trimmed,
                                 wantsCalculator: wantsCalculator)
        }
        let scored = agents.map { agent in (agent.name, agent.keywords.filter { Self.contains(words, phrase: $0) }) }
            .filter { !$0.1.isEmpty }.sorted { $0.1.count > $1.1.count }
        if let (agent, hits) = scored.first, scored.count == 1 || scored[1].1.count < hits.count {
            return RouteDecision(agent: agent, rule: .keywords, detail: hits.joined(separator: ", "), text: trimmed,
                                 wantsCalculator: wantsCalculator)
        }
        if wantsCalculator, scored.isEmpty {
            return RouteDecision(agent: fallback, rule: .keywords, detail: "arithmetic", text: trimmed, wantsCalculator: true)
        }
        return nil
    }

    /// Requests that start with these ask for the assistant's own work on the text given.
    static let assistantVerbs: Set<String> = [
        "summarize", "summarise", "translate", "explain", "proofread", "define", "paraphrase", "simplify", "tldr",
    ]
    private static let politeWords: Set<String> = ["please", "can", "could", "would", "you", "kindly", "hey", "hi"]

    /// The part of a message that says what is wanted: up to its first line break or colon,
    /// and of a long first line its first sentence.
    package static func lead(of message: String) -> String {
        let end = message.firstIndex { $0.isNewline || $0 == ":" } ?? message.endIndex
        let line = message[..<end]
        guard line.count > 200, let stop = line.firstIndex(where: { ".!?".contains($0) }) else { return String(line) }
        return String(line[..<stop])
    }

    /// The prompt for the model's one-word choice.
    public func classifierPrompt(for message: String) -> String {
        let lines = agents.map { "- \($0.name): \($0.summary)" }.joined(separator: "\n")
        return """
            Choose who should handle the user's message.
            \(lines)
            Message: \(message)
            Answer with one word: \(agents.map(\.name).joined(separator: ", ")).
            """
    }

    /// Lower-case words, with hyphens kept inside words.
    package static func words(_ text: String) -> [String] {
        text.lowercased().split { !($0.isLetter || $0.isNumber || $0 == "-") }.map(String.init)
    }

    /// Whether the words contain the phrase's words in a row (also as plural or past tense).
    package static func contains(_ words: [String], phrase: String) -> Bool {
        let wanted = Self.words(phrase)
        guard !wanted.isEmpty, words.count >= wanted.count else { return false }
        for start in 0...(words.count - wanted.count) {
            let window = words[start..<start + wanted.count]
            if zip(window, wanted).allSatisfy({ $0 == $1 || $0 == $1 + "s" || $0 == $1 + "ed" }) { return true }
        }
        return false
    }

    /// Operators said in words, longest first, and the symbols the calculator reads.
    private static let spelledOperators = [
        ("multiplied by", "*"), ("divided by", "/"), ("to the power of", "^"), ("times", "*"), ("plus", "+"),
        ("minus", "-"), ("over", "/"),
    ]

    /// `text` lowercased, with operators said in words between two numbers written as
    /// symbols: "What is 12 times 7?" reads "what is 12 * 7?" ("3 times a day" is left).
    package static func symbolicArithmetic(_ text: String) -> String {
        var words = text.lowercased().split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        func number(_ word: String) -> Bool { word.first.map { $0.isNumber || $0 == "(" } ?? false }
        var index = 1
        while index < words.count {
            let match = spelledOperators.first { phrase, _ in
                let parts = phrase.split(separator: " ").map(String.init)
                return index + parts.count < words.count && Array(words[index..<index + parts.count]) == parts
                    && number(words[index - 1].filter { !$0.isPunctuation || $0 == "." })
                    && number(words[index + parts.count])
            }
            if let (phrase, symbol) = match {
                let count = phrase.split(separator: " ").count
                words.replaceSubrange(index..<index + count, with: [symbol])
            }
            index += 1
        }
        return words.joined(separator: " ")
    }

    /// Two numbers joined by an arithmetic operator (`12*7`, `3.5 + 4`, `15% of 80`, `12
    /// times 7`), or a request to calculate.
    package static func looksLikeArithmetic(_ text: String) -> Bool {
        let lower = symbolicArithmetic(text)
        if ["calculate", "compute", "how much is", "percent of", "% of", "square root"].contains(where: lower.contains) {
            return true
        }
        let characters = Array(lower)
        var index = 0
        while index < characters.count {
            guard characters[index].isNumber else {
                index += 1
                continue
            }
            while index < characters.count, characters[index].isNumber || characters[index] == "." { index += 1 }
            var look = index
            while look < characters.count, characters[look] == " " { look += 1 }
            guard look < characters.count, "+-*/^×÷x".contains(characters[look]) else { continue }
            // a hyphen between digits is a date or a range (2026-12-04), not a subtraction
            if characters[look] == "-", look == index { continue }
            look += 1
            while look < characters.count, characters[look] == " " { look += 1 }
            if look < characters.count, characters[look].isNumber || characters[look] == "(" { return true }
        }
        return false
    }
}
