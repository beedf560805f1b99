/// Turns raw terminal input into `Key`s: control characters, Alt as an ESC prefix, and
/// bracketed paste (`ESC [200~ … ESC [201~`), which ncurses passes through unparsed. Arrows
/// and function keys arrive already decoded by ncurses as `.key`.
public enum KeyDecoder {
    /// One unit of raw input.
    public enum Input: Equatable, Sendable {
        case scalar(Unicode.Scalar)
        case key(Key)
    }

    /// Decodes everything read so far. `rest` is an unfinished paste (or escape sequence)
    /// that waits for more input; it is empty when all of `input` was used.
    public static func decode(_ input: [Input]) -> (keys: [Key], rest: [Input]) {
        var keys: [Key] = []
        var index = 0
        func scalar(at position: Int) -> Unicode.Scalar? {
            guard position < input.count, case .scalar(let value) = input[position] else { return nil }
            return value
        }
        while index < input.count {
            guard let current = scalar(at: index) else {
                if case .key(let key) = input[index] { keys.append(key) }
                index += 1
                continue
            }
            guard current == "\u{1B}" else {
                keys.append(key(for: current))
                index += 1
                continue
            }
            guard let next = scalar(at: index + 1) else {
                keys.append(.escape)
                index += 1
                continue
            }
            if next == "[" {
                // a control sequence: parameters, then a final byte
                var end = index + 2
                while let byte = scalar(at: end), !(0x40...0x7E).contains(byte.value) { end += 1 }
                guard end < input.count else { return (keys, Array(input[index...])) }
                let parameters = String(String.UnicodeScalarView(input[(index + 2)..<end].compactMap {
                    if case .scalar(let value) = $0 { value } else { nil }
                }))
                if parameters == "200", scalar(at: end) == "~" {
                    guard let (text, after) = paste(input, from: end + 1) else { return (keys, Array(input[index...])) }
                    keys.append(.paste(text))
                    index = after
                } else if ["1;5", "1;3", "5"].contains(parameters), let final = scalar(at: end), final == "C" || final == "D" {
                    // Ctrl- or Alt-arrow as the terminal sent it, when ncurses did not decode it
                    keys.append(final == "C" ? .wordRight : .wordLeft)
                    index = end + 1
                } else {
                    index = end + 1
                }
                continue
            }
            index += 2
            switch next {
            case "\r", "\n": keys.append(.newline)
            case "\u{1B}":
                keys.append(.escape)
                index -= 1
            case _ where next.value < 32 || next.value == 127:
                // Esc, then a control key typed right after it (Esc, Ctrl-F): two keys
                keys.append(.escape)
                index -= 1
            default:
                keys.append(.alt(Character(next)))
            }
        }
        return (keys, [])
    }

    /// The pasted text up to `ESC [201~`, and where input goes on after it; nil when the
    /// end marker has not arrived yet.
    private static func paste(_ input: [Input], from start: Int) -> (String, Int)? {
        let end: [Unicode.Scalar] = ["\u{1B}", "[", "2", "0", "1", "~"]
        var text = String.UnicodeScalarView()
        var index = start
        while index < input.count {
            if index + end.count <= input.count,
                input[index..<index + end.count].elementsEqual(end.map { Input.scalar($0) })
            {
                let normalized = String(text).replacingOccurrences(of: "\r\n", with: "\n")
                    .replacingOccurrences(of: "\r", with: "\n")
                return (normalized, index + end.count)
            }
            if case .scalar(let value) = input[index] { text.append(value) }
            index += 1
        }
        return nil
    }

    /// The key for one character typed on its own.
    static func key(for scalar: Unicode.Scalar) -> Key {
        switch scalar.value {
        case 13: .enter
        case 10: .newline
        case 9: .tab
        case 8, 127: .backspace
        case 1...26: .control(Character(Unicode.Scalar(scalar.value + 96) ?? "?"))
        case 0..<32: .escape
        default: .character(Character(scalar))
        }
    }
}
