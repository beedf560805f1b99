/// Colours and attributes for each role, read from a theme file:
///
/// ```
/// # comment
/// text      = 252
/// selection = black on 75 bold
/// status    = default on 237
/// ```
/// A colour is a number 0–255, a name (`red`, `bright-blue`, …) or `default`; attributes
/// are `bold`, `italic`, `underline`, `reverse` and `dim`. Roles a file leaves out keep the
/// built-in dark theme's look; roles with no background take the text's.
public struct Theme: Sendable, Equatable {
    /// A colour as the theme names it.
    public enum Color: Sendable, Hashable {
        case terminalDefault
        case index(Int)
    }

    /// How one role is drawn.
    public struct Paint: Sendable, Hashable {
        public var foreground: Color
        public var background: Color
        public var attributes: Attributes

        public init(_ foreground: Color = .terminalDefault, on background: Color = .terminalDefault, _ attributes: Attributes = []) {
            self.foreground = foreground
            self.background = background
            self.attributes = attributes
        }
    }

    public let name: String
    public private(set) var paints: [Role: Paint]

    public init(name: String, paints: [Role: Paint]) {
        self.name = name
        self.paints = paints
    }

    /// How `role` is drawn. A role with no background of its own takes the text's, so a
    /// theme that sets one background reads the same on any terminal.
    public func paint(_ role: Role) -> Paint {
        var paint = paints[role] ?? Theme.dark.paints[role] ?? Paint()
        if paint.background == .terminalDefault, role != .text { paint.background = paints[.text]?.background ?? .terminalDefault }
        return paint
    }

    /// A problem in a theme file, with its line.
    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public let line: Int
        public let message: String
        public var description: String { "line \(line): \(message)" }
    }

    /// Reads theme text; roles it leaves out come from the dark theme.
    public init(name: String, parsing text: String) throws(ParseError) {
        var paints = Theme.dark.paints
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let role = Role(rawValue: parts[0]) else {
                throw ParseError(line: number + 1, message: "expected `role = colour`, roles: \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            paints[role] = try Self.paint(parts[1], line: number + 1)
        }
        self.init(name: name, paints: paints)
    }

    static let colorNames = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]

    private static func paint(_ text: String, line: Int) throws(ParseError) -> Paint {
        var paint = Paint()
        var words = text.split(separator: " ").map { String($0).lowercased() }[...]
        func color(_ word: String) throws(ParseError) -> Color {
            if word == "default" { return .terminalDefault }
            if let value = Int(word), (0...255).contains(value) { return .index(value) }
            if let index = colorNames.firstIndex(of: word) { return .index(index) }
            if word.hasPrefix("bright-"), let index = colorNames.firstIndex(of: String(word.dropFirst(7))) { return .index(index + 8) }
            throw ParseError(line: line, message: "unknown colour \(word)")
        }
        if let first = words.first, attribute(first) == nil {
            paint.foreground = try color(first)
            words = words.dropFirst()
        }
        if words.first == "on" {
            guard words.count >= 2 else { throw ParseError(line: line, message: "`on` needs a background colour") }
            paint.background = try color(words[words.startIndex + 1])
            words = words.dropFirst(2)
        }
        for word in words {
            guard let attribute = attribute(word) else { throw ParseError(line: line, message: "unknown attribute \(word)") }
            paint.attributes.insert(attribute)
        }
        return paint
    }

    private static func attribute(_ word: String) -> Attributes? {
        switch word {
        case "bold": .bold
        case "italic": .italic
        case "underline": .underline
        case "reverse": .reverse
        case "dim": .dim
        default: nil
        }
    }

    /// The built-in default, used when the themes folder is missing.
    public static let dark = Theme(name: "dark", paints: [
        .text: Paint(.index(252), on: .index(234)), .muted: Paint(.index(246)), .accent: Paint(.index(75), on: .terminalDefault, .bold),
        .user: Paint(.index(114), on: .terminalDefault, .bold), .assistant: Paint(.index(153), on: .terminalDefault, .bold),
        .tool: Paint(.index(179)), .success: Paint(.index(114)), .warning: Paint(.index(221)),
        .error: Paint(.index(203), on: .terminalDefault, .bold), .border: Paint(.index(240)),
        .title: Paint(.index(75), on: .terminalDefault, .bold), .selection: Paint(.index(16), on: .index(75)),
        .status: Paint(.index(252), on: .index(237)), .code: Paint(.index(223), on: .index(235)),
        .gaugeFill: Paint(.index(75)), .gaugeEmpty: Paint(.index(238)), .input: Paint(.index(255)),
    ])
}
