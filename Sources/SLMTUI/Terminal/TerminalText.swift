/// Text from a model or a file made safe to print on a terminal: control characters
/// (ESC, BEL, backspace, C1 controls …) could otherwise move the cursor, change colours or
/// retitle the window. Tabs and newlines survive when asked; everything else becomes a
/// visible replacement.
public enum TerminalText {
    public static func sanitized(_ text: String, keepingNewlines: Bool = false) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0A where keepingNewlines, 0x09 where keepingNewlines:
                out.append(scalar)
            case 0x00...0x1F, 0x7F...0x9F:
                out.append("\u{FFFD}")
            default:
                out.append(scalar)
            }
        }
        return String(out)
    }
}
