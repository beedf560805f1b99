/// What a constrained generation may produce. A `GrammarMatcher` follows it byte by byte.
public enum Grammar: Sendable, Equatable {
    /// One JSON value that satisfies the schema.
    case json(JSONSchema)
    /// A tool call, `{"name": "<tool>", "<argumentsKey>": {…}}`, naming one of `tools` and
    /// giving arguments that satisfy that tool's schema.
    case toolCall(tools: [ToolSignature], argumentsKey: String = "arguments")
    /// The same call as a one-item JSON list, `[{…}]`, as Phi-4-mini and Granite 3 write it
    /// after their `<|tool_call|>` token.
    case toolCallList(tools: [ToolSignature], argumentsKey: String = "arguments")
    /// Exactly one of these words, unquoted (a classification).
    case oneOf([String])
}

/// A tool's name and the schema of its arguments, as far as decoding needs to know.
public struct ToolSignature: Sendable, Equatable {
    public let name: String
    public let arguments: JSONSchema

    public init(name: String, arguments: JSONSchema) {
        self.name = name
        self.arguments = arguments
    }
}

/// Limits the grammar puts where a schema sets none, so every constrained answer ends:
/// a model that never closes a string still reaches a closing quote.
public enum GrammarLimits {
    /// Characters in a string without `maxLength`.
    public static let stringLength = 256
    /// Items in an array without `maxItems`.
    public static let arrayItems = 16
    /// Digits in an integer.
    public static let integerDigits = 15
    /// Characters in a number (sign, digits, point, exponent).
    public static let numberLength = 24
}
