import Foundation
import SLMTUI

/// Output for the command-line tool: results on stdout, messages on stderr, and every
/// string from a file or a model sanitised before it reaches the terminal.
enum Console {
    /// A line on stdout, sanitised: nothing printed here reaches the terminal raw.
    static func print(_ text: String) {
        FileHandle.standardOutput.write(Data((TerminalText.sanitized(text, keepingNewlines: true) + "\n").utf8))
    }

    /// Text without a newline, sanitised, written at once (streamed answers).
    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(TerminalText.sanitized(text, keepingNewlines: true).utf8))
    }

    /// Bytes exactly as they are, for output that is not going to a terminal.
    static func writeExact(_ data: Data) {
        FileHandle.standardOutput.write(data)
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data((TerminalText.sanitized(text, keepingNewlines: true) + "\n").utf8))
    }

    /// Whether standard output is a terminal (not a pipe or a file).
    static var outputIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }

    /// Asks a yes/no question on the terminal: true for y or yes, false otherwise, nil
    /// when standard input is not a terminal to ask on.
    static func confirm(_ question: String) -> Bool? {
        guard isatty(STDIN_FILENO) == 1 else { return nil }
        FileHandle.standardError.write(Data((TerminalText.sanitized(question) + " [y/N] ").utf8))
        let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        return answer == "y" || answer == "yes"
    }

    /// Text that came from outside (file metadata, model output) made safe to show, on
    /// one line unless `keepingNewlines` (a field of a tab-separated row stays one row).
    static func safe(_ text: String, keepingNewlines: Bool = false) -> String {
        TerminalText.sanitized(text, keepingNewlines: keepingNewlines)
    }

    /// One JSON value on one line: sorted keys, ISO 8601 dates, and every character a
    /// terminal must not receive raw escaped (`\u001b`, `\u009b`, `\u202e`).
    static func printJSON<T: Encodable>(_ value: T) throws {
        FileHandle.standardOutput.write(try json(value) + Data("\n".utf8))
    }

    /// `value` encoded as `printJSON` prints it.
    static func json<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return escapingControls(try encoder.encode(value))
    }

    /// JSON text with the characters JSONEncoder leaves raw (DEL, C1 controls, bidi
    /// controls) written as `\u` escapes. They can only stand inside strings, where the
    /// escape means the same character; newlines, tabs and returns are left alone, since
    /// inside strings the encoder has escaped them already and outside they are layout.
    static func escapingControls(_ json: Data) -> Data {
        func mustEscape(_ scalar: Unicode.Scalar) -> Bool {
            TerminalText.isUnsafe(scalar) && scalar != "\n" && scalar != "\t" && scalar != "\r"
        }
        let text = String(decoding: json, as: UTF8.self)
        guard text.unicodeScalars.contains(where: mustEscape) else { return json }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if mustEscape(scalar) {
                let hex = String(scalar.value, radix: 16)
                out.append(contentsOf: ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return Data(String(out).utf8)
    }
}
