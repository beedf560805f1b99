/// Turns a template's tokens into nodes: statements with their blocks, and expressions
/// with Jinja's precedence (conditional, or, and, not, comparisons, + -, ~, * / // %, **,
/// unary minus, then calls, attributes, subscripts, filters and `is` tests).
struct JinjaParser {
    private let tokens: [JinjaLexer.Token]
    private var index = 0
    /// How deep expressions and blocks nest now; bounded, as a template from a model file
    /// may be hostile and each level takes stack.
    private var depth = 0
    private static let maximumDepth = 200

    private mutating func enter() throws(JinjaError) {
        depth += 1
        guard depth <= Self.maximumDepth else { throw JinjaError("nested more than \(Self.maximumDepth) deep", at: location) }
    }

    static func parse(_ source: String) throws(JinjaError) -> [JinjaNode] {
        var parser = JinjaParser(tokens: try JinjaLexer.tokens(source))
        let (nodes, end) = try parser.nodes(until: [])
        if let end { throw JinjaError("unexpected {% \(end) %}", at: parser.previousLocation) }
        return nodes
    }

    private init(tokens: [JinjaLexer.Token]) { self.tokens = tokens }

    private var current: JinjaLexer.Kind? { index < tokens.count ? tokens[index].kind : nil }
    private var location: JinjaLocation { index < tokens.count ? tokens[index].location : previousLocation }
    private var previousLocation: JinjaLocation {
        tokens.isEmpty ? JinjaLocation(line: 1, column: 1) : tokens[max(0, min(index, tokens.count) - 1)].location
    }

    // MARK: - Statements

    /// Nodes up to a `{% name %}` whose name is in `ends` (consumed up to the name);
    /// returns that name, or nil at the end of the template.
    private mutating func nodes(until ends: Set<String>) throws(JinjaError) -> ([JinjaNode], String?) {
        var nodes: [JinjaNode] = []
        while let kind = current {
            switch kind {
            case .text(let text):
                index += 1
                nodes.append(.text(text))
            case .openExpression:
                index += 1
                nodes.append(.output(try expression()))
                try expect(.closeExpression, "}}")
            case .openStatement:
                guard case .name(let word)? = peek(1) else { throw JinjaError("a statement needs a name", at: location) }
                if ends.contains(word) {
                    index += 2
                    return (nodes, word)
                }
                index += 2
                if let node = try statement(word) { nodes.append(node) }
            default:
                throw JinjaError("unexpected token", at: location)
            }
        }
        return (nodes, nil)
    }

    private func peek(_ offset: Int) -> JinjaLexer.Kind? {
        index + offset < tokens.count ? tokens[index + offset].kind : nil
    }

