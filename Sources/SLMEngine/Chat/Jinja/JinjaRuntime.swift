import Foundation

/// Runs parsed nodes against variables and collects the output, keeping track of which
/// text came from the conversation.
final class JinjaRuntime {
    /// What a template may take: a template comes inside a model file, which may be hostile,
    /// so a runaway one ends with an error instead of a hang, a crash or all memory.
    enum Limits {
        static let outputBytes = 8 << 20
        static let steps = 200_000
        static let macroDepth = 64
        static let rangeLength = 100_000
    }

    private var scopes: [[String: JinjaValue]]
    private var steps = 0
    private var macroDepth = 0
    private(set) var output = JinjaString("")
    /// The moment `strftime_now` reads.
    private let now: Date

    private enum LoopControl: Error { case breakLoop, continueLoop }

    init(globals: [String: JinjaValue], now: Date) {
        scopes = [globals]
        self.now = now
        define("raise_exception") { arguments throws(JinjaError) in
            throw JinjaError("the template refused: \(arguments.value(0).rendered.text)", at: arguments.location)
        }
        define("namespace") { arguments in
            .dict(JinjaDict(arguments.keywords + (arguments.value(0).dictPairs ?? [])))
        }
        define("dict") { arguments in .dict(JinjaDict((arguments.value(0).dictPairs ?? []) + arguments.keywords)) }
        define("range") { arguments throws(JinjaError) in
            let numbers = arguments.positional.compactMap(\.integer)
            guard numbers.count == arguments.positional.count, (1...3).contains(numbers.count) else {
                throw JinjaError("range takes one to three whole numbers", at: arguments.location)
            }
            let (start, stop, step) = numbers.count == 1 ? (0, numbers[0], 1)
                : (numbers[0], numbers[1], numbers.count == 3 ? numbers[2] : 1)
            guard step != 0 else { throw JinjaError("range step must not be 0", at: arguments.location) }
            let length = (Double(stop) - Double(start)) / Double(step)
            guard length <= Double(Limits.rangeLength) else {
                throw JinjaError("range of more than \(Limits.rangeLength) numbers", at: arguments.location)
            }
            return .array(Swift.stride(from: start, to: stop, by: step).map { .int($0) })
        }
        define("strftime_now") { [now] arguments in
            .text(Self.strftime(arguments.value(0).rendered.text, now))
        }
    }

    private func define(_ name: String, _ call: @escaping (JinjaArguments) throws(JinjaError) -> JinjaValue) {
        scopes[0][name] = .function(JinjaFunction(name, call))
    }

    // MARK: - Nodes

    func run(_ nodes: [JinjaNode]) throws(JinjaError) {
        do {
            try execute(nodes)
        } catch let error as JinjaError {
            throw error
        } catch {
            throw JinjaError("{% break %} or {% continue %} outside a loop")
        }
    }

    private func execute(_ nodes: [JinjaNode]) throws {
        for node in nodes { try execute(node) }
    }

    private func execute(_ node: JinjaNode) throws {
        steps += 1
        guard steps <= Limits.steps else { throw JinjaError("the template runs for too long (over \(Limits.steps) steps)") }
        switch node {
        case .text(let text):
            output.append(JinjaString.Part(text: text, isInput: false))
        case .output(let expression):
            output = output + (try evaluate(expression)).rendered
            guard output.byteCount <= Limits.outputBytes else {
                throw JinjaError("the template writes more than \(Limits.outputBytes) bytes")
            }
        case .conditional(let branches, let otherwise):
            for (condition, body) in branches where try evaluate(condition).isTruthy {
                return try execute(body)
            }
            try execute(otherwise)
        case .loop(let loop):
            try run(loop)
        case .assign(let target, let expression, let location):
            let value = try evaluate(expression)
            switch target {
            case .names(let names) where names.count == 1:
                scopes[scopes.count - 1][names[0]] = value
            case .names(let names):
                guard let items = value.iterated(), items.count == names.count else {
                    throw JinjaError("cannot unpack into \(names.count) names", at: location)
                }
                for (name, item) in zip(names, items) { scopes[scopes.count - 1][name] = item }
            case .attribute(let object, let attribute):
                guard case .dict(let dict) = lookup(object) else {
                    throw JinjaError("cannot set \(attribute) on \(object), which is not a namespace", at: location)
                }
                dict[attribute] = value
            }
        case .assignBlock(let name, let body):
            let saved = output
            output = JinjaString("")
            try execute(body)
            let captured = output
            output = saved
            scopes[scopes.count - 1][name] = .string(captured)
        case .macro(let macro):
            scopes[scopes.count - 1][macro.name] = .function(makeMacro(macro))
        case .filterBlock(let name, let arguments, let body, let location):
            let saved = output
            output = JinjaString("")
            try execute(body)
            let captured = output
            output = saved
            output = output + (try filter(.string(captured), name, arguments, location)).rendered
        case .breakLoop: throw LoopControl.breakLoop
        case .continueLoop: throw LoopControl.continueLoop
        }
    }

