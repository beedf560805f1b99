/// What a piece of the screen is, by meaning; a theme turns roles into colours.
public enum Role: String, Sendable, CaseIterable {
    case text, muted, accent, user, assistant, tool, success, warning, error, border, title
    case selection, status, code, gaugeFill, gaugeEmpty, input
}

/// Text attributes a role's colours are drawn with.
public struct Attributes: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let bold = Attributes(rawValue: 1)
    public static let italic = Attributes(rawValue: 2)
    public static let underline = Attributes(rawValue: 4)
    public static let reverse = Attributes(rawValue: 8)
    public static let dim = Attributes(rawValue: 16)
}

/// How a span of text is drawn: its role and extra attributes.
public struct Style: Sendable, Hashable {
    public var role: Role
    public var attributes: Attributes

    public init(_ role: Role = .text, _ attributes: Attributes = []) {
        self.role = role
        self.attributes = attributes
    }
}

/// One terminal cell: a grapheme and its style. The right half of a wide character is a
/// cell with empty text.
public struct Cell: Sendable, Hashable {
    public var text: String
    public var style: Style

    public init(_ text: String = " ", _ style: Style = Style()) {
        self.text = text
        self.style = style
    }

    public static let blank = Cell()
}

/// A rectangle of cells.
public struct Rect: Sendable, Equatable {
    public var x, y, width, height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
    public var isEmpty: Bool { width == 0 || height == 0 }

    /// The rectangle shrunk by `amount` on every side.
    public func inset(_ amount: Int) -> Rect {
        Rect(x: x + amount, y: y + amount, width: width - 2 * amount, height: height - 2 * amount)
    }
}
