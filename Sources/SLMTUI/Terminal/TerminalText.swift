/// Text from a model, a file or the store made safe to show on a terminal — the one
/// sanitiser the app and the command line share. Control characters could otherwise move
/// the cursor, change colours, retitle the window or write the clipboard (ESC, BEL, C1
/// controls such as CSI), and bidirectional overrides could make text read differently
/// from what it is. Each one is shown visibly instead: C0 controls as their control
/// pictures (`␛`), DEL as `␡`, C1 and bidi controls as `\u{9B}`, `\u{202E}`.
public enum TerminalText {
    /// `text` with every control shown visibly. Newlines and tabs are kept when
    /// `keepingNewlines`; otherwise a newline shows as `⏎` and a tab as a space, so the
    /// result is one line.
    public static func sanitized(_ text: String, keepingNewlines: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: { needsReplacement($0, keepingNewlines: keepingNewlines) }) else {
            return text
        }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0A where keepingNewlines, 0x09 where keepingNewlines:
                out.append(scalar)
            case 0x0A:
                out.append("\u{23CE}")
            case 0x09:
                out.append(" ")
            case 0x00...0x1F:
                out.append(Unicode.Scalar(0x2400 + scalar.value)!)
            case 0x7F:
                out.append("\u{2421}")
            case 0x80...0x9F, 0x202A...0x202E, 0x2066...0x2069:
                out.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
            default:
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// Whether `scalar` is one a terminal must not receive raw: C0 controls, DEL, C1
    /// controls and the bidi embedding, override and isolate controls.
    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    private static func needsReplacement(_ scalar: Unicode.Scalar, keepingNewlines: Bool) -> Bool {
        if keepingNewlines, scalar == "\n" || scalar == "\t" { return false }
        return isUnsafe(scalar)
    }
}