    private mutating func statement(_ word: String) throws(JinjaError) -> JinjaNode? {
        try enter()
        defer { depth -= 1 }
        let start = previousLocation
        switch word {
        case "if":
            var branches = [(try expression(), [JinjaNode]())]
            try expect(.closeStatement, "%}")
            var otherwise: [JinjaNode] = []
            while true {
                let (body, end) = try nodes(until: ["elif", "else", "endif"])
                switch end {
                case "elif":
                    branches[branches.count - 1].1 = body
                    branches.append((try expression(), []))
                    try expect(.closeStatement, "%}")
                case "else":
                    branches[branches.count - 1].1 = body
                    try expect(.closeStatement, "%}")
                    let (rest, last) = try nodes(until: ["endif"])
                    guard last == "endif" else { throw JinjaError("{% if %} is never closed", at: start) }
                    otherwise = rest
                    try expect(.closeStatement, "%}")
                    return .conditional(branches, otherwise: otherwise)
                case "endif":
                    branches[branches.count - 1].1 = body
                    try expect(.closeStatement, "%}")
                    return .conditional(branches, otherwise: otherwise)
                default:
                    throw JinjaError("{% if %} is never closed", at: start)
                }
            }
        case "for":
            var targets = [try name()]
            while take(.symbol(",")) { targets.append(try name()) }
            guard take(.name("in")) else { throw JinjaError("expected `in` in {% for %}", at: location) }
            let iterable = try orExpression()
            let condition = take(.name("if")) ? try orExpression() : nil
            _ = take(.name("recursive"))
            try expect(.closeStatement, "%}")
            let (body, end) = try nodes(until: ["else", "endfor"])
            var otherwise: [JinjaNode] = []
            if end == "else" {
                try expect(.closeStatement, "%}")
                let (rest, last) = try nodes(until: ["endfor"])
                guard last == "endfor" else { throw JinjaError("{% for %} is never closed", at: start) }
                otherwise = rest
            } else if end != "endfor" {
                throw JinjaError("{% for %} is never closed", at: start)
            }
            try expect(.closeStatement, "%}")
            return .loop(JinjaLoop(targets: targets, iterable: iterable, condition: condition, body: body,
                                   otherwise: otherwise, location: start))
        case "set":
            let first = try name()
            if take(.symbol(".")) {
                let attribute = try name()
                try expect(.symbol("="), "=")
                let value = try expression()
                try expect(.closeStatement, "%}")
                return .assign(.attribute(first, attribute), value, start)
            }
            var names = [first]
            while take(.symbol(",")) { names.append(try name()) }
            if take(.symbol("=")) {
                let value = try tupleExpression()
                try expect(.closeStatement, "%}")
                return .assign(.names(names), value, start)
            }
            try expect(.closeStatement, "%}")
            let (body, end) = try nodes(until: ["endset"])
            guard end == "endset" else { throw JinjaError("{% set %} is never closed", at: start) }
            try expect(.closeStatement, "%}")
            return .assignBlock(first, body)
        case "macro":
            let macroName = try name()
            try expect(.symbol("("), "(")
            var parameters: [(String, JinjaExpression?)] = []
            while !take(.symbol(")")) {
                let parameter = try name()
                parameters.append((parameter, take(.symbol("=")) ? try expression() : nil))
                if !take(.symbol(",")) {
                    try expect(.symbol(")"), ")")
                    break
                }
            }
            try expect(.closeStatement, "%}")
            let (body, end) = try nodes(until: ["endmacro"])
            guard end == "endmacro" else { throw JinjaError("{% macro %} is never closed", at: start) }
            try expect(.closeStatement, "%}")
            return .macro(JinjaMacro(name: macroName, parameters: parameters, body: body))
        case "filter":
            let filterName = try name()
            let arguments = take(.symbol("(")) ? try callArguments() : JinjaCallArguments()
            try expect(.closeStatement, "%}")
            let (body, end) = try nodes(until: ["endfilter"])
            guard end == "endfilter" else { throw JinjaError("{% filter %} is never closed", at: start) }
            try expect(.closeStatement, "%}")
            return .filterBlock(filterName, arguments, body, start)
        case "generation":
            // Hugging Face's marker of the assistant's own text: its body renders as is
            try expect(.closeStatement, "%}")
            let (body, end) = try nodes(until: ["endgeneration"])
            guard end == "endgeneration" else { throw JinjaError("{% generation %} is never closed", at: start) }
            try expect(.closeStatement, "%}")
            return .conditional([(.literal(.bool(true)), body)], otherwise: [])
        case "break":
            try expect(.closeStatement, "%}")
            return .breakLoop
        case "continue":
            try expect(.closeStatement, "%}")
            return .continueLoop
        default:
            throw JinjaError("unknown statement {% \(word) %}", at: start)
        }
    }

    // MARK: - Expressions

    private mutating func tupleExpression() throws(JinjaError) -> JinjaExpression {
        let first = try expression()
        guard current == .symbol(",") else { return first }
        var items = [first]
        while take(.symbol(",")) { items.append(try expression()) }
        return .list(items)
    }

    mutating func expression() throws(JinjaError) -> JinjaExpression {
        try enter()
        defer { depth -= 1 }
        let value = try orExpression()
        guard take(.name("if")) else { return value }
        let condition = try orExpression()
        let otherwise = take(.name("else")) ? try expression() : nil
        return .conditional(value, condition: condition, otherwise: otherwise)
    }

    private mutating func orExpression() throws(JinjaError) -> JinjaExpression {
        var left = try andExpression()
        while current == .name("or") {
            let here = location
            index += 1
            left = .binary("or", left, try andExpression(), here)
        }
        return left
    }

