import Foundation

/// Why an expression could not be evaluated, with the character offset it was found at.
public enum CalculatorError: Error, Equatable, Sendable, CustomStringConvertible {
    case unexpected(String, at: Int)
    case unknownName(String, at: Int)
    case argumentCount(function: String, expected: String, found: Int)
    case divisionByZero(at: Int)
    case notFinite
    case tooDeep

    public var description: String {
        switch self {
        case .unexpected(let what, let at): "unexpected \(what) at character \(at + 1)"
        case .unknownName(let name, let at): "unknown name \(name) at character \(at + 1)"
        case .argumentCount(let function, let expected, let found): "\(function) takes \(expected) arguments, got \(found)"
        case .divisionByZero(let at): "division by zero at character \(at + 1)"
        case .notFinite: "the result is not a finite number"
        case .tooDeep: "the expression nests too deeply"
        }
    }
}

/// Arithmetic for the calculator tool, parsed here and never handed to an evaluator of
/// code: numbers, `+ - * / ^`, `%` (remainder between two numbers, percent after one:
/// `200 * 15%` is 30), parentheses, the constants `pi` and `e`, and the functions sqrt,
/// abs, exp, ln, log (base 10), log2, sin, cos, tan, asin, acos, atan, floor, ceil, round,
/// min and max. `^` binds tighter than a leading minus and is right-associative.
public struct Calculator: Sendable {
    public init() {}

    /// The value of `expression`.
    public func evaluate(_ expression: String) throws(CalculatorError) -> Double {
        var parser = Parser(characters: Array(expression))
        let value = try parser.expression(depth: 0)
        parser.skipSpaces()
        if parser.index < parser.characters.count {
            throw .unexpected("'\(parser.characters[parser.index])'", at: parser.index)
        }
        guard value.isFinite else { throw .notFinite }
        return value
    }

    /// A result as people write it: integers without a decimal point, others to 12
    /// significant digits.
    public static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(format: "%.12g", value)
    }

    private struct Parser {
        let characters: [Character]
        var index = 0
        static let maximumDepth = 64

        mutating func skipSpaces() {
            while index < characters.count, characters[index].isWhitespace { index += 1 }
        }

        mutating func peek() -> Character? {
            skipSpaces()
            return index < characters.count ? characters[index] : nil
        }

        mutating func expression(depth: Int) throws(CalculatorError) -> Double {
            guard depth < Self.maximumDepth else { throw .tooDeep }
            var value = try term(depth: depth)
            while let next = peek(), next == "+" || next == "-" {
                index += 1
                let right = try term(depth: depth)
                value = next == "+" ? value + right : value - right
            }
            return value
        }

        mutating func term(depth: Int) throws(CalculatorError) -> Double {
            var value = try unary(depth: depth)
            while let next = peek(), "*/%".contains(next) {
                let position = index
                index += 1
                if next == "%" && !startsOperand() {
                    value /= 100  // percent: nothing to divide by follows
                    continue
                }
                let right = try unary(depth: depth)
                switch next {
                case "*": value *= right
                case "/":
                    guard right != 0 else { throw .divisionByZero(at: position) }
                    value /= right
                default:
                    guard right != 0 else { throw .divisionByZero(at: position) }
                    value = value.truncatingRemainder(dividingBy: right)
                }
            }
            return value
        }

        mutating func startsOperand() -> Bool {
            guard let next = peek() else { return false }
            return next.isNumber || next.isLetter || next == "(" || next == "." || next == "-" || next == "+"
        }

        mutating func unary(depth: Int) throws(CalculatorError) -> Double {
            guard depth < Self.maximumDepth else { throw .tooDeep }
            if let next = peek(), next == "-" || next == "+" {
                index += 1
                let value = try unary(depth: depth + 1)
                return next == "-" ? -value : value
            }
            return try power(depth: depth)
        }

        mutating func power(depth: Int) throws(CalculatorError) -> Double {
            let base = try primary(depth: depth)
            guard peek() == "^" else { return base }
            index += 1
            return Foundation.pow(base, try unary(depth: depth + 1))
        }

        mutating func primary(depth: Int) throws(CalculatorError) -> Double {
            guard let next = peek() else { throw .unexpected("end of expression", at: index) }
            if next == "(" {
                index += 1
                let value = try expression(depth: depth + 1)
                guard peek() == ")" else { throw .unexpected(peek().map { "'\($0)'" } ?? "end of expression, expected ')'", at: index) }
                index += 1
                return value
            }
            if next.isNumber || next == "." { return try number() }
            if next.isLetter { return try name(depth: depth) }
            throw .unexpected("'\(next)'", at: index)
        }

        mutating func number() throws(CalculatorError) -> Double {
            let start = index
            while index < characters.count, characters[index].isNumber || characters[index] == "." { index += 1 }
            if index < characters.count, characters[index] == "e" || characters[index] == "E" {
                var lookahead = index + 1
                if lookahead < characters.count, characters[lookahead] == "-" || characters[lookahead] == "+" { lookahead += 1 }
                if lookahead < characters.count, characters[lookahead].isNumber {
                    index = lookahead
                    while index < characters.count, characters[index].isNumber { index += 1 }
                }
            }
            guard let value = Double(String(characters[start..<index])) else {
                throw .unexpected("number \(String(characters[start..<index]))", at: start)
            }
            return value
        }

        mutating func name(depth: Int) throws(CalculatorError) -> Double {
            let start = index
            while index < characters.count, characters[index].isLetter || characters[index].isNumber { index += 1 }
            let name = String(characters[start..<index]).lowercased()
            guard peek() == "(" else {
                switch name {
                case "pi": return Double.pi
                case "e": return M_E
                default: throw .unknownName(name, at: start)
                }
            }
            index += 1
            var arguments: [Double] = []
            if peek() != ")" {
                arguments.append(try expression(depth: depth + 1))
                while peek() == "," {
                    index += 1
                    arguments.append(try expression(depth: depth + 1))
                }
            }
            guard peek() == ")" else { throw .unexpected(peek().map { "'\($0)'" } ?? "end of expression, expected ')'", at: index) }
            index += 1
            return try apply(name, arguments, at: start)
        }

        func apply(_ name: String, _ arguments: [Double], at position: Int) throws(CalculatorError) -> Double {
            let single: [String: (Double) -> Double] = [
                "sqrt": { $0.squareRoot() }, "abs": { Swift.abs($0) }, "exp": { Foundation.exp($0) },
                "ln": { Foundation.log($0) }, "log": { Foundation.log10($0) }, "log2": { Foundation.log2($0) },
                "sin": { Foundation.sin($0) }, "cos": { Foundation.cos($0) }, "tan": { Foundation.tan($0) },
                "asin": { Foundation.asin($0) }, "acos": { Foundation.acos($0) }, "atan": { Foundation.atan($0) },
                "floor": { $0.rounded(.down) }, "ceil": { $0.rounded(.up) },
                "round": { $0.rounded(.toNearestOrAwayFromZero) },
            ]
            if let function = single[name] {
                guard arguments.count == 1 else { throw .argumentCount(function: name, expected: "1", found: arguments.count) }
                return function(arguments[0])
            }
            if name == "min" || name == "max" {
                guard !arguments.isEmpty else { throw .argumentCount(function: name, expected: "1 or more", found: 0) }
                return name == "min" ? arguments.min()! : arguments.max()!
            }
            throw .unknownName(name, at: position)
        }
    }
}
