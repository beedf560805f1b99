/// Light markdown for answers: `**bold**`, `*italic*` and `_italic_`, `` `code` ``, fenced
/// code blocks set apart, `#` headings and `-`/`*`/`1.` lists with hanging indents.
/// Anything else is plain text; nothing is ever hidden.
public enum Markdown {
    /// The text as wrapped, styled lines `width` columns wide, in `base` style.
    public static func render(_ text: String, width: Int, base: Style = Style()) -> [StyledLine] {
        var lines: [StyledLine] = []
        var inCode = false
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let trimmed = rawLine.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("```") {
                inCode.toggle()
                let language = String(trimmed.dropFirst(3))
                if inCode, !language.isEmpty { lines.append(styled("  \(language)", Style(.muted, .italic))) }
                continue
            }
            if inCode {
                // code keeps its spacing and is cut, not wrapped, with a margin that sets it apart
                let code = "  " + rawLine.replacingOccurrences(of: "\t", with: "    ")
                let padded = code + String(repeating: " ", count: max(0, width - DisplayWidth.of(code)))
                lines += TextLayout.wrap([Span(padded, Style(.code))], width: width, hangingIndent: 2)
                continue
            }
            if trimmed.hasPrefix("#") {
                let heading = trimmed.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces)
                lines += TextLayout.wrap(inline(heading, base: Style(.title, .bold)), width: width)
                continue
            }
            if let (marker, rest) = listItem(rawLine) {
                let lead = String(repeating: " ", count: leadingSpaces(rawLine)) + marker + " "
                lines += TextLayout.wrap([Span(lead, Style(.accent))] + inline(rest, base: base), width: width,
                                         hangingIndent: DisplayWidth.of(lead))
                continue
            }
            lines += TextLayout.wrap(inline(rawLine, base: base), width: width)
        }
        return lines
    }

    private static func styled(_ text: String, _ style: Style) -> StyledLine {
        text.map { ($0, style) }
    }

    private static func leadingSpaces(_ line: String) -> Int { line.prefix { $0 == " " }.count }

    /// `- item`, `* item`, `+ item` or `12. item`: the marker to show and the item's text.
    static func listItem(_ line: String) -> (String, String)? {
        let trimmed = line.drop { $0 == " " }
        if let first = trimmed.first, "-*+".contains(first), trimmed.dropFirst().first == " " {
            return ("•", String(trimmed.dropFirst(2)))
        }
        let digits = trimmed.prefix { $0.isNumber }
        if !digits.isEmpty, digits.count <= 3, trimmed.dropFirst(digits.count).hasPrefix(". ") {
            return ("\(digits).", String(trimmed.dropFirst(digits.count + 2)))
        }
        return nil
    }

    /// Inline emphasis and code as spans. Markers without a partner stay as typed.
    static func inline(_ text: String, base: Style) -> [Span] {
        var spans: [Span] = []
        let characters = Array(text)
        var plain = ""
        var index = 0
        func flush() {
            if !plain.isEmpty { spans.append(Span(plain, base)); plain = "" }
        }
        func closing(_ marker: String, from start: Int) -> Int? {
            let needle = Array(marker)
            var position = start
            while position + needle.count <= characters.count {
                if Array(characters[position..<position + needle.count]) == needle, position > start { return position }
                position += 1
            }
            return nil
        }
        while index < characters.count {
            let character = characters[index]
            let marker: String? =
                character == "`" ? "`"
                : (character == "*" && index + 1 < characters.count && characters[index + 1] == "*") ? "**"
                : (character == "*" || character == "_") ? String(character) : nil
            if let marker, index + marker.count < characters.count, !characters[index + marker.count].isWhitespace,
                let end = closing(marker, from: index + marker.count)
            {
                flush()
                let inner = String(characters[(index + marker.count)..<end])
                var style = base
                switch marker {
                case "`": style = Style(.code)
                case "**": style.attributes.insert(.bold)
                default: style.attributes.insert(.italic)
                }
                spans.append(Span(inner, style))
                index = end + marker.count
                continue
            }
            plain.append(character)
            index += 1
        }
        flush()
        return spans
    }
}
