/// Why a chat template could not be read or rendered, with where in its source.
public struct JinjaError: Error, Equatable, CustomStringConvertible {
    public let message: String
    /// 1-based; 0 when the place is not known.
    public let line: Int
    public let column: Int

    init(_ message: String, at location: JinjaLocation = JinjaLocation(line: 0, column: 0)) {
        self.message = message
        line = location.line
        column = location.column
    }

    public var description: String { line > 0 ? "line \(line), column \(column): \(message)" : message }
}

/// A place in a template's source.
struct JinjaLocation: Equatable, Sendable {
    let line: Int
    let column: Int
}
