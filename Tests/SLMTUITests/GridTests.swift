import SLMTUI
import Testing

@Suite("Cell grid and widths")
struct GridTests {
    @Test("widths are measured per grapheme", arguments: [
        ("a", 1), ("中", 2), ("한", 2), ("😀", 2), ("e\u{301}", 1), ("🇵🇹", 2), ("👩‍👩‍👧", 2), ("\u{200B}", 0), ("☂︎", 1),
        ("❤️", 2), ("ｱ", 1), ("Ａ", 2),
    ])
    func widths(text: String, columns: Int) {
        #expect(DisplayWidth.of(Character(text)) == columns)
    }

    @Test("wide characters take two cells and are never cut in half")
    func wide() {
        var grid = CellGrid(width: 5, height: 1)
        let end = grid.put("a中b😀", x: 0, y: 0)
        #expect(end == 5)
        #expect(grid[1, 0].text == "中" && grid[2, 0].text == "")
        #expect(grid[4, 0].text == " ")  // the emoji did not fit in the last cell
        #expect(grid.row(0) == "a中b ")
        var clipped = CellGrid(width: 6, height: 1)
        clipped.put("日本語", x: 1, y: 0, limit: 4)
        #expect(clipped.row(0) == " 日 " + "  ")
    }

    @Test("control characters never reach a cell")
    func sanitised() {
        var grid = CellGrid(width: 20, height: 1)
        grid.put("ok\u{1B}[2J\u{07}\u{9B}x", x: 0, y: 0)
        for x in 0..<20 {
            #expect(!grid[x, 0].text.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
        }
        #expect(grid.row(0).hasPrefix("ok␛[2J␇\\u{9B}x"))
    }

    @Test("combining marks stay with their letter; a lone one gets a place of its own")
    func combining() {
        var grid = CellGrid(width: 6, height: 1)
        grid.put("e\u{301}\u{301}x", x: 0, y: 0)
        #expect(grid[0, 0].text == "e\u{301}\u{301}" && grid[1, 0].text == "x")
        grid.put("\u{301}", x: 3, y: 0)
        #expect(grid[3, 0].text == "\u{25CC}\u{301}")
    }

    @Test("drawing outside the grid does nothing")
    func outside() {
        var grid = CellGrid(width: 3, height: 2)
        grid.put("hello", x: -2, y: 0)
        grid.put("x", x: 0, y: 5)
        grid.fill(Rect(x: -5, y: -5, width: 100, height: 100), style: Style(.status))
        grid.box(Rect(x: 0, y: 0, width: 1, height: 1))
        #expect(grid[0, 0].style.role == .status)
        var empty = CellGrid(width: 0, height: 0)
        empty.put("x", x: 0, y: 0)
        #expect(empty.text == "")
    }
}

@Suite("Text layout and markdown")
struct LayoutTests {
    static func text(_ lines: [StyledLine]) -> [String] { lines.map { String($0.map(\.character)) } }

    @Test("words wrap at spaces; long words split; continuation lines indent")
    func wrapping() {
        #expect(Self.text(TextLayout.wrap([Span("the quick brown fox jumps")], width: 10)) == ["the quick", "brown fox", "jumps"])
        #expect(Self.text(TextLayout.wrap([Span("abcdefghijkl")], width: 5)) == ["abcde", "fghij", "kl"])
        #expect(Self.text(TextLayout.wrap([Span("- one two three")], width: 8, hangingIndent: 2)) == ["- one", "  two", "  three"])
        #expect(Self.text(TextLayout.wrap([Span("中文字符测试")], width: 5)) == ["中文", "字符", "测试"])
        #expect(TextLayout.wrap([Span("x")], width: 0).isEmpty)
    }

    @Test("emphasis, code and lists are styled; markers without partners stay")
    func markdown() {
        let lines = Markdown.render("A **bold** and *it* with `x`\n- item one\n2. two\n5 * 3 = 15", width: 40)
        let first = lines[0]
        #expect(String(first.map(\.character)) == "A bold and it with x")
        #expect(first[2].style.attributes.contains(.bold))
        #expect(first[11].style.attributes.contains(.italic))
        #expect(first[19].style.role == .code)
        #expect(Self.text([lines[1]]) == ["• item one"])
        #expect(lines[1][0].style.role == .accent)
        #expect(Self.text([lines[2]]) == ["2. two"])
        #expect(Self.text([lines[3]]) == ["5 * 3 = 15"])
    }

    @Test("fenced code is set apart and keeps its spacing")
    func code() {
        let lines = Markdown.render("Run:\n```swift\nlet  x = 1\n```\nDone", width: 20)
        #expect(Self.text(lines).map { $0.trimmingCharacters(in: .whitespaces) } == ["Run:", "swift", "let  x = 1", "Done"])
        #expect(lines[2].allSatisfy { $0.style.role == .code })
        #expect(lines[2].count == 20)
    }

    @Test("gauges fill by eighths and sparklines scale to the largest")
    func gauges() {
        let half = Gauge.bar(0.5, width: 4)
        #expect(half.map(\.text).joined() == "██░░")
        #expect(Gauge.bar(0.3, width: 10).map(\.text).joined() == "███░░░░░░░")
        #expect(Gauge.bar(0.0625, width: 2).map(\.text).joined() == "▏░")
        #expect(Gauge.bar(3, width: 3).map(\.text).joined() == "███")
        #expect(Gauge.bar(.nan, width: 2).map(\.text).joined() == "░░")
        #expect(Gauge.sparkline([1, 2, 4, 8], width: 3) == "▃▅█")
        #expect(Gauge.sparkline([], width: 5) == "")
        #expect(Gauge.sparkline([0, 0], width: 5) == "▁▁")
    }
}
