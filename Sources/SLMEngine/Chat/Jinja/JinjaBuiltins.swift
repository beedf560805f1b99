import Foundation

/// Jinja's operators, filters, tests and the Python methods chat templates call on
/// strings, lists and dicts.
enum JinjaBuiltins {
    // MARK: - Access

    /// `value.name`: a dict's entry, else a method of the value, else undefined.
    static func attribute(of value: JinjaValue, _ name: String) -> JinjaValue {
        if case .dict(let dict) = value, let entry = dict[name] { return entry }
        return method(of: value, name) ?? .undefined
    }

    /// `value[key]`: a list or string by (negative) index, a dict by key.
    static func item(of value: JinjaValue, _ key: JinjaValue, at location: JinjaLocation) throws(JinjaError) -> JinjaValue {
        switch (value, key) {
        case (.list(let list), _):
            guard let index = key.integer else { throw JinjaError("a list index must be a whole number", at: location) }
            let position = index < 0 ? list.items.count + index : index
            return list.items.indices.contains(position) ? list.items[position] : .undefined
        case (.string(let text), _):
            guard let index = key.integer else { throw JinjaError("a string index must be a whole number", at: location) }
            let characters = Array(text.text)
            let position = index < 0 ? characters.count + index : index
            return characters.indices.contains(position) ? .text(String(characters[position]), isInput: text.isInput) : .undefined
        case (.dict(let dict), _):
            return dict[key.rendered.text] ?? attribute(of: value, key.rendered.text)
        default:
            return .undefined
        }
    }

    static func slice(_ value: JinjaValue, start: Int?, stop: Int?, step: Int?) -> JinjaValue {
        func indices(_ count: Int) -> [Int] {
            let step = step ?? 1
            guard step != 0 else { return [] }
            func clamp(_ bound: Int?, _ fallback: Int) -> Int {
                guard let bound else { return fallback }
                let position = bound < 0 ? bound + count : bound
                return step > 0 ? min(max(position, 0), count) : min(max(position, -1), count - 1)
            }
            let from = clamp(start, step > 0 ? 0 : count - 1)
            let to = clamp(stop, step > 0 ? count : -1)
            return Array(Swift.stride(from: from, to: to, by: step))
        }
        switch value {
        case .list(let list): return .array(indices(list.items.count).map { list.items[$0] })
        case .string(let text):
            let characters = Array(text.text)
            return .text(String(indices(characters.count).map { characters[$0] }), isInput: text.isInput)
        default: return .undefined
        }
    }

    // MARK: - Operators