    private func run(_ loop: JinjaLoop) throws {
        let iterable = try evaluate(loop.iterable)
        guard var items = iterable.iterated() else {
            throw JinjaError("cannot loop over a \(iterable.typeName)", at: loop.location)
        }
        if case .dict = iterable, loop.targets.count == 2 {
            // `for k, v in dict` (without .items()) gives the pairs, as the reference does
            items = iterable.keyedPairs ?? items
        }
        if let condition = loop.condition {
            items = try items.filter { item throws in
                scopes.append([:])
                defer { scopes.removeLast() }
                try bind(loop.targets, to: item, at: loop.location)
                return try evaluate(condition).isTruthy
            }
        }
        guard !items.isEmpty else { return try execute(loop.otherwise) }
        for (index, item) in items.enumerated() {
            steps += 1
            guard steps <= Limits.steps else { throw JinjaError("the template runs for too long", at: loop.location) }
            scopes.append([:])
            defer { scopes.removeLast() }
            try bind(loop.targets, to: item, at: loop.location)
            scopes[scopes.count - 1]["loop"] = .dict(JinjaDict([
                ("index", .int(index + 1)), ("index0", .int(index)), ("revindex", .int(items.count - index)),
                ("revindex0", .int(items.count - index - 1)), ("first", .bool(index == 0)),
                ("last", .bool(index == items.count - 1)), ("length", .int(items.count)),
                ("previtem", index > 0 ? items[index - 1] : .undefined),
                ("nextitem", index + 1 < items.count ? items[index + 1] : .undefined),
                ("cycle", .function(JinjaFunction("cycle") { arguments in
                    arguments.positional.isEmpty ? .undefined : arguments.positional[index % arguments.positional.count]
                })),
            ]))
            do {
                try execute(loop.body)
            } catch LoopControl.breakLoop {
                break
            } catch LoopControl.continueLoop {
                continue
            }
        }
    }

    private func bind(_ targets: [String], to item: JinjaValue, at location: JinjaLocation) throws {
        if targets.count == 1 {
            scopes[scopes.count - 1][targets[0]] = item
            return
        }
        guard let parts = item.iterated(), parts.count == targets.count else {
            throw JinjaError("cannot unpack a \(item.typeName) into \(targets.count) names", at: location)
        }
        for (name, part) in zip(targets, parts) { scopes[scopes.count - 1][name] = part }
    }

    private func makeMacro(_ macro: JinjaMacro) -> JinjaFunction {
        JinjaFunction(macro.name) { [unowned self] arguments throws(JinjaError) in
            guard macroDepth < Limits.macroDepth else {
                throw JinjaError("macro \(macro.name) calls itself more than \(Limits.macroDepth) deep", at: arguments.location)
            }
            macroDepth += 1
            defer { macroDepth -= 1 }
            var scope: [String: JinjaValue] = [:]
            for (index, (name, fallback)) in macro.parameters.enumerated() {
                let given = arguments.value(index, name)
                scope[name] = given.isUndefined ? try fallback.map { expression throws(JinjaError) in try evaluate(expression) }
                    ?? .undefined : given
            }
            let saved = output
            output = JinjaString("")
            // a macro sees the template's globals and its own arguments
            let outer = scopes
            scopes = [scopes[0], scope]
            defer {
                scopes = outer
            }
            do {
                try execute(macro.body)
            } catch let error as JinjaError {
                output = saved
                throw error
            } catch {
                output = saved
                throw JinjaError("{% break %} outside a loop in macro \(macro.name)", at: arguments.location)
            }
            let result = output
            output = saved
            return .string(result)
        }
    }

    private func lookup(_ name: String) -> JinjaValue {
        for scope in scopes.reversed() {
            if let value = scope[name] { return value }
        }
        return .undefined
    }

    // MARK: - Expressions

    /// An expression's value; a string grown past the output limit (`s + s` in a loop) is
    /// an error before it takes all memory.
    func evaluate(_ expression: JinjaExpression) throws(JinjaError) -> JinjaValue {
        let value = try evaluateExpression(expression)
        if case .string(let text) = value, text.byteCount > Limits.outputBytes {
            throw JinjaError("a string longer than \(Limits.outputBytes) bytes")
        }
        return value
    }

