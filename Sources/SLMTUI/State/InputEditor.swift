/// The message being typed: multi-line text, a cursor, editing keys and a history of
/// sent messages (Up/Down on the first/last line). Text is held as characters, which are
/// grapheme clusters, so Backspace and the arrows take a whole 👨‍👩‍👧 or é at once.
public struct InputEditor: Sendable, Equatable {
    /// The text as lines of characters; never empty.
    public private(set) var lines: [[Character]] = [[]]
    public private(set) var row = 0
    public private(set) var column = 0
    private var history: [String] = []
    /// Where Up/Down is in the history; nil while editing a new message.
    private var historyIndex: Int?
    private var draft = ""

    public init() {}

    public var text: String { lines.map { String($0) }.joined(separator: "\n") }
    public var isEmpty: Bool { lines.count == 1 && lines[0].isEmpty }

    /// Replaces the whole text, cursor at the end (the history stays).
    public mutating func setText(_ text: String) {
        lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0) }
        if lines.isEmpty { lines = [[]] }
        row = lines.count - 1
        column = lines[row].count
    }

    /// Takes the text out (to send it) and remembers it in the history.
    public mutating func take() -> String {
        let sent = text
        if !sent.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, history.last != sent { history.append(sent) }
        historyIndex = nil
        setText("")
        return sent
    }

    public mutating func insert(_ text: String) {
        for character in text {
            if character == "\n" || character == "\r\n" {
                newline()
            } else if character == "\t" {
                insert("    ")
            } else {
                lines[row].insert(character, at: column)
                column += 1
            }
        }
    }

    public mutating func newline() {
        let rest = Array(lines[row][column...])
        lines[row].removeSubrange(column...)
        lines.insert(rest, at: row + 1)
        row += 1
        column = 0
    }

    public mutating func backspace() {
        if column > 0 {
            lines[row].remove(at: column - 1)
            column -= 1
        } else if row > 0 {
            column = lines[row - 1].count
            lines[row - 1] += lines.remove(at: row)
            row -= 1
        }
    }

    public mutating func deleteForward() {
        if column < lines[row].count {
            lines[row].remove(at: column)
        } else if row + 1 < lines.count {
            lines[row] += lines.remove(at: row + 1)
        }
    }

    public mutating func left() {
        if column > 0 { column -= 1 } else if row > 0 { row -= 1; column = lines[row].count }
    }

    public mutating func right() {
        if column < lines[row].count { column += 1 } else if row + 1 < lines.count { row += 1; column = 0 }
    }

    public mutating func lineStart() { column = 0 }
    public mutating func lineEnd() { column = lines[row].count }

    /// Ctrl-← / Alt-b: to the start of this word or the one before (across lines).
    public mutating func wordLeft() {
        if column == 0, row > 0 {
            row -= 1
            column = lines[row].count
        }
        while column > 0, !Self.isWordCharacter(lines[row][column - 1]) { column -= 1 }
        while column > 0, Self.isWordCharacter(lines[row][column - 1]) { column -= 1 }
    }

    /// Ctrl-→ / Alt-f: to the end of this word or the next (across lines).
    public mutating func wordRight() {
        if column == lines[row].count, row + 1 < lines.count {
            row += 1
            column = 0
        }
        while column < lines[row].count, !Self.isWordCharacter(lines[row][column]) { column += 1 }
        while column < lines[row].count, Self.isWordCharacter(lines[row][column]) { column += 1 }
    }

    private static func isWordCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || character == "_"
    }

    /// Ctrl-W: the word before the cursor, and the spaces after it.
    public mutating func deleteWordBackward() {
        var start = column
        while start > 0, lines[row][start - 1].isWhitespace { start -= 1 }
        while start > 0, !lines[row][start - 1].isWhitespace { start -= 1 }
        lines[row].removeSubrange(start..<column)
        column = start
    }

    /// Ctrl-U: from the line's start to the cursor.
    public mutating func deleteToLineStart() {
        lines[row].removeSubrange(0..<column)
        column = 0
    }

    /// Ctrl-K: from the cursor to the line's end.
    public mutating func deleteToLineEnd() {
        lines[row].removeSubrange(column...)
    }

    /// Up: the line above, or the previous message from the history on the first line.
    public mutating func up() {
        if row > 0 {
            row -= 1
            column = min(column, lines[row].count)
            return
        }
        guard !history.isEmpty else { return }
        if historyIndex == nil { draft = text }
        let index = max(0, (historyIndex ?? history.count) - 1)
        historyIndex = index
        setText(history[index])
    }

    /// Down: the line below, or the next message from the history on the last line.
    public mutating func down() {
        if row + 1 < lines.count {
            row += 1
            column = min(column, lines[row].count)
            return
        }
        guard let index = historyIndex else { return }
        if index + 1 < history.count {
            historyIndex = index + 1
            setText(history[index + 1])
        } else {
            historyIndex = nil
            setText(draft)
        }
    }
}
