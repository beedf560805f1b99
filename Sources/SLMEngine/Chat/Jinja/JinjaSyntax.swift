/// An expression inside a template, as parsed.
indirect enum JinjaExpression {
    case literal(JinjaValue)
    case name(String, JinjaLocation)
    case list([JinjaExpression])
    case dict([(JinjaExpression, JinjaExpression)])
    case attribute(JinjaExpression, String, JinjaLocation)
    case item(JinjaExpression, JinjaExpression, JinjaLocation)
    case slice(JinjaExpression, start: JinjaExpression?, stop: JinjaExpression?, step: JinjaExpression?)
    case call(JinjaExpression, JinjaCallArguments, JinjaLocation)
    case filter(JinjaExpression, String, JinjaCallArguments, JinjaLocation)
    case test(JinjaExpression, String, JinjaCallArguments, negated: Bool, JinjaLocation)
    case not(JinjaExpression)
    case negative(JinjaExpression)
    case binary(String, JinjaExpression, JinjaExpression, JinjaLocation)
    case conditional(JinjaExpression, condition: JinjaExpression, otherwise: JinjaExpression?)
}

/// The arguments written in a call: positional, then `name=value`.
struct JinjaCallArguments {
    var positional: [JinjaExpression] = []
    var keywords: [(String, JinjaExpression)] = []
}

/// A piece of a template, as parsed.
indirect enum JinjaNode {
    case text(String)
    case output(JinjaExpression)
    case conditional([(JinjaExpression, [JinjaNode])], otherwise: [JinjaNode])
    case loop(JinjaLoop)
    case assign(JinjaAssignTarget, JinjaExpression, JinjaLocation)
    case assignBlock(String, [JinjaNode])
    case macro(JinjaMacro)
    case filterBlock(String, JinjaCallArguments, [JinjaNode], JinjaLocation)
    case breakLoop, continueLoop
}

/// `{% for a, b in items if condition %}…{% else %}…{% endfor %}`
struct JinjaLoop {
    let targets: [String]
    let iterable: JinjaExpression
    let condition: JinjaExpression?
    let body: [JinjaNode]
    let otherwise: [JinjaNode]
    let location: JinjaLocation
}

/// What `{% set … = … %}` assigns to.
enum JinjaAssignTarget {
    case names([String])
    /// `ns.attribute`: a namespace's (or dict's) entry.
    case attribute(String, String)
}

/// `{% macro name(a, b=1) %}…{% endmacro %}`
struct JinjaMacro {
    let name: String
    let parameters: [(String, JinjaExpression?)]
    let body: [JinjaNode]
}
