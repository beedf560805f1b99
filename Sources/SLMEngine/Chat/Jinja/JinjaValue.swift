import Foundation

/// A value inside a template: Python's types as Jinja sees them. Lists and dicts are
/// shared references, as in Python (`ns.items.append(x)` changes the one list).
enum JinjaValue: @unchecked Sendable {
    case undefined
    case none
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(JinjaString)
    case list(JinjaList)
    case dict(JinjaDict)
    /// A macro, a built-in function or a bound method.
    case function(JinjaFunction)

    static func text(_ text: String, isInput: Bool = false) -> JinjaValue { .string(JinjaString(text, isInput: isInput)) }
    static func array(_ items: [JinjaValue]) -> JinjaValue { .list(JinjaList(items)) }

    var isTruthy: Bool {
        switch self {
        case .undefined, .none: false
        case .bool(let value): value
        case .int(let value): value != 0
        case .double(let value): value != 0
        case .string(let value): !value.isEmpty
        case .list(let list): !list.items.isEmpty
        case .dict(let dict): !dict.keys.isEmpty
        case .function: true
        }
    }

    var isUndefined: Bool { if case .undefined = self { true } else { false } }
    var isNone: Bool { if case .none = self { true } else { false } }

    var string: JinjaString? { if case .string(let value) = self { value } else { nil } }

    /// The number, for arithmetic; booleans count as 0 and 1, as in Python.
    var number: Double? {
        switch self {
        case .int(let value): Double(value)
        case .double(let value): value
        case .bool(let value): value ? 1 : 0
        default: nil
        }
    }

    var integer: Int? {
        switch self {
        case .int(let value): value
        case .bool(let value): value ? 1 : 0
        default: nil
        }
    }

    /// Items to iterate: a list's items, a dict's keys, a string's characters.
    func iterated() -> [JinjaValue]? {
        switch self {
        case .list(let list): list.items
        case .dict(let dict): dict.keys.map { dict.key($0) }
        case .string(let text): text.text.map { .string(JinjaString(String($0), isInput: text.isInput)) }
        case .undefined, .none: []
        default: nil
        }
    }

    /// What `{{ value }}` writes: Python's `str()`.
    var rendered: JinjaString {
        switch self {
        case .string(let value): value
        case .undefined: JinjaString("")
        default: JinjaString(repr)
        }
    }

    /// Python's `repr()`, as lists and dicts show their items.
    var repr: String { repr(depth: 0) }

    /// Deeper than this, lists and dicts show as `[...]` / `{...}` (Python's mark for a list
    /// that holds itself, which a template can build).
    static let maximumNesting = 100

    private func repr(depth: Int) -> String {
        switch self {
        case .undefined: "Undefined"
        case .none: "None"
        case .bool(let value): value ? "True" : "False"
        case .int(let value): String(value)
        case .double(let value): Self.pythonFloat(value)
        case .string(let value):
            value.text.contains("'") ? JinjaJSON.encode(self, indent: nil) : "'" + value.text + "'"
        case .list(let list):
            depth >= Self.maximumNesting ? "[...]" : "[" + list.items.map { $0.repr(depth: depth + 1) }.joined(separator: ", ") + "]"
        case .dict(let dict):
            depth >= Self.maximumNesting ? "{...}"
                : "{" + dict.keys.map { "'\($0)': " + (dict[$0] ?? .none).repr(depth: depth + 1) }.joined(separator: ", ") + "}"
        case .function: "<function>"
        }
    }

    /// A float as Python's `str()` writes it for ordinary values: `1.0`, `0.25`.
    static func pythonFloat(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        var text = String(format: "%.6f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text += "0" }
        return text
    }

    var typeName: String {
        switch self {
        case .undefined: "undefined"
        case .none: "none"
        case .bool: "boolean"
        case .int: "integer"
        case .double: "float"
        case .string: "string"
        case .list: "list"
        case .dict: "dict"
        case .function: "function"
        }
    }
}

extension JinjaValue: Equatable {
    /// Python's `==`: numbers by value, strings by text, lists and dicts item by item.
    static func == (left: JinjaValue, right: JinjaValue) -> Bool { equal(left, right, depth: 0) }

    private static func equal(_ left: JinjaValue, _ right: JinjaValue, depth: Int) -> Bool {
        switch (left, right) {
        case (.undefined, .undefined), (.none, .none): return true
        case (.string(let a), .string(let b)): return a.text == b.text
        case (.list(let a), .list(let b)):
            if a === b { return true }
            guard depth < maximumNesting, a.items.count == b.items.count else { return false }
            return zip(a.items, b.items).allSatisfy { equal($0, $1, depth: depth + 1) }
        case (.dict(let a), .dict(let b)):
            if a === b { return true }
            guard depth < maximumNesting, a.keys == b.keys else { return false }
            return a.keys.allSatisfy { key in equal(a[key] ?? .none, b[key] ?? .none, depth: depth + 1) }
        case (.bool(let a), .bool(let b)): return a == b
        case (.function(let a), .function(let b)): return a === b
        default:
            if let a = left.number, let b = right.number, !left.isBoolOnly || !right.isBoolOnly { return a == b }
            return false
        }
    }