    static func binary(_ symbol: String, _ left: JinjaValue, _ right: JinjaValue, at location: JinjaLocation)
        throws(JinjaError) -> JinjaValue
    {
        switch symbol {
        case "==": return .bool(left == right)
        case "!=": return .bool(left != right)
        case "<", ">", "<=", ">=":
            let order: Bool
            if let a = left.number, let b = right.number {
                order = symbol == "<" ? a < b : symbol == ">" ? a > b : symbol == "<=" ? a <= b : a >= b
            } else if let a = left.string?.text, let b = right.string?.text {
                order = symbol == "<" ? a < b : symbol == ">" ? a > b : symbol == "<=" ? a <= b : a >= b
            } else {
                throw JinjaError("cannot compare a \(left.typeName) with a \(right.typeName)", at: location)
            }
            return .bool(order)
        case "in":
            switch right {
            case .string(let text): return .bool(left.string.map { text.text.contains($0.text) } ?? false)
            case .list(let list): return .bool(list.items.contains(left))
            case .dict(let dict): return .bool(dict[left.rendered.text] != nil)
            case .undefined, .none: return .bool(false)
            default: throw JinjaError("`in` needs a string, list or dict, not a \(right.typeName)", at: location)
            }
        case "~":
            return .string(left.rendered + right.rendered)
        case "+":
            switch (left, right) {
            case (.string(let a), .string(let b)): return .string(a + b)
            case (.list(let a), .list(let b)): return .array(a.items + b.items)
            case (.int(let a), .int(let b)):
                let (value, overflow) = a.addingReportingOverflow(b)
                return overflow ? .double(Double(a) + Double(b)) : .int(value)
            default:
                guard let a = left.number, let b = right.number else {
                    if left.string != nil || right.string != nil { return .string(left.rendered + right.rendered) }
                    throw JinjaError("cannot add a \(left.typeName) and a \(right.typeName)", at: location)
                }
                return .double(a + b)
            }
        case "-", "*", "/", "//", "%", "**":
            if symbol == "*", case .string(let text) = left, let count = right.integer {
                guard count <= 0 || text.text.utf8.count <= JinjaRuntime.Limits.outputBytes / count else {
                    throw JinjaError("a repeated string longer than \(JinjaRuntime.Limits.outputBytes) bytes", at: location)
                }
                return .string(JinjaString(String(repeating: text.text, count: max(0, count)), isInput: text.isInput))
            }
            if symbol == "%", case .string(let format) = left {
                return .text(percentFormat(format.text, right))
            }
            if case .int(let a) = left, case .int(let b) = right, symbol != "/" {
                // a result that does not fit 64 bits becomes a float, as it never traps
                switch symbol {
                case "-":
                    let (value, overflow) = a.subtractingReportingOverflow(b)
                    if !overflow { return .int(value) }
                case "*":
                    let (value, overflow) = a.multipliedReportingOverflow(by: b)
                    if !overflow { return .int(value) }
                case "//":
                    guard b != 0 else { throw JinjaError("division by zero", at: location) }
                    return Self.integer((Double(a) / Double(b)).rounded(.down))
                case "%":
                    guard b != 0 else { throw JinjaError("division by zero", at: location) }
                    if b == -1 { return .int(0) }
                    let remainder = a % b
                    return .int(remainder != 0 && (remainder < 0) != (b < 0) ? remainder + b : remainder)
                default: return Self.integer(pow(Double(a), Double(b)))
                }
            }
            guard let a = left.number, let b = right.number else {
                throw JinjaError("cannot use \(symbol) on a \(left.typeName) and a \(right.typeName)", at: location)
            }
            switch symbol {
            case "-": return .double(a - b)
            case "*": return .double(a * b)
            case "/": return b == 0 ? .double(.nan) : .double(a / b)
            case "//": return .double((a / b).rounded(.down))
            case "%": return .double(a.truncatingRemainder(dividingBy: b))
            default: return .double(pow(a, b))
            }
        default:
            throw JinjaError("unknown operator \(symbol)", at: location)
        }
    }

    /// Python's `"%s and %d" % (a, b)` for the codes templates use.
    private static func percentFormat(_ format: String, _ values: JinjaValue) -> String {
        var arguments: [JinjaValue]
        if case .list(let list) = values { arguments = list.items } else { arguments = [values] }
        return replacingPercentCodes(format) { code in
            let value = arguments.isEmpty ? .undefined : arguments.removeFirst()
            return code == "d" ? value.integer.map(String.init) ?? value.rendered.text : value.rendered.text
        }
    }

    /// `format` with each `%x` code replaced by `replace(x)`; `%%` is a percent sign.
    static func replacingPercentCodes(_ format: String, _ replace: (Character) -> String) -> String {
        var output = ""
        var characters = format.makeIterator()
        while let character = characters.next() {
            guard character == "%", let code = characters.next() else {
                output.append(character)
                continue
            }
            output += code == "%" ? "%" : replace(code)
        }
        return output
    }

    /// A whole number as an integer when it fits, else as a float (never a trap).
    static func integer(_ value: Double) -> JinjaValue {
        value.isFinite && abs(value) < 9.2e18 ? .int(Int(value)) : .double(value)
    }

    // MARK: - Tests

