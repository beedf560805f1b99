import SLMTUI
import Testing

@Suite("Terminal text")
struct TerminalTextTests {
    @Test("escape sequences and other controls never reach the terminal")
    func controls() {
        let hostile = "title\u{1B}]0;pwned\u{07} red\u{1B}[31m\u{9B}2J back\u{08}\u{7F}"
        let safe = TerminalText.sanitized(hostile)
        #expect(!safe.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
        #expect(safe.hasPrefix("title\u{FFFD}]0;pwned"))
    }

    @Test("newlines and tabs survive only when asked; other text is untouched")
    func keeps() {
        #expect(TerminalText.sanitized("a\nb\tc") == "a\u{FFFD}b\u{FFFD}c")
        #expect(TerminalText.sanitized("a\nb\tc", keepingNewlines: true) == "a\nb\tc")
        #expect(TerminalText.sanitized("日本語 é 👩‍👩‍👧") == "日本語 é 👩‍👩‍👧")
    }
}
