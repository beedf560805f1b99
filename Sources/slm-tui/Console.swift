import Foundation
import SLMTUI

/// Output for the command-line tool: results on stdout, messages on stderr, and every
/// string from a file or a model sanitised before it reaches the terminal.
enum Console {
    static func print(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Text without a newline, written at once (streamed answers).
    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Asks a yes/no question on the terminal: true for y or yes, false otherwise, nil
    /// when standard input is not a terminal to ask on.
    static func confirm(_ question: String) -> Bool? {
        guard isatty(STDIN_FILENO) == 1 else { return nil }
        FileHandle.standardError.write(Data((question + " [y/N] ").utf8))
        let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        return answer == "y" || answer == "yes"
    }

    /// Text that came from outside (file metadata, model output) made safe to show.
    static func safe(_ text: String, keepingNewlines: Bool = false) -> String {
        TerminalText.sanitized(text, keepingNewlines: keepingNewlines)
    }

    /// One JSON value on one line. JSONEncoder escapes control characters itself.
    static func printJSON<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}