    static func test(_ value: JinjaValue, _ name: String, _ arguments: JinjaArguments) throws(JinjaError) -> Bool {
        let other = arguments.value(0)
        switch name {
        case "defined": return !value.isUndefined
        case "undefined": return value.isUndefined
        case "none": return value.isNone
        case "string": return value.string != nil
        case "number": if case .bool = value { return false } else { return value.number != nil }
        case "integer": if case .int = value { return true } else { return false }
        case "float": if case .double = value { return true } else { return false }
        case "boolean": if case .bool = value { return true } else { return false }
        case "true": if case .bool(true) = value { return true } else { return false }
        case "false": if case .bool(false) = value { return true } else { return false }
        case "mapping": if case .dict = value { return true } else { return false }
        case "sequence", "iterable":
            switch value {
            case .list, .string, .dict: return true
            default: return false
            }
        case "callable": if case .function = value { return true } else { return false }
        case "odd": return (value.integer ?? 0) % 2 != 0
        case "even": return (value.integer ?? 1) % 2 == 0
        case "divisibleby": return (other.integer ?? 0) != 0 && (value.integer ?? 1) % (other.integer ?? 1) == 0
        case "lower": return value.string.map { $0.text == $0.text.lowercased() } ?? false
        case "upper": return value.string.map { $0.text == $0.text.uppercased() } ?? false
        case "equalto", "eq", "==", "sameas": return value == other
        case "ne", "!=": return value != other
        case "in": return try binary("in", value, other, at: arguments.location).isTruthy
        case "gt", ">", "lt", "<", "ge", ">=", "le", "<=":
            let symbol = ["gt": ">", "lt": "<", "ge": ">=", "le": "<="][name] ?? name
            return try binary(symbol, value, other, at: arguments.location).isTruthy
        default:
            throw JinjaError("unknown test \(name)", at: arguments.location)
        }
    }

    // MARK: - Filters

