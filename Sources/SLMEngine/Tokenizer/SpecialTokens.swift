/// The special tokens of a vocabulary (control and user-defined ones) found in a text by
/// their spelling, longest first, as llama.cpp reads a template's own text.
struct SpecialTokens {
    enum Part: Equatable {
        case special(Int)
        case text(String)
    }

    /// Special tokens by their first character, longest spelling first.
    private let byFirst: [Character: [(text: String, id: Int)]]

    init(_ vocabulary: Vocabulary) {
        var byFirst: [Character: [(text: String, id: Int)]] = [:]
        for (id, text) in vocabulary.tokens.enumerated() where !text.isEmpty {
            let type = vocabulary.type(of: id)
            guard type == .control || type == .userDefined, let first = text.first else { continue }
            byFirst[first, default: []].append((text, id))
        }
        self.byFirst = byFirst.mapValues { $0.sorted { $0.text.count > $1.text.count } }
    }

    func split(_ text: String) -> [Part] {
        var parts: [Part] = []
        var plain = ""
        var rest = Substring(text)
        while let first = rest.first {
            if let match = byFirst[first]?.first(where: { rest.hasPrefix($0.text) }) {
                if !plain.isEmpty { parts.append(.text(plain)); plain = "" }
                parts.append(.special(match.id))
                rest = rest.dropFirst(match.text.count)
            } else {
                plain.append(first)
                rest = rest.dropFirst()
            }
        }
        if !plain.isEmpty { parts.append(.text(plain)) }
        return parts
    }
}
