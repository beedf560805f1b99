import Foundation

/// A chat template in Jinja, as models ship it in `tokenizer.chat_template`: parsed once,
/// rendered for each prompt. The output keeps the conversation's own text apart from the
/// template's, so only the template can write special tokens.
///
/// ```swift
/// let template = try JinjaTemplate(source)
/// let text = try template.render(["messages": messages, "add_generation_prompt": .bool(true)])
/// ```
struct JinjaTemplate: @unchecked Sendable {
    private let nodes: [JinjaNode]

    init(_ source: String) throws(JinjaError) {
        nodes = try JinjaParser.parse(source)
    }

    /// Renders with `variables` as the template's globals.
    func render(_ variables: [String: JinjaValue], now: Date = Date()) throws(JinjaError) -> JinjaString {
        let runtime = JinjaRuntime(globals: variables, now: now)
        try runtime.run(nodes)
        return runtime.output
    }
}