    static func filter(_ value: JinjaValue, _ name: String, _ arguments: JinjaArguments) throws(JinjaError) -> JinjaValue {
        switch name {
        case "tojson":
            let indent = arguments.value(1, "indent").integer.map { min(max($0, 0), 16) }
            return .text(JinjaJSON.encode(value, indent: indent), isInput: value.containsOnlyInput)
        case "length", "count":
            switch value {
            case .string(let text): return .int(text.text.count)
            case .list(let list): return .int(list.items.count)
            case .dict(let dict): return .int(dict.keys.count)
            case .undefined, .none: return .int(0)
            default: throw JinjaError("a \(value.typeName) has no length", at: arguments.location)
            }
        case "trim":
            return stringResult(value) { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        case "upper": return stringResult(value) { $0.uppercased() }
        case "lower": return stringResult(value) { $0.lowercased() }
        case "capitalize": return stringResult(value) { $0.prefix(1).uppercased() + $0.dropFirst().lowercased() }
        case "title": return stringResult(value) { $0.capitalized }
        case "string":
            if case .string = value { return value }
            return .string(value.rendered)
        case "safe", "e", "escape", "forceescape": return value
        case "default", "d":
            let useFalsy = arguments.value(1, "boolean").isTruthy
            return value.isUndefined || (useFalsy && !value.isTruthy) ? arguments.value(0) : value
        case "join":
            let separator = arguments.value(0, "d").string ?? JinjaString("")
            let attribute = arguments.value(1, "attribute").string?.text
            guard let items = value.iterated() else { throw JinjaError("cannot join a \(value.typeName)", at: arguments.location) }
            var result = JinjaString("")
            for (index, item) in items.enumerated() {
                if index > 0 { result = result + separator }
                result = result + (attribute.map { self.attribute(of: item, $0) } ?? item).rendered
            }
            return .string(result)
        case "items":
            return .array(value.keyedPairs ?? [])
        case "dictsort":
            guard case .dict(let dict) = value else { return .array([]) }
            let sorted = dict.keys.sorted { a, b in
                if let x = dict.key(a).number, let y = dict.key(b).number { return x < y }
                return a.lowercased() < b.lowercased()
            }
            return .array(sorted.map { .array([dict.key($0), dict[$0] ?? .none]) })
        case "min", "max":
            let items = value.iterated() ?? []
            let ordered = items.sorted { a, b in
                if let x = a.number, let y = b.number { return x < y }
                return a.rendered.text < b.rendered.text
            }
            return (name == "min" ? ordered.first : ordered.last) ?? .undefined
        case "list": return .array(value.iterated() ?? [])
        case "first": return value.iterated()?.first ?? .undefined
        case "last": return value.iterated()?.last ?? .undefined
        case "reverse":
            if case .string(let text) = value { return .text(String(text.text.reversed()), isInput: text.isInput) }
            return .array((value.iterated() ?? []).reversed())
        case "unique":
            var seen: [JinjaValue] = []
            for item in value.iterated() ?? [] where !seen.contains(item) { seen.append(item) }
            return .array(seen)
        case "sort":
            let attribute = arguments.value(2, "attribute").string?.text
            let reverse = arguments.value(0, "reverse").isTruthy
            let items = (value.iterated() ?? []).sorted { a, b in
                let (x, y) = attribute.map { (self.attribute(of: a, $0), self.attribute(of: b, $0)) } ?? (a, b)
                if let p = x.number, let q = y.number { return p < q }
                return x.rendered.text < y.rendered.text
            }
            return .array(reverse ? items.reversed() : items)
        case "replace":
            guard let old = arguments.value(0).string?.text, let new = arguments.value(1).string else { return value }
            guard case .string(let text) = value else { return value }
            return .string(JinjaString(text.text.replacingOccurrences(of: old, with: new.text), isInput: text.isInput && new.isInput))
        case "selectattr", "rejectattr":
            guard let attribute = arguments.value(0).string?.text else { return .array([]) }
            let testName = arguments.value(1).string?.text
            var rest = arguments
            rest.positional = Array(arguments.positional.dropFirst(2))
            var kept: [JinjaValue] = []
            for item in value.iterated() ?? [] {
                let field = self.attribute(of: item, attribute)
                let passes = try testName.map { name throws(JinjaError) in try test(field, name, rest) } ?? field.isTruthy
                if passes == (name == "selectattr") { kept.append(item) }
            }
            return .array(kept)
        case "int":
            if case .int = value { return value }
            if let number = value.number { return integer(number.rounded(.towardZero)) }
            return .int(value.string.flatMap { Int($0.text.trimmingCharacters(in: .whitespaces)) } ?? 0)
        case "float":
            if let number = value.number { return .double(number) }
            return .double(value.string.flatMap { Double($0.text.trimmingCharacters(in: .whitespaces)) } ?? 0)
        case "abs":
            if case .int(let number) = value, number != .min { return .int(abs(number)) }
            return .double(abs(value.number ?? 0))
        case "round":
            let digits = arguments.value(0, "precision").integer ?? 0
            let scale = pow(10, Double(digits))
            return .double(((value.number ?? 0) * scale).rounded() / scale)
        case "indent":
            let width = min(max(arguments.value(0, "width").integer ?? 4, 0), 64)
            let first = arguments.value(1, "first").isTruthy
            let pad = String(repeating: " ", count: width)
            return stringResult(value) { text in
                let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
                return lines.enumerated().map { index, line in
                    (index == 0 && !first) || line.isEmpty ? String(line) : pad + line
                }.joined(separator: "\n")
            }
        case "wordcount": return .int(value.rendered.text.split(whereSeparator: \.isWhitespace).count)
        case "batch", "slice":
            throw JinjaError("the filter \(name) is not supported", at: arguments.location)
        default:
            throw JinjaError("unknown filter \(name)", at: arguments.location)
        }
    }

    /// `map`, `select` and `reject`, which apply another filter or test to each item.
    static func higherOrder(
        _ name: String, _ value: JinjaValue, _ arguments: JinjaArguments,
        filter: (JinjaValue, String, JinjaArguments) throws(JinjaError) -> JinjaValue
    ) throws(JinjaError) -> JinjaValue {
        let items = value.iterated() ?? []
        if name == "map" {
            if let attribute = arguments.value(-1, "attribute").string?.text {
                let fallback = arguments.value(-1, "default")
                return .array(items.map { item in
                    let field = self.attribute(of: item, attribute)
                    return field.isUndefined && !fallback.isUndefined ? fallback : field
                })
            }
            guard let filterName = arguments.value(0).string?.text else { return .array(items) }
            var rest = arguments
            rest.positional = Array(arguments.positional.dropFirst())
            var mapped: [JinjaValue] = []
            for item in items { mapped.append(try filter(item, filterName, rest)) }
            return .array(mapped)
        }
        let testName = arguments.value(0).string?.text
        var rest = arguments
        rest.positional = Array(arguments.positional.dropFirst())
        var kept: [JinjaValue] = []
        for item in items {
            let passes = try testName.map { test throws(JinjaError) in try self.test(item, test, rest) } ?? item.isTruthy
            if passes == (name == "select") { kept.append(item) }
        }
        return .array(kept)
    }

    private static func stringResult(_ value: JinjaValue, _ transform: (String) -> String) -> JinjaValue {
        if case .string(let text) = value { return .string(text.mapped(transform)) }
        return .text(transform(value.rendered.text))
    }

    // MARK: - Methods

    /// A Python method of a string, list or dict, bound to it.
    static func method(of value: JinjaValue, _ name: String) -> JinjaValue? {
        let bound: ((JinjaArguments) throws(JinjaError) -> JinjaValue)?
        switch value {
        case .string(let text): bound = stringMethod(text, name)
        case .list(let list): bound = listMethod(list, name)
        case .dict(let dict): bound = dictMethod(dict, name)
        default: bound = nil
        }
        return bound.map { .function(JinjaFunction(name, $0)) }
    }

    private static func stringMethod(_ text: JinjaString, _ name: String) -> ((JinjaArguments) throws(JinjaError) -> JinjaValue)? {
        let string = text.text
        func characters(_ arguments: JinjaArguments) -> CharacterSet {
            arguments.value(0).string.map { CharacterSet(charactersIn: $0.text) } ?? .whitespacesAndNewlines
        }
        switch name {
        case "strip":
            return { arguments in .string(text.mapped { $0.trimmingCharacters(in: characters(arguments)) }) }
        case "lstrip":
            return { arguments in
                .string(text.mapped { String($0.unicodeScalars.drop { characters(arguments).contains($0) }) })
            }
        case "rstrip":
            return { arguments in
                .string(text.mapped { String(String.UnicodeScalarView($0.unicodeScalars.reversed().drop { characters(arguments).contains($0) }.reversed())) })
            }
        case "upper": return { _ in .string(text.mapped { $0.uppercased() }) }
        case "lower": return { _ in .string(text.mapped { $0.lowercased() }) }
        case "title": return { _ in .string(text.mapped { $0.capitalized }) }
        case "capitalize": return { _ in .string(text.mapped { $0.prefix(1).uppercased() + $0.dropFirst().lowercased() }) }
        case "startswith":
            return { arguments in
                let prefixes = arguments.value(0).iterated().flatMap { arguments.value(0).string == nil ? $0 : nil } ?? [arguments.value(0)]
                return .bool(prefixes.contains { $0.string.map { string.hasPrefix($0.text) } ?? false })
            }
        case "endswith":
            return { arguments in
                let suffixes = arguments.value(0).iterated().flatMap { arguments.value(0).string == nil ? $0 : nil } ?? [arguments.value(0)]
                return .bool(suffixes.contains { $0.string.map { string.hasSuffix($0.text) } ?? false })
            }
        case "split":
            return { arguments in
                let limit = arguments.value(1, "maxsplit").integer ?? -1
                let parts: [String]
                if let separator = arguments.value(0, "sep").string?.text, !separator.isEmpty {
                    parts = split(string, separator, limit: limit)
                } else {
                    parts = string.split(whereSeparator: \.isWhitespace).map(String.init)
                }
                return .array(parts.map { .text($0, isInput: text.isInput) })
            }
        case "replace":
            return { arguments in
                guard let old = arguments.value(0).string?.text, let new = arguments.value(1).string else { return .string(text) }
                return .string(JinjaString(string.replacingOccurrences(of: old, with: new.text), isInput: text.isInput && new.isInput))
            }
        case "find":
            return { arguments in
                guard let needle = arguments.value(0).string?.text, let range = string.range(of: needle) else { return .int(-1) }
                return .int(string.distance(from: string.startIndex, to: range.lowerBound))
            }
        case "count":
            return { arguments in
                guard let needle = arguments.value(0).string?.text, !needle.isEmpty else { return .int(0) }
                return .int(string.components(separatedBy: needle).count - 1)
            }
        case "join":
            return { arguments in
                var result = JinjaString("")
                for (index, item) in (arguments.value(0).iterated() ?? []).enumerated() {
                    if index > 0 { result = result + text }
                    result = result + item.rendered
                }
                return .string(result)
            }
        case "format":
            return { arguments in
                var positional = arguments.positional.makeIterator()
                var output = ""
                var rest = Substring(string)
                while let open = rest.firstIndex(of: "{") {
                    output += rest[..<open]
                    guard let close = rest[open...].firstIndex(of: "}") else { break }
                    let field = String(rest[rest.index(after: open)..<close])
                    let value = field.isEmpty ? positional.next() ?? .undefined
                        : arguments.keywords.first { $0.0 == field }?.1 ?? Int(field).map { arguments.value($0) } ?? .undefined
                    output += value.rendered.text
                    rest = rest[rest.index(after: close)...]
                }
                return .text(output + rest)
            }
        default: return nil
        }
    }

    /// Python's `str.split(sep, maxsplit)`.
    private static func split(_ text: String, _ separator: String, limit: Int) -> [String] {
        var parts: [String] = []
        var rest = Substring(text)
        while limit < 0 || parts.count < limit, let range = rest.range(of: separator) {
            parts.append(String(rest[..<range.lowerBound]))
            rest = rest[range.upperBound...]
        }
        parts.append(String(rest))
        return parts
    }

    private static func listMethod(_ list: JinjaList, _ name: String) -> ((JinjaArguments) throws(JinjaError) -> JinjaValue)? {
        switch name {
        case "append":
            return { arguments in
                list.items.append(arguments.value(0))
                return .none
            }
        case "pop":
            return { arguments in
                guard !list.items.isEmpty else { return .undefined }
                let index = arguments.value(0).integer.map { $0 < 0 ? list.items.count + $0 : $0 } ?? list.items.count - 1
                return list.items.indices.contains(index) ? list.items.remove(at: index) : .undefined
            }
        case "index":
            return { arguments in .int(list.items.firstIndex(of: arguments.value(0)) ?? -1) }
        default: return nil
        }
    }

    private static func dictMethod(_ dict: JinjaDict, _ name: String) -> ((JinjaArguments) throws(JinjaError) -> JinjaValue)? {
        switch name {
        case "get":
            return { arguments in
                let key = arguments.value(0).rendered.text
                let fallback = arguments.value(1, "default")
                return dict[key] ?? (fallback.isUndefined ? .none : fallback)
            }
        case "items": return { _ in .array(JinjaValue.dict(dict).keyedPairs ?? []) }
        case "keys": return { _ in .array(dict.keys.map { dict.key($0) }) }
        case "values": return { _ in .array(dict.pairs.map(\.1)) }
        case "update":
            return { arguments in
                if case .dict(let other) = arguments.value(0) { for (key, value) in other.pairs { dict.set(other.key(key), value) } }
                for (key, value) in arguments.keywords { dict[key] = value }
                return .none
            }
        case "copy": return { _ in .dict(JinjaDict(dict.pairs)) }
        case "pop":
            return { arguments in
                let key = arguments.value(0).rendered.text
                let value = dict[key] ?? arguments.value(1)
                dict[key] = nil
                return value
            }
        default: return nil
        }
    }
}

extension JinjaValue {
    /// A dict's pairs, in order.
    var dictPairs: [(String, JinjaValue)]? { if case .dict(let dict) = self { dict.pairs } else { nil } }

    /// A dict's entries as `[key, value]` lists, keys as written.
    var keyedPairs: [JinjaValue]? {
        guard case .dict(let dict) = self else { return nil }
        return dict.pairs.map { .array([dict.key($0.0), $0.1]) }
    }

    /// Every string inside came from the conversation (a tool result's JSON, say).
    var containsOnlyInput: Bool { containsOnlyInput(depth: 0) }

    private func containsOnlyInput(depth: Int) -> Bool {
        guard depth < JinjaValue.maximumNesting else { return false }
        switch self {
        case .string(let text): return text.isInput
        case .list(let list): return !list.items.isEmpty && list.items.allSatisfy { $0.containsOnlyInput(depth: depth + 1) }
        case .dict(let dict): return !dict.keys.isEmpty && dict.pairs.allSatisfy { $0.1.containsOnlyInput(depth: depth + 1) }
        default: return false
        }
    }
}
