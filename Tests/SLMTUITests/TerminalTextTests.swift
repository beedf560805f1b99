import SLMTUI
import Testing

@Suite("Terminal text")
struct TerminalTextTests {
    @Test("escape sequences and other controls never reach the terminal; each shows visibly")
    func controls() {
        let hostile = "title\u{1B}]0;pwned\u{07} red\u{1B}[31m\u{9B}2J back\u{08}\u{7F}\u{1B}]52;c;aGk=\u{07}"
        let safe = TerminalText.sanitized(hostile)
        #expect(!safe.unicodeScalars.contains(where: TerminalText.isUnsafe))
        #expect(safe == "title␛]0;pwned␇ red␛[31m\\u{9B}2J back␈␡␛]52;c;aGk=␇")
    }

    @Test("bidi overrides and isolates show as escapes, so text reads as it is")
    func bidi() {
        let spoof = "invoice\u{202E}fdp.exe\u{2066}x\u{2069}\u{202A}"
        #expect(TerminalText.sanitized(spoof) == "invoice\\u{202E}fdp.exe\\u{2066}x\\u{2069}\\u{202A}")
        #expect(TerminalText.sanitized("\u{200F}\u{05D0}") == "\u{200F}\u{05D0}", "marks that do not override stay")
    }

    @Test("newlines and tabs survive only when asked; other text is untouched")
    func keeps() {
        #expect(TerminalText.sanitized("a\nb\tc") == "a\u{23CE}b c")
        #expect(TerminalText.sanitized("a\nb\tc", keepingNewlines: true) == "a\nb\tc")
        #expect(TerminalText.sanitized("a\r\nb", keepingNewlines: true) == "a␍\nb")
        #expect(TerminalText.sanitized("日本語 é 👩‍👩‍👧") == "日本語 é 👩‍👩‍👧")
    }
}