    private mutating func andExpression() throws(JinjaError) -> JinjaExpression {
        var left = try notExpression()
        while current == .name("and") {
            let here = location
            index += 1
            left = .binary("and", left, try notExpression(), here)
        }
        return left
    }

    private mutating func notExpression() throws(JinjaError) -> JinjaExpression {
        if take(.name("not")) {
            try enter()
            defer { depth -= 1 }
            return .not(try notExpression())
        }
        return try comparison()
    }

    private mutating func comparison() throws(JinjaError) -> JinjaExpression {
        var left = try additive()
        while true {
            let here = location
            if case .symbol(let symbol)? = current, ["==", "!=", "<", ">", "<=", ">="].contains(symbol) {
                index += 1
                left = .binary(symbol, left, try additive(), here)
            } else if current == .name("in") {
                index += 1
                left = .binary("in", left, try additive(), here)
            } else if current == .name("not"), peek(1) == .name("in") {
                index += 2
                left = .not(.binary("in", left, try additive(), here))
            } else {
                return left
            }
        }
    }

    private mutating func additive() throws(JinjaError) -> JinjaExpression {
        var left = try concatenation()
        while case .symbol(let symbol)? = current, symbol == "+" || symbol == "-" {
            let here = location
            index += 1
            left = .binary(symbol, left, try concatenation(), here)
        }
        return left
    }

    private mutating func concatenation() throws(JinjaError) -> JinjaExpression {
        var left = try multiplicative()
        while current == .symbol("~") {
            let here = location
            index += 1
            left = .binary("~", left, try multiplicative(), here)
        }
        return left
    }

    private mutating func multiplicative() throws(JinjaError) -> JinjaExpression {
        var left = try power()
        while case .symbol(let symbol)? = current, ["*", "/", "//", "%"].contains(symbol) {
            let here = location
            index += 1
            left = .binary(symbol, left, try power(), here)
        }
        return left
    }

    private mutating func power() throws(JinjaError) -> JinjaExpression {
        var left = try unary()
        while current == .symbol("**") {
            let here = location
            index += 1
            left = .binary("**", left, try unary(), here)
        }
        return left
    }

    private mutating func unary() throws(JinjaError) -> JinjaExpression {
        if take(.symbol("-")) { return try filters(.negative(try unaryOperand())) }
        if take(.symbol("+")) { return try filters(try unaryOperand()) }
        return try filters(try postfix(try primary()))
    }

    private mutating func unaryOperand() throws(JinjaError) -> JinjaExpression {
        if take(.symbol("-")) {
            try enter()
            defer { depth -= 1 }
            return .negative(try unaryOperand())
        }
        return try postfix(try primary())
    }

    /// `| filter(args)` and `is [not] test(args)`, left to right.
    private mutating func filters(_ base: JinjaExpression) throws(JinjaError) -> JinjaExpression {
        var node = base
        while true {
            let here = location
            if take(.symbol("|")) {
                let filterName = try dottedName()
                let arguments = take(.symbol("(")) ? try callArguments() : JinjaCallArguments()
                node = .filter(node, filterName, arguments, here)
            } else if take(.name("is")) {
                let negated = take(.name("not"))
                let testName: String
                if case .name(let word)? = current {
                    testName = word
                    index += 1
                } else if case .symbol(let symbol)? = current, ["==", "!=", "<", ">", "<=", ">="].contains(symbol) {
                    testName = symbol
                    index += 1
                } else {
                    throw JinjaError("expected a test name after `is`", at: location)
                }
                var arguments = JinjaCallArguments()
                if take(.symbol("(")) {
                    arguments = try callArguments()
                } else if startsOperand {
                    // `is divisibleby 3`, `is sameas none`: one argument without parentheses
                    arguments.positional = [try postfix(try primary())]
                }
                node = .test(node, testName, arguments, negated: negated, here)
            } else {
                return node
            }
        }
    }

    /// The next token can begin a test's bare argument.
    private var startsOperand: Bool {
        switch current {
        case .string?, .integer?, .float?: true
        case .name(let word)?: !["and", "or", "if", "else", "not", "in", "is"].contains(word)
        default: false
        }
    }

    private mutating func dottedName() throws(JinjaError) -> String {
        var text = try name()
        while current == .symbol("."), case .name? = peek(1) {
            index += 1
            text += "." + (try name())
        }
        return text
    }

