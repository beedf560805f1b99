/// The message box: the text being typed, wrapped to the box, at most `maxLines` tall,
/// scrolled to keep the cursor in view.
public enum InputView {
    public static let maxLines = 6

    /// Rows of the box (with its border) for this text at this width.
    public static func height(for editor: InputEditor, width: Int) -> Int {
        min(rows(editor, width: max(1, width - 4)).rows.count, maxLines) + 2
    }

    /// Draws the box; returns where the cursor goes.
    @discardableResult
    public static func draw(_ editor: InputEditor, title: String?, into grid: inout CellGrid, in rect: Rect)
        -> (x: Int, y: Int)?
    {
        guard rect.height >= 3, rect.width >= 6 else { return nil }
        grid.fill(rect)
        grid.box(rect, title: title, style: Style(.border), titleStyle: Style(.warning))
        let inner = Rect(x: rect.x + 3, y: rect.y + 1, width: rect.width - 4, height: rect.height - 2)
        grid.put("›", x: rect.x + 1, y: rect.y + 1, style: Style(.accent, .bold))
        if editor.isEmpty {
            grid.put("Message — Enter sends, Ctrl-J new line, / commands, F1 help", x: inner.x, y: inner.y,
                     style: Style(.muted), limit: inner.maxX)
            return (inner.x, inner.y)
        }
        let (rows, cursor) = rows(editor, width: inner.width)
        let first = max(0, min(cursor.row - inner.height + 1, rows.count - inner.height))
        for (offset, row) in rows[first..<min(rows.count, first + inner.height)].enumerated() {
            grid.put(row, x: inner.x, y: inner.y + offset, style: Style(.input), limit: inner.maxX)
        }
        return (inner.x + cursor.column, inner.y + cursor.row - first)
    }

    /// The text cut into rows of at most `width` columns, and the cursor's row and column.
    static func rows(_ editor: InputEditor, width: Int) -> (rows: [String], cursor: (row: Int, column: Int)) {
        var rows: [String] = []
        var cursor = (row: 0, column: 0)
        for (lineIndex, line) in editor.lines.enumerated() {
            var row = ""
            var rowWidth = 0
            var index = 0
            func cursorHere() {
                if lineIndex == editor.row, index == editor.column { cursor = (rows.count, rowWidth) }
            }
            for character in line {
                let columns = max(1, DisplayWidth.of(character))
                if rowWidth + columns > width {
                    rows.append(row)
                    row = ""
                    rowWidth = 0
                }
                cursorHere()
                row.append(character)
                rowWidth += columns
                index += 1
            }
            if rowWidth >= width, lineIndex == editor.row, index == editor.column {
                rows.append(row)
                row = ""
                rowWidth = 0
            }
            cursorHere()
            rows.append(row)
        }
        return (rows, cursor)
    }
}