    private var isBoolOnly: Bool { if case .bool = self { true } else { false } }
}

/// A list, shared by reference as in Python.
final class JinjaList {
    var items: [JinjaValue]
    init(_ items: [JinjaValue]) { self.items = items }
}

/// A dict that keeps its keys in insertion order (JSON and `items()` follow it).
final class JinjaDict {
    private(set) var keys: [String] = []
    private var values: [String: JinjaValue] = [:]
    /// Keys a template read: how a template's capabilities are found (does it read the
    /// system message's content? a tool call's arguments?).
    private(set) var readKeys: Set<String> = []

    /// Keys that are not strings (`{0: 0, 512: 128}`), as written, by their text.
    private var typedKeys: [String: JinjaValue] = [:]

    init(_ pairs: [(String, JinjaValue)] = []) {
        for (key, value) in pairs { self[key] = value }
    }

    /// Sets an entry under a key of any type; it is found by its text.
    func set(_ key: JinjaValue, _ value: JinjaValue) {
        let name = key.rendered.text
        self[name] = value
        if key.string == nil { typedKeys[name] = key }
    }

    /// A key as it was written: a number stays a number.
    func key(_ name: String) -> JinjaValue { typedKeys[name] ?? .text(name) }

    subscript(key: String) -> JinjaValue? {
        get {
            readKeys.insert(key)
            return values[key]
        }
        set {
            if let newValue {
                if values[key] == nil { keys.append(key) }
                values[key] = newValue
            } else if values.removeValue(forKey: key) != nil {
                keys.removeAll { $0 == key }
            }
        }
    }

    var pairs: [(String, JinjaValue)] {
        readKeys.formUnion(keys)
        return keys.map { ($0, values[$0] ?? .none) }
    }
}

/// Something a template can call: a macro, a built-in, a bound method.
final class JinjaFunction {
    let name: String
    let call: (JinjaArguments) throws(JinjaError) -> JinjaValue

    init(_ name: String, _ call: @escaping (JinjaArguments) throws(JinjaError) -> JinjaValue) {
        self.name = name
        self.call = call
    }
}

/// The arguments of a call: positional, then by keyword.
struct JinjaArguments {
    var positional: [JinjaValue]
    var keywords: [(String, JinjaValue)]
    let location: JinjaLocation

    /// The `index`th positional argument, or the keyword `name`, or undefined.
    func value(_ index: Int, _ name: String? = nil) -> JinjaValue {
        if let name, let pair = keywords.first(where: { $0.0 == name }) { return pair.1 }
        return index >= 0 && index < positional.count ? positional[index] : .undefined
    }
}

/// JSON as the reference writes it: keys in order, non-ASCII kept, `", "` and `": "`
/// between items without an indent.
enum JinjaJSON {
    static func encode(_ value: JinjaValue, indent: Int?, separators: (item: String, key: String)? = nil) -> String {
        var output = ""
        let item = separators?.item ?? (indent == nil ? ", " : ",")
        let key = separators?.key ?? ": "
        write(value, level: 0, indent: indent, item: item, key: key, into: &output)
        return output
    }

    private static func write(_ value: JinjaValue, level: Int, indent: Int?, item: String, key: String, into output: inout String) {
        // a list that holds itself would never end
        guard level < JinjaValue.maximumNesting else {
            output += "null"
            return
        }
        let newline = indent == nil ? "" : "\n"
        let pad = { (depth: Int) in String(repeating: " ", count: max(0, indent ?? 0) * depth) }
        switch value {
        case .undefined, .none, .function: output += "null"
        case .bool(let flag): output += flag ? "true" : "false"
        case .int(let number): output += String(number)
        case .double(let number): output += shortFloat(number)
        case .string(let text): output += quoted(text.text)
        case .list(let list):
            output += "["
            if !list.items.isEmpty {
                output += newline
                for (index, element) in list.items.enumerated() {
                    output += pad(level + 1)
                    write(element, level: level + 1, indent: indent, item: item, key: key, into: &output)
                    if index < list.items.count - 1 { output += item }
                    output += newline
                }
                output += pad(level)
            }
            output += "]"
        case .dict(let dict):
            output += "{"
            if !dict.keys.isEmpty {
                output += newline
                for (index, name) in dict.keys.enumerated() {
                    output += pad(level + 1) + quoted(name) + key
                    write(dict[name] ?? .none, level: level + 1, indent: indent, item: item, key: key, into: &output)
                    if index < dict.keys.count - 1 { output += item }
                    output += newline
                }
                output += pad(level)
            }
            output += "}"
        }
    }

    /// Six significant digits, as a C++ stream writes a double.
    private static func shortFloat(_ value: Double) -> String {
        String(format: "%g", value)
    }