    private mutating func postfix(_ base: JinjaExpression) throws(JinjaError) -> JinjaExpression {
        var node = base
        while true {
            let here = location
            if take(.symbol(".")) {
                if case .integer(let number)? = current {
                    index += 1
                    node = .item(node, .literal(.int(number)), here)
                } else {
                    node = .attribute(node, try name(), here)
                }
            } else if take(.symbol("[")) {
                node = try subscriptOrSlice(node, here)
            } else if take(.symbol("(")) {
                node = .call(node, try callArguments(), here)
            } else {
                return node
            }
        }
    }

    private mutating func subscriptOrSlice(_ base: JinjaExpression, _ here: JinjaLocation) throws(JinjaError) -> JinjaExpression {
        var parts: [JinjaExpression?] = [nil]
        var isSlice = false
        while !take(.symbol("]")) {
            if take(.symbol(":")) {
                isSlice = true
                parts.append(nil)
                continue
            }
            guard parts[parts.count - 1] == nil else { throw JinjaError("expected ] or :", at: location) }
            parts[parts.count - 1] = try expression()
        }
        guard isSlice else {
            guard let key = parts[0] else { throw JinjaError("an empty subscript", at: here) }
            return .item(base, key, here)
        }
        return .slice(base, start: parts[0], stop: parts.count > 1 ? parts[1] : nil, step: parts.count > 2 ? parts[2] : nil)
    }

    /// After `(`: arguments up to `)`.
    private mutating func callArguments() throws(JinjaError) -> JinjaCallArguments {
        var arguments = JinjaCallArguments()
        while !take(.symbol(")")) {
            if case .name(let word)? = current, peek(1) == .symbol("=") {
                index += 2
                arguments.keywords.append((word, try expression()))
            } else {
                arguments.positional.append(try expression())
            }
            if !take(.symbol(",")) {
                try expect(.symbol(")"), ")")
                break
            }
        }
        return arguments
    }

    private mutating func primary() throws(JinjaError) -> JinjaExpression {
        let here = location
        guard let kind = current else { throw JinjaError("the template ends inside an expression", at: here) }
        index += 1
        switch kind {
        case .string(var text):
            // adjacent strings are one, as in Python
            while case .string(let more)? = current {
                text += more
                index += 1
            }
            return .literal(.text(text))
        case .integer(let number): return .literal(.int(number))
        case .float(let number): return .literal(.double(number))
        case .name(let word):
            switch word {
            case "true", "True": return .literal(.bool(true))
            case "false", "False": return .literal(.bool(false))
            case "none", "None": return .literal(.none)
            default: return .name(word, here)
            }
        case .symbol("("):
            if take(.symbol(")")) { return .list([]) }
            let first = try expression()
            if take(.symbol(")")) { return first }
            var items = [first]
            while take(.symbol(",")) {
                if current == .symbol(")") { break }
                items.append(try expression())
            }
            try expect(.symbol(")"), ")")
            return .list(items)
        case .symbol("["):
            var items: [JinjaExpression] = []
            while !take(.symbol("]")) {
                items.append(try expression())
                if !take(.symbol(",")) {
                    try expect(.symbol("]"), "]")
                    break
                }
            }
            return .list(items)
        case .symbol("{"):
            var pairs: [(JinjaExpression, JinjaExpression)] = []
            while !take(.symbol("}")) {
                let key = try expression()
                try expect(.symbol(":"), ":")
                pairs.append((key, try expression()))
                if !take(.symbol(",")) {
                    try expect(.symbol("}"), "}")
                    break
                }
            }
            return .dict(pairs)
        default:
            throw JinjaError("unexpected token in an expression", at: here)
        }
    }

    // MARK: - Tokens

    private mutating func take(_ kind: JinjaLexer.Kind) -> Bool {
        guard current == kind else { return false }
        index += 1
        return true
    }

    private mutating func expect(_ kind: JinjaLexer.Kind, _ spelled: String) throws(JinjaError) {
        guard take(kind) else { throw JinjaError("expected \(spelled)", at: location) }
    }

    private mutating func name() throws(JinjaError) -> String {
        guard case .name(let word)? = current else { throw JinjaError("expected a name", at: location) }
        index += 1
        return word
    }
}
