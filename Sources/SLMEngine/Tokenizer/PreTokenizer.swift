/// Splits text into the chunks byte-level BPE merges within, following the regular
/// expressions of GPT-2, Llama 3 and Qwen2 alternative by alternative (the first that
/// matches at a position wins, as in a regex engine). Written out by hand: exact,
/// and far faster than a general regex engine.
struct PreTokenizer: Sendable {
    enum Style: Sendable {
        /// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`
        case gpt2
        /// `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
        case llama3
        /// As llama3 with single digits: `\p{N}` instead of `\p{N}{1,3}`.
        case qwen2
        /// As qwen2 with combining marks counted with letters: `[^\r\n\p{L}\p{N}]?[\p{L}\p{M}]+`,
        /// and kept out of the symbol runs (Qwen3.5).
        case qwen35
    }

    let style: Style

    /// The style a `tokenizer.ggml.pre` value names, or nil when unknown.
    init?(name: String) {
        switch name {
        case "default", "gpt2", "gpt-2": style = .gpt2
        case "llama-bpe", "llama3", "llama-v3", "smaug-bpe", "lfm2": style = .llama3
        case "qwen2", "deepseek-r1-qwen": style = .qwen2
        case "qwen35": style = .qwen35
        default: return nil
        }
    }

    init(style: Style) { self.style = style }

    private enum Class { case letter, mark, number, whitespace, newline, other }

    /// The chunks of `text`, in order; their concatenation is `text`.
    func split(_ text: String) -> [String] {
        let scalars = Array(text.unicodeScalars)
        let classes = scalars.map(Self.classify)
        var chunks: [String] = []
        var start = 0
        while start < scalars.count {
            let end = matchLength(scalars, classes, start) + start
            var chunk = String.UnicodeScalarView()
            chunk.append(contentsOf: scalars[start..<end])
            chunks.append(String(chunk))
            start = end
        }
        return chunks
    }

    private static func classify(_ scalar: Unicode.Scalar) -> Class {
        if scalar == "\r" || scalar == "\n" { return .newline }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return .letter
        case .decimalNumber, .letterNumber, .otherNumber: return .number
        case .nonspacingMark, .spacingMark, .enclosingMark: return .mark
        default: return scalar.properties.isWhitespace ? .whitespace : .other
        }
    }

    private func matchLength(_ s: [Unicode.Scalar], _ c: [Class], _ i: Int) -> Int {
        let n = s.count
        func isSpace(_ k: Int) -> Bool { c[k] == .whitespace || c[k] == .newline }
        func run(from k: Int, while predicate: (Int) -> Bool) -> Int {
            var end = k
            while end < n, predicate(end) { end += 1 }
            return end
        }
        if let contraction = contractionLength(s, i, caseInsensitive: style != .gpt2) { return contraction }
        switch style {
        case .gpt2:
            let afterSpace = s[i] == " " && i + 1 < n ? i + 1 : i
            if c[afterSpace] == .letter { return run(from: afterSpace) { c[$0] == .letter } - i }
            if c[afterSpace] == .number { return run(from: afterSpace) { c[$0] == .number } - i }
            if !isSpace(afterSpace) && c[afterSpace] != .letter && c[afterSpace] != .number {
                return run(from: afterSpace) { !isSpace($0) && c[$0] != .letter && c[$0] != .number } - i
            }
        case .llama3, .qwen2:
            // [^\r\n\p{L}\p{N}]?\p{L}+
            if c[i] == .letter { return run(from: i) { c[$0] == .letter } - i }
            if c[i] != .newline, c[i] != .number, i + 1 < n, c[i + 1] == .letter {
                return run(from: i + 1) { c[$0] == .letter } - i
            }
            // \p{N}{1,3} or \p{N}
            if c[i] == .number {
                // look no further than the limit: a long run of digits is many chunks
                let limit = style == .llama3 ? 3 : 1
                var end = i + 1
                while end < min(n, i + limit), c[end] == .number { end += 1 }
                return end - i
            }
            // ` ?[^\s\p{L}\p{N}]+[\r\n]*`
            let afterSpace = s[i] == " " && i + 1 < n ? i + 1 : i
            if !isSpace(afterSpace) && c[afterSpace] != .letter && c[afterSpace] != .number {
                let symbols = run(from: afterSpace) { !isSpace($0) && c[$0] != .letter && c[$0] != .number }
                return run(from: symbols) { c[$0] == .newline } - i
            }
            // \s*[\r\n]+ : up to the last newline of the whitespace run
            let spaceEnd = run(from: i, while: isSpace)
            if let lastNewline = (i..<spaceEnd).last(where: { c[$0] == .newline }) {
                return lastNewline + 1 - i
            }
        case .qwen35:
            func wordy(_ k: Int) -> Bool { c[k] == .letter || c[k] == .mark }
            // [^\r\n\p{L}\p{N}]?[\p{L}\p{M}]+
            if wordy(i) { return run(from: i, while: wordy) - i }
            if c[i] != .newline, c[i] != .number, i + 1 < n, wordy(i + 1) { return run(from: i + 1, while: wordy) - i }
            if c[i] == .number { return 1 }
            // ` ?[^\s\p{L}\p{M}\p{N}]+[\r\n]*`
            let afterSpace = s[i] == " " && i + 1 < n ? i + 1 : i
            func symbol(_ k: Int) -> Bool { !isSpace(k) && !wordy(k) && c[k] != .number }
            if symbol(afterSpace) {
                return run(from: run(from: afterSpace, while: symbol)) { c[$0] == .newline } - i
            }
            let spaceEnd = run(from: i, while: isSpace)
            if let lastNewline = (i..<spaceEnd).last(where: { c[$0] == .newline }) {
                return lastNewline + 1 - i
            }
        }
        // \s+(?!\S) then \s+
        let spaceEnd = run(from: i, while: isSpace)
        if spaceEnd > i {
            if spaceEnd == n || spaceEnd - 1 == i { return spaceEnd - i }
            return spaceEnd - 1 - i
        }
        return 1
    }

    /// `'s|'t|'re|'ve|'m|'ll|'d` at `i`.
    private func contractionLength(_ s: [Unicode.Scalar], _ i: Int, caseInsensitive: Bool) -> Int? {
        guard s[i] == "'", i + 1 < s.count else { return nil }
        func letter(_ k: Int) -> Character? {
            guard k < s.count else { return nil }
            let character = Character(s[k])
            return caseInsensitive ? Character(character.lowercased()) : character
        }
        switch letter(i + 1) {
        case "s", "t", "m", "d": return 2
        case "r" where letter(i + 2) == "e": return 3
        case "v" where letter(i + 2) == "e": return 3
        case "l" where letter(i + 2) == "l": return 3
        default: return nil
        }
    }
}
