import Foundation

/// Reads lines typed at a terminal with the editing people expect of a prompt: ← → Home
/// End, Backspace and Delete, ↑ ↓ through earlier lines, Ctrl-A/E/U/K/W; Ctrl-C clears the
/// line, Ctrl-D on an empty line ends. Pasted text arrives as typed (newlines end the line).
final class LineReader {
    /// What reading gave.
    enum Outcome: Equatable {
        case line(String)
        /// Ctrl-D on an empty line, or the end of input.
        case end
    }

    private(set) var history: [String] = []
    private var saved = termios()

    /// Shows `prompt` and returns the line typed after it.
    func read(prompt: String) -> Outcome {
        tcgetattr(STDIN_FILENO, &saved)
        var raw = saved
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO | ISIG | IEXTEN)
        raw.c_iflag &= ~tcflag_t(IXON | ICRNL)
        tcsetattr(STDIN_FILENO, TCSANOW, &raw)
        defer { tcsetattr(STDIN_FILENO, TCSANOW, &saved) }

        var line: [Character] = []
        var cursor = 0
        var historyIndex = history.count
        func redraw() {
            let after = line.count - cursor
            Console.writeExact(Data(("\r" + prompt + String(line) + "\u{1B}[K" + (after > 0 ? "\u{1B}[\(after)D" : "")).utf8))
        }
        redraw()
        while let byte = readByte() {
            switch byte {
            case 13, 10:
                Console.writeExact(Data("\r\n".utf8))
                let text = String(line)
                if !text.trimmingCharacters(in: .whitespaces).isEmpty, history.last != text { history.append(text) }
                return .line(text)
            case 4:
                if line.isEmpty {
                    Console.writeExact(Data("\r\n".utf8))
                    return .end
                }
                if cursor < line.count { line.remove(at: cursor) }
            case 3:
                // as a shell does: Ctrl-C drops the line and asks again
                Console.writeExact(Data("^C\r\n".utf8))
                line = []
                cursor = 0
            case 127, 8:
                if cursor > 0 {
                    line.remove(at: cursor - 1)
                    cursor -= 1
                }
            case 1: cursor = 0
            case 5: cursor = line.count
            case 11: line.removeSubrange(cursor...)
            case 21:
                line.removeSubrange(..<cursor)
                cursor = 0
            case 23:
                var start = cursor
                while start > 0, line[start - 1] == " " { start -= 1 }
                while start > 0, line[start - 1] != " " { start -= 1 }
                line.removeSubrange(start..<cursor)
                cursor = start
            case 27:
                switch readEscape() {
                case "[A", "OA":
                    if historyIndex > 0 {
                        historyIndex -= 1
                        line = Array(history[historyIndex])
                        cursor = line.count
                    }
                case "[B", "OB":
                    if historyIndex < history.count {
                        historyIndex += 1
                        line = historyIndex < history.count ? Array(history[historyIndex]) : []
                        cursor = line.count
                    }
                case "[C", "OC": cursor = min(line.count, cursor + 1)
                case "[D", "OD": cursor = max(0, cursor - 1)
                case "[H", "OH", "[1~": cursor = 0
                case "[F", "OF", "[4~": cursor = line.count
                case "[3~": if cursor < line.count { line.remove(at: cursor) }
                default: break
                }
            case 9:
                line.insert(contentsOf: "    ", at: cursor)
                cursor += 4
            default:
                guard byte >= 32 else { break }
                // a character may take several bytes: collect them until they decode
                var bytes = [byte]
                let expected = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
                while bytes.count < expected, let next = readByte() { bytes.append(next) }
                let text = String(decoding: bytes, as: UTF8.self)
                line.insert(contentsOf: text, at: cursor)
                cursor += text.count
            }
            redraw()
        }
        return line.isEmpty ? .end : .line(String(line))
    }

    private func readByte() -> UInt8? {
        var byte: UInt8 = 0
        return Foundation.read(STDIN_FILENO, &byte, 1) == 1 ? byte : nil
    }

    /// The rest of an escape sequence: `[A`, `[3~`, `OH`…
    private func readEscape() -> String {
        guard let first = readByte() else { return "" }
        var sequence = String(UnicodeScalar(first))
        guard first == UInt8(ascii: "[") || first == UInt8(ascii: "O") else { return sequence }
        while let next = readByte() {
            sequence.append(Character(UnicodeScalar(next)))
            if (0x40...0x7E).contains(next) { break }
        }
        return sequence
    }
}
