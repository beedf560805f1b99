/// A template's source as tokens: text between tags, and the words and symbols inside
/// `{{ … }}` and `{% … %}`. Whitespace is handled as chat templates expect (and as the
/// reference does): a tag on a line of its own takes the line's indentation with it
/// (lstrip_blocks), the newline after a `%}` or `#}` goes (trim_blocks), and `-` inside a
/// tag strips all whitespace on that side.
struct JinjaLexer {
    enum Kind: Equatable {
        case text(String)
        case openExpression, closeExpression, openStatement, closeStatement
        case name(String)
        case string(String)
        case integer(Int)
        case float(Double)
        /// An operator or punctuation: `==`, `(`, `|`, `~`…
        case symbol(String)
    }

    struct Token {
        let kind: Kind
        let location: JinjaLocation
    }

    static func tokens(_ source: String) throws(JinjaError) -> [Token] {
        var lexer = JinjaLexer(bytes: Array(source.utf8))
        try lexer.run()
        return lexer.output
    }

    private let bytes: [UInt8]
    private var position = 0
    private var output: [Token] = []
    /// The last place computed: tokens come in order, so each is placed from the one before
    /// (a one-line template of many tags stays linear).
    private var placed = (offset: 0, location: JinjaLocation(line: 1, column: 1))

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private mutating func location(_ offset: Int) -> JinjaLocation {
        let offset = min(offset, bytes.count)
        if offset < placed.offset { placed = (0, JinjaLocation(line: 1, column: 1)) }
        var line = placed.location.line, column = placed.location.column
        for byte in bytes[placed.offset..<offset] {
            if byte == 0x0A { line += 1; column = 1 } else if byte & 0xC0 != 0x80 { column += 1 }
        }
        placed = (offset, JinjaLocation(line: line, column: column))
        return placed.location
    }

    private func byte(_ offset: Int) -> UInt8? { offset < bytes.count ? bytes[offset] : nil }

    private static let brace = UInt8(ascii: "{"), percent = UInt8(ascii: "%"), hash = UInt8(ascii: "#"),
        dash = UInt8(ascii: "-"), close = UInt8(ascii: "}"), newline = UInt8(ascii: "\n")

    /// A tag starts here: `{{`, `{%` or `{#`.
    private func tagStarts(at offset: Int) -> Bool {
        byte(offset) == Self.brace && [Self.brace, Self.percent, Self.hash].contains(byte(offset + 1))
    }

    private mutating func run() throws(JinjaError) {
        /// How the last tag ended: with `-` (strip what follows), and whether it may drop
        /// the newline after it (`%}`, `#}`, `-}}`).
        var stripAfter = false
        var trimNewline = false
        while position < bytes.count {
            let start = position
            while position < bytes.count, !tagStarts(at: position) { position += 1 }
            var text = Array(bytes[start..<position])
            let tagAhead = position < bytes.count
            let stripBefore = tagAhead && byte(position + 2) == Self.dash
            if tagAhead, byte(position + 1) != Self.brace {
                // lstrip_blocks: a statement or comment tag takes the spaces before it on its line
                // (only back to a newline in this text, or to the template's start)
                var end = text.count
                while end > 0, [0x20, 0x09, 0x0B, 0x0C, 0x0D].contains(text[end - 1]) { end -= 1 }
                if end > 0 ? text[end - 1] == Self.newline : start == 0 { text.removeSubrange(end...) }
            }
            if trimNewline, text.first == Self.newline { text.removeFirst() }
            if stripAfter { while let first = text.first, [0x20, 0x09, 0x0A, 0x0D].contains(first) { text.removeFirst() } }
            if stripBefore { while let last = text.last, [0x20, 0x09, 0x0A, 0x0D].contains(last) { text.removeLast() } }
            if !text.isEmpty { output.append(Token(kind: .text(String(decoding: text, as: UTF8.self)), location: location(start))) }
            guard tagAhead else { break }
            let tagStart = position
            let kind = bytes[position + 1]
            position += stripBefore ? 3 : 2
            switch kind {
            case Self.hash:
                while position + 1 < bytes.count, !(bytes[position] == Self.hash && bytes[position + 1] == Self.close) { position += 1 }
                guard position + 1 < bytes.count else { throw JinjaError("a comment is never closed", at: location(tagStart)) }
                stripAfter = bytes[position - 1] == Self.dash
                trimNewline = true
                position += 2
            default:
                let isExpression = kind == Self.brace
                output.append(Token(kind: isExpression ? .openExpression : .openStatement, location: location(tagStart)))
                let closer = isExpression ? Self.close : Self.percent
                stripAfter = try readInside(until: closer, tagStart: tagStart)
                output.append(Token(kind: isExpression ? .closeExpression : .closeStatement, location: location(position - 2)))
                trimNewline = !isExpression || stripAfter
            }
        }
    }