    private func evaluateExpression(_ expression: JinjaExpression) throws(JinjaError) -> JinjaValue {
        switch expression {
        case .literal(let value): return value
        case .name(let name, _): return lookup(name)
        case .list(let items):
            var values: [JinjaValue] = []
            for item in items { values.append(try evaluate(item)) }
            return .array(values)
        case .dict(let pairs):
            let dict = JinjaDict()
            for (key, value) in pairs { dict.set(try evaluate(key), try evaluate(value)) }
            return .dict(dict)
        case .attribute(let base, let name, _):
            return JinjaBuiltins.attribute(of: try evaluate(base), name)
        case .item(let base, let key, let location):
            return try JinjaBuiltins.item(of: try evaluate(base), try evaluate(key), at: location)
        case .slice(let base, let start, let stop, let step):
            let value = try evaluate(base)
            let bounds = (try start.map { e throws(JinjaError) in try evaluate(e).integer } ?? nil,
                          try stop.map { e throws(JinjaError) in try evaluate(e).integer } ?? nil,
                          try step.map { e throws(JinjaError) in try evaluate(e).integer } ?? nil)
            return JinjaBuiltins.slice(value, start: bounds.0, stop: bounds.1, step: bounds.2)
        case .call(let callee, let arguments, let location):
            let function = try evaluate(callee)
            guard case .function(let body) = function else {
                throw JinjaError("cannot call a \(function.typeName)", at: location)
            }
            return try body.call(try evaluate(arguments, at: location))
        case .filter(let base, let name, let arguments, let location):
            return try filter(try evaluate(base), name, arguments, location)
        case .test(let base, let name, let arguments, let negated, let location):
            let value = try evaluate(base)
            let result = try JinjaBuiltins.test(value, name, try evaluate(arguments, at: location))
            return .bool(result != negated)
        case .not(let operand): return .bool(!(try evaluate(operand).isTruthy))
        case .negative(let operand):
            let value = try evaluate(operand)
            switch value {
            case .int(let number): return number == .min ? .double(-Double(number)) : .int(-number)
            case .double(let number): return .double(-number)
            default: throw JinjaError("cannot negate a \(value.typeName)")
            }
        case .binary(let symbol, let left, let right, let location):
            let first = try evaluate(left)
            if symbol == "and" { return first.isTruthy ? try evaluate(right) : first }
            if symbol == "or" { return first.isTruthy ? first : try evaluate(right) }
            return try JinjaBuiltins.binary(symbol, first, try evaluate(right), at: location)
        case .conditional(let value, let condition, let otherwise):
            if try evaluate(condition).isTruthy { return try evaluate(value) }
            return try otherwise.map { e throws(JinjaError) in try evaluate(e) } ?? .undefined
        }
    }

    private func evaluate(_ arguments: JinjaCallArguments, at location: JinjaLocation) throws(JinjaError) -> JinjaArguments {
        var positional: [JinjaValue] = []
        for argument in arguments.positional { positional.append(try evaluate(argument)) }
        var keywords: [(String, JinjaValue)] = []
        for (name, argument) in arguments.keywords { keywords.append((name, try evaluate(argument))) }
        return JinjaArguments(positional: positional, keywords: keywords, location: location)
    }

    private func filter(_ value: JinjaValue, _ name: String, _ arguments: JinjaCallArguments, _ location: JinjaLocation)
        throws(JinjaError) -> JinjaValue
    {
        let evaluated = try evaluate(arguments, at: location)
        if name == "map" || name == "select" || name == "reject" {
            // these call another filter or test by name
            return try JinjaBuiltins.higherOrder(name, value, evaluated) { item, filterName, rest throws(JinjaError) in
                try JinjaBuiltins.filter(item, filterName, rest)
            }
        }
        return try JinjaBuiltins.filter(value, name, evaluated)
    }

    /// `strftime` for the codes templates use: `%d %b %Y`, `%Y-%m-%d`, `%B`, `%A`…
    static func strftime(_ format: String, _ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        return JinjaBuiltins.replacingPercentCodes(format) { code in
            let pattern: String? = switch code {
            case "d": "dd"
            case "m": "MM"
            case "Y": "yyyy"
            case "y": "yy"
            case "b": "MMM"
            case "B": "MMMM"
            case "a": "EEE"
            case "A": "EEEE"
            case "H": "HH"
            case "M": "mm"
            case "S": "ss"
            case "p": "a"
            case "I": "hh"
            case "j": "DDD"
            default: nil
            }
            guard let pattern else { return "%" + String(code) }
            formatter.dateFormat = pattern
            return formatter.string(from: date)
        }
    }
}
