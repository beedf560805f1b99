/// A run of text in one style.
public struct Span: Sendable, Equatable {
    public var text: String
    public var style: Style

    public init(_ text: String, _ style: Style = Style()) {
        self.text = text
        self.style = style
    }
}

/// A line of styled characters, ready to draw.
public typealias StyledLine = [(character: Character, style: Style)]

/// Word wrapping of styled text by display width: breaks at spaces, splits words longer
/// than a line, and indents continuation lines by `hangingIndent` columns.
public enum TextLayout {
    public static func wrap(_ spans: [Span], width: Int, hangingIndent: Int = 0) -> [StyledLine] {
        guard width > 0 else { return [] }
        let indent = min(hangingIndent, width - 1)
        var lines: [StyledLine] = []
        var line: StyledLine = []
        var lineWidth = 0
        func newLine() {
            lines.append(line)
            line = Array(repeating: (" ", Style()), count: indent)
            lineWidth = indent
        }
        for word in words(spans) {
            let isSpace = word.count == 1 && word[0].character == " "
            let wordWidth = word.reduce(0) { $0 + DisplayWidth.of($1.character) }
            if isSpace {
                if lineWidth + 1 <= width { line.append(word[0]); lineWidth += 1 } else { newLine() }
                continue
            }
            if lineWidth + wordWidth > width, lineWidth > indent, wordWidth <= width - indent {
                // drop the space the line ended with
                while lineWidth > indent, line.last?.character == " " { line.removeLast(); lineWidth -= 1 }
                newLine()
            }
            for item in word {
                let columns = DisplayWidth.of(item.character)
                if lineWidth + columns > width, lineWidth > indent { newLine() }
                line.append(item)
                lineWidth += columns
            }
        }
        lines.append(line)
        return lines
    }

    /// Sanitised characters grouped into words and single spaces.
    private static func words(_ spans: [Span]) -> [StyledLine] {
        var words: [StyledLine] = []
        var word: StyledLine = []
        for span in spans {
            for character in TerminalText.sanitized(span.text) {
                if character == " " {
                    if !word.isEmpty { words.append(word); word = [] }
                    words.append([(character, span.style)])
                } else {
                    word.append((character, span.style))
                }
            }
        }
        if !word.isEmpty { words.append(word) }
        return words
    }

    /// Draws a styled line at (x, y), clipped at `limit`.
    public static func draw(_ line: StyledLine, into grid: inout CellGrid, x: Int, y: Int, limit: Int) {
        var column = x
        for item in line {
            column = grid.put(String(item.character), x: column, y: y, style: item.style, limit: limit)
            if column >= limit { return }
        }
    }
}