    /// Reads the tokens of a tag up to its closing `}}` or `%}`; returns whether it ended
    /// with `-`.
    private mutating func readInside(until closer: UInt8, tagStart: Int) throws(JinjaError) -> Bool {
        while position < bytes.count {
            let current = bytes[position]
            if [0x20, 0x09, 0x0A, 0x0D].contains(current) { position += 1; continue }
            if current == Self.dash, byte(position + 1) == closer, byte(position + 2) == Self.close {
                position += 3
                return true
            }
            if current == closer, byte(position + 1) == Self.close {
                position += 2
                return false
            }
            let here = location(position)
            if current == UInt8(ascii: "'") || current == UInt8(ascii: "\"") {
                output.append(Token(kind: .string(try readString(quote: current)), location: here))
            } else if (0x30...0x39).contains(current) {
                output.append(Token(kind: readNumber(), location: here))
            } else if current == UInt8(ascii: "_") || (current | 0x20) >= 0x61 && (current | 0x20) <= 0x7A {
                let start = position
                while let next = byte(position),
                    next == UInt8(ascii: "_") || (0x30...0x39).contains(next) || (next | 0x20) >= 0x61 && (next | 0x20) <= 0x7A
                {
                    position += 1
                }
                output.append(Token(kind: .name(String(decoding: bytes[start..<position], as: UTF8.self)), location: here))
            } else {
                let two = position + 1 < bytes.count ? String(decoding: bytes[position...position + 1], as: UTF8.self) : ""
                if ["==", "!=", "<=", ">=", "//", "**"].contains(two) {
                    output.append(Token(kind: .symbol(two), location: here))
                    position += 2
                } else if "+-*/%<>=|~.,:()[]{}!".utf8.contains(current) {
                    output.append(Token(kind: .symbol(String(UnicodeScalar(current))), location: here))
                    position += 1
                } else {
                    throw JinjaError("unexpected character \(String(UnicodeScalar(current)))", at: here)
                }
            }
        }
        throw JinjaError("a tag is never closed", at: location(tagStart))
    }

    private mutating func readString(quote: UInt8) throws(JinjaError) -> String {
        let start = position
        position += 1
        var text: [UInt8] = []
        while position < bytes.count, bytes[position] != quote {
            if bytes[position] == UInt8(ascii: "\\"), position + 1 < bytes.count {
                position += 1
                switch bytes[position] {
                case UInt8(ascii: "n"): text.append(0x0A)
                case UInt8(ascii: "t"): text.append(0x09)
                case UInt8(ascii: "r"): text.append(0x0D)
                case UInt8(ascii: "b"): text.append(0x08)
                case UInt8(ascii: "f"): text.append(0x0C)
                default: text.append(bytes[position])
                }
            } else {
                text.append(bytes[position])
            }
            position += 1
        }
        guard position < bytes.count else { throw JinjaError("a string is never closed", at: location(start)) }
        position += 1
        return String(decoding: text, as: UTF8.self)
    }

    private mutating func readNumber() -> Kind {
        let start = position
        while let next = byte(position), (0x30...0x39).contains(next) { position += 1 }
        if byte(position) == UInt8(ascii: "."), let after = byte(position + 1), (0x30...0x39).contains(after) {
            position += 1
            while let next = byte(position), (0x30...0x39).contains(next) { position += 1 }
            return .float(Double(String(decoding: bytes[start..<position], as: UTF8.self)) ?? 0)
        }
        return .integer(Int(String(decoding: bytes[start..<position], as: UTF8.self)) ?? 0)
    }
}
