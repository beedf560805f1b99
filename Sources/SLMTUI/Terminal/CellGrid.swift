/// The screen as cells: views draw into it, and a `Screen` shows it. Text is sanitised and
/// measured per grapheme as it goes in, so nothing drawn here can move the terminal's
/// cursor or break the layout.
public struct CellGrid: Sendable, Equatable {
    public let width: Int
    public let height: Int
    private var cells: [Cell]

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: .blank, count: self.width * self.height)
    }

    public subscript(x: Int, y: Int) -> Cell {
        get { contains(x, y) ? cells[y * width + x] : .blank }
        set { if contains(x, y) { cells[y * width + x] = newValue } }
    }

    public func contains(_ x: Int, _ y: Int) -> Bool { x >= 0 && y >= 0 && x < width && y < height }

    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    /// Writes `text` from (x, y), clipped at `limit` (the right edge of `clip`, else of the
    /// grid). A wide character that would be cut in half becomes a space. Returns the
    /// column after the last character written.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: Style = Style(), limit: Int? = nil) -> Int {
        let end = min(limit ?? width, width)
        var column = x
        guard y >= 0, y < height else { return column }
        for character in TerminalText.sanitized(text) {
            let columns = DisplayWidth.of(character)
            if columns == 0 {
                // a lone combining mark: shown on a dotted circle so it has a place
                if column < end { self[column, y] = Cell("\u{25CC}" + String(character), style) }
                column += 1
                continue
            }
            if column + columns > end {
                if column < end { self[column, y] = Cell(" ", style) }
                return end
            }
            if column >= 0 {
                self[column, y] = Cell(String(character), style)
                if columns == 2 { self[column + 1, y] = Cell("", style) }
            }
            column += columns
        }
        return column
    }

    /// Paints `rect` with blanks of `style`.
    public mutating func fill(_ rect: Rect, style: Style = Style()) {
        for y in max(rect.y, 0)..<min(rect.maxY, height) {
            for x in max(rect.x, 0)..<min(rect.maxX, width) { self[x, y] = Cell(" ", style) }
        }
    }

    /// A box border with an optional title in the top edge.
    public mutating func box(_ rect: Rect, title: String? = nil, style: Style = Style(.border), titleStyle: Style = Style(.title, .bold)) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        for x in rect.x + 1..<rect.maxX - 1 {
            self[x, rect.y] = Cell("─", style)
            self[x, rect.maxY - 1] = Cell("─", style)
        }
        for y in rect.y + 1..<rect.maxY - 1 {
            self[rect.x, y] = Cell("│", style)
            self[rect.maxX - 1, y] = Cell("│", style)
        }
        self[rect.x, rect.y] = Cell("┌", style)
        self[rect.maxX - 1, rect.y] = Cell("┐", style)
        self[rect.x, rect.maxY - 1] = Cell("└", style)
        self[rect.maxX - 1, rect.maxY - 1] = Cell("┘", style)
        if let title, rect.width > 4 {
            put(" \(title) ", x: rect.x + 1, y: rect.y, style: titleStyle, limit: rect.maxX - 1)
        }
    }

    /// The text of a row (wide characters once), for tests and snapshots.
    public func row(_ y: Int) -> String {
        (0..<width).map { self[$0, y].text }.joined()
    }

    /// Every row, joined by newlines.
    public var text: String { (0..<height).map { row($0) }.joined(separator: "\n") }
}