    static func quoted(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            default:
                if scalar.value < 0x20 {
                    output += String(format: "\\u%04x", scalar.value)
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        return output + "\""
    }

    /// A JSON document as template values, keys in the document's order; strings marked
    /// as conversation input when `markInput`.
    static func parse(_ text: String, markInput: Bool) throws(JinjaError) -> JinjaValue {
        var reader = JSONReader(bytes: Array(text.utf8), markInput: markInput)
        let value = try reader.value()
        reader.skipSpace()
        guard reader.index == reader.bytes.count else { throw JinjaError("JSON: unexpected text at byte \(reader.index)") }
        return value
    }
}

/// A small JSON reader that keeps the order of object keys.
private struct JSONReader {
    let bytes: [UInt8]
    let markInput: Bool
    var index = 0

    init(bytes: [UInt8], markInput: Bool) {
        self.bytes = bytes
        self.markInput = markInput
    }

    mutating func skipSpace() {
        while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
    }

    /// Arrays and objects open now: bounded, as the document may be hostile.
    private var depth = 0

    mutating func value() throws(JinjaError) -> JinjaValue {
        depth += 1
        defer { depth -= 1 }
        guard depth <= 512 else { throw JinjaError("JSON: nested more than 512 deep") }
        skipSpace()
        guard index < bytes.count else { throw JinjaError("JSON: unexpected end") }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            index += 1
            let dict = JinjaDict()
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .dict(dict) }
            while true {
                skipSpace()
                let key = try string()
                skipSpace()
                try expect(":")
                dict[key] = try value()
                skipSpace()
                if try next(",", or: "}") { continue }
                return .dict(dict)
            }
        case UInt8(ascii: "["):
            index += 1
            var items: [JinjaValue] = []
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
            while true {
                items.append(try value())
                skipSpace()
                if try next(",", or: "]") { continue }
                return .array(items)
            }
        case UInt8(ascii: "\""): return .text(try string(), isInput: markInput)
        case UInt8(ascii: "t"): try word("true"); return .bool(true)
        case UInt8(ascii: "f"): try word("false"); return .bool(false)
        case UInt8(ascii: "n"): try word("null"); return .none
        default: return try number()
        }
    }

    /// True after a `separator`, false after the `end`.
    private mutating func next(_ separator: Character, or end: Character) throws(JinjaError) -> Bool {
        guard index < bytes.count else { throw JinjaError("JSON: unexpected end") }
        let byte = bytes[index]
        index += 1
        if byte == UInt8(ascii: separator.unicodeScalars.first!) { return true }
        if byte == UInt8(ascii: end.unicodeScalars.first!) { return false }
        throw JinjaError("JSON: expected \(separator) or \(end) at byte \(index - 1)")
    }

    private mutating func expect(_ character: Character) throws(JinjaError) {
        guard index < bytes.count, bytes[index] == UInt8(ascii: character.unicodeScalars.first!) else {
            throw JinjaError("JSON: expected \(character) at byte \(index)")
        }
        index += 1
    }

    private mutating func word(_ text: String) throws(JinjaError) {
        let utf8 = Array(text.utf8)
        guard index + utf8.count <= bytes.count, Array(bytes[index..<index + utf8.count]) == utf8 else {
            throw JinjaError("JSON: expected \(text) at byte \(index)")
        }
        index += utf8.count
    }

    private mutating func number() throws(JinjaError) -> JinjaValue {
        let start = index
        while index < bytes.count, "+-0123456789.eE".utf8.contains(bytes[index]) { index += 1 }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if let integer = Int(text) { return .int(integer) }
        guard let double = Double(text) else { throw JinjaError("JSON: bad number at byte \(start)") }
        return .double(double)
    }

    private mutating func string() throws(JinjaError) -> String {
        try expect("\"")
        var scalars = String.UnicodeScalarView()
        var raw: [UInt8] = []
        func flush() {
            scalars.append(contentsOf: String(decoding: raw, as: UTF8.self).unicodeScalars)
            raw.removeAll()
        }
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: "\"") {
                flush()
                return String(scalars)
            }
            guard byte == UInt8(ascii: "\\") else { raw.append(byte); continue }
            guard index < bytes.count else { break }
            let escape = bytes[index]
            index += 1
            flush()
            switch escape {
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "t"): scalars.append("\t")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "b"): scalars.append("\u{08}")
            case UInt8(ascii: "f"): scalars.append("\u{0C}")
            case UInt8(ascii: "u"):
                var code = try hex4()
                if (0xD800..<0xDC00).contains(code), index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                    bytes[index + 1] == UInt8(ascii: "u")
                {
                    index += 2
                    let low = try hex4()
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                }
                scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
            default: scalars.append(Unicode.Scalar(escape))
            }
        }
        throw JinjaError("JSON: unterminated string")
    }

    private mutating func hex4() throws(JinjaError) -> UInt32 {
        guard index + 4 <= bytes.count, let code = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16)
        else { throw JinjaError("JSON: bad \\u escape at byte \(index)") }
        index += 4
        return code
    }
}
