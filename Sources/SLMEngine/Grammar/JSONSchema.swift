/// The subset of JSON Schema that tool arguments use: objects of named, typed properties,
/// strings (free, one of a set, or a calendar date), bounded integers, numbers, booleans
/// and arrays. One description drives three things: the schema text a model is shown,
/// validation of arguments, and the grammar that constrains decoding.
public indirect enum JSONSchema: Sendable, Equatable {
    /// Property order is the order a constrained model writes them in.
    case object([Property])
    /// `allowed` restricts the string to a set; `format: .date` to `yyyy-MM-dd`. Lengths
    /// count Unicode scalars.
    case string(allowed: [String]? = nil, format: StringFormat? = nil, minLength: Int? = nil, maxLength: Int? = nil)
    case integer(minimum: Int? = nil, maximum: Int? = nil)
    case number
    case boolean
    case array(items: JSONSchema, maxItems: Int? = nil)

    /// Formats a string may be required to have.
    public enum StringFormat: String, Sendable, Equatable {
        /// `yyyy-MM-dd`, a real calendar date.
        case date
        /// A day as people say it to a planner: a date `20yy-MM-dd`, or one of
        /// `dayPhrases` (`tomorrow`, `next friday`, `in 3 days`). Small models copy a phrase
        /// from the request far more reliably than they compute a date.
        case day
    }

    /// The phrases the `day` format accepts besides dates, all in lower case.
    public static let dayPhrases: [String] = {
        let weekdays = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
        return ["today", "tomorrow"] + weekdays + weekdays.map { "this " + $0 } + weekdays.map { "next " + $0 }
            + ["in 1 day"] + (2...30).map { "in \($0) days" } + ["in 1 week"] + (2...8).map { "in \($0) weeks" }
    }()

    /// A day as a date or a phrase (see `StringFormat.day`).
    public static let day = JSONSchema.string(allowed: nil, format: .day)

    /// A named property of an object, with the description a model reads.
    public struct Property: Sendable, Equatable {
        public let name: String
        public let schema: JSONSchema
        public let isRequired: Bool
        public let description: String

        public init(_ name: String, _ schema: JSONSchema, required: Bool = true, description: String = "") {
            self.name = name
            self.schema = schema
            isRequired = required
            self.description = description
        }
    }

    /// A free string whose length is in `lengths`.
    public static func text(_ lengths: ClosedRange<Int>) -> JSONSchema {
        .string(allowed: nil, format: nil, minLength: lengths.lowerBound > 0 ? lengths.lowerBound : nil,
                maxLength: lengths.upperBound)
    }

    /// One of `values`.
    public static func oneOf(_ values: [String]) -> JSONSchema { .string(allowed: values) }

    /// A calendar date, `yyyy-MM-dd`.
    public static let date = JSONSchema.string(allowed: nil, format: .date)

    // MARK: - Validation

    /// Every way `value` breaks the schema, as phrases a model can act on
    /// (`argument due: expected a date like 2026-12-04`); empty when it is valid.
    public func problems(with value: JSONValue, at path: String = "arguments") -> [String] {
        switch (self, value) {
        case (.object(let properties), .object(let members)):
            var problems: [String] = []
            let known = Set(properties.map(\.name))
            var seen = Set<String>()
            for member in members {
                if !known.contains(member.key) {
                    let names = properties.map(\.name).joined(separator: ", ")
                    problems.append("\(Self.child(path, member.key)): unknown (expected \(names.isEmpty ? "none" : names))")
                } else if !seen.insert(member.key).inserted {
                    problems.append("\(Self.child(path, member.key)): given twice")
                }
            }
            for property in properties {
                guard let argument = value[property.name], argument != .null else {
                    if property.isRequired { problems.append("\(Self.child(path, property.name)): required") }
                    continue
                }
                problems += property.schema.problems(with: argument, at: Self.child(path, property.name))
            }
            return problems
        case (.string(let allowed, let format, let minLength, let maxLength), .string(let text)):
            if let allowed, !allowed.contains(text) {
                return ["\(path): expected one of \(allowed.joined(separator: ", "))"]
            }
            if let minLength, text.unicodeScalars.count < minLength {
                return [minLength == 1 ? "\(path): empty" : "\(path): shorter than \(minLength) characters"]
            }
            if let maxLength, text.unicodeScalars.count > maxLength {
                return ["\(path): longer than \(maxLength) characters"]
            }
            if format == .date, !CalendarDate.isValid(text) { return ["\(path): expected a date like 2026-12-04"] }
            if format == .day, !(CalendarDate.isValid(text) && text.hasPrefix("20")), !Self.dayPhrases.contains(text) {
                return ["\(path): expected a date like 2026-12-04 or a day like tomorrow, friday, next friday, in 3 days"]
            }
            return []
        case (.integer(let minimum, let maximum), .number(let number)):
            guard number == number.rounded(), abs(number) < 1e15 else { return ["\(path): expected a whole number"] }
            if let minimum, number < Double(minimum) { return ["\(path): at least \(minimum)"] }
            if let maximum, number > Double(maximum) { return ["\(path): at most \(maximum)"] }
            return []
        case (.number, .number), (.boolean, .bool):
            return []
        case (.array(let items, let maxItems), .array(let elements)):
            if let maxItems, elements.count > maxItems { return ["\(path): more than \(maxItems) items"] }
            return elements.enumerated().flatMap { items.problems(with: $1, at: "\(path)[\($0)]") }
        default:
            return ["\(path): expected \(expectation)"]
        }
    }

    /// What the schema expects, in words.
    public var expectation: String {
        switch self {
        case .object: "an object"
        case .string(_, .date, _, _): "a date like 2026-12-04"
        case .string(_, .day, _, _): "a date like 2026-12-04 or a day like tomorrow, friday, next friday, in 3 days"
        case .string(let allowed?, _, _, _): "one of \(allowed.joined(separator: ", "))"
        case .string: "a string"
        case .integer: "a whole number"
        case .number: "a number"
        case .boolean: "true or false"
        case .array: "a list"
        }
    }

    private static func child(_ path: String, _ name: String) -> String {
        path == "arguments" ? "argument \(name)" : "\(path).\(name)"
    }

    // MARK: - As JSON Schema

    /// The schema as standard JSON Schema, for showing a model its tools.
    public var json: JSONValue {
        switch self {
        case .object(let properties):
            var members: [JSONValue.Member] = [
                .init("type", .string("object")),
                .init("properties", .object(properties.map { property in
                    var schema = property.schema.json
                    if !property.description.isEmpty, case .object(var fields) = schema {
                        fields.insert(.init("description", .string(property.description)), at: 1)
                        schema = .object(fields)
                    }
                    return .init(property.name, schema)
                })),
            ]
            let required = properties.filter(\.isRequired).map { JSONValue.string($0.name) }
            if !required.isEmpty { members.append(.init("required", .array(required))) }
            return .object(members)
        case .string(let allowed, let format, let minLength, let maxLength):
            var members: [JSONValue.Member] = [.init("type", .string("string"))]
            if let minLength { members.append(.init("minLength", .number(Double(minLength)))) }
            if let allowed { members.append(.init("enum", .array(allowed.map(JSONValue.string)))) }
            if format == .date { members.append(.init("format", .string("date"))) }
            if format == .day {
                members.append(.init("examples", .array(["2026-12-04", "tomorrow", "friday", "next friday", "in 3 days"]
                    .map(JSONValue.string))))
            }
            if let maxLength { members.append(.init("maxLength", .number(Double(maxLength)))) }
            return .object(members)
        case .integer(let minimum, let maximum):
            var members: [JSONValue.Member] = [.init("type", .string("integer"))]
            if let minimum { members.append(.init("minimum", .number(Double(minimum)))) }
            if let maximum { members.append(.init("maximum", .number(Double(maximum)))) }
            return .object(members)
        case .number:
            return .object(["type": .string("number")])
        case .boolean:
            return .object(["type": .string("boolean")])
        case .array(let items, let maxItems):
            var members: [JSONValue.Member] = [.init("type", .string("array")), .init("items", items.json)]
            if let maxItems { members.append(.init("maxItems", .number(Double(maxItems)))) }
            return .object(members)
        }
    }
}

/// `yyyy-MM-dd` dates in the proleptic Gregorian calendar.
enum CalendarDate {
    static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    static func days(inMonth month: Int, year: Int) -> Int {
        [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    }

    static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return false }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            (1...12).contains(month)
        else { return false }
        return day >= 1 && day <= days(inMonth: month, year: year)
    }
}
