import Foundation

/// A model's own chat template (`tokenizer.chat_template`), run by the Jinja interpreter
/// the way llama.cpp runs it: the template's capabilities are found by trying it (does it
/// read a system message? tool calls? arguments as an object?), the conversation is
/// adjusted to them (a system message folded into the first user message, arguments given
/// as objects), and the template gets the same variables (`messages`, `tools`,
/// `add_generation_prompt`, `bos_token`, `eos_token`, `enable_thinking`, `date_string`).
///
/// ```swift
/// let template = try ModelChatTemplate(source: source, bosToken: "<s>", eosToken: "</s>")
/// let prompt = try template.render(ChatConversation(messages: [.init(role: "user", content: "Hi")]))
/// ```
public struct ModelChatTemplate: @unchecked Sendable {
    /// What a template does with the parts of a conversation.
    public struct Capabilities: Sendable, Equatable {
        public var systemRole = true
        public var tools = true
        public var toolCalls = true
        public var objectArguments = false
    }

    public let source: String
    public let capabilities: Capabilities
    private let template: JinjaTemplate
    private let bosToken: String
    private let eosToken: String
    /// The tokenizer adds BOS itself: a BOS the template writes first is dropped.
    private let addsBOS: Bool

    public init(source: String, bosToken: String, eosToken: String, addsBOS: Bool = true) throws(JinjaError) {
        self.source = source
        template = try JinjaTemplate(source)
        self.bosToken = bosToken
        self.eosToken = eosToken
        self.addsBOS = addsBOS
        capabilities = Self.probe(template, bosToken: bosToken, eosToken: eosToken)
    }

    /// The prompt for `conversation`: its text, and pieces in which only the template's
    /// own text may hold special tokens.
    public func render(_ conversation: ChatConversation, now: Date = Date()) throws(JinjaError) -> RenderedPrompt {
        let messages = Self.adjusted(conversation.messages, to: capabilities)
        var variables = Self.variables(messages: messages, tools: conversation.tools, markInput: true,
                                       objectArguments: capabilities.objectArguments)
        variables["bos_token"] = .text(bosToken)
        variables["eos_token"] = .text(eosToken)
        variables["enable_thinking"] = .bool(conversation.enableThinking)
        if conversation.addGenerationPrompt { variables["add_generation_prompt"] = .bool(true) }
        variables["date_string"] = .text(JinjaRuntime.strftime("%d %b %Y", now))
        variables["datetime"] = .text(JinjaRuntime.strftime("%b %d %Y", now))
        var output = try template.render(variables, now: now)
        if addsBOS, !bosToken.isEmpty, output.text.hasPrefix(bosToken) {
            output = JinjaString(parts: Self.dropPrefix(bosToken.count, of: output.parts))
        }
        return RenderedPrompt(parts: output.parts.map { ($0.text, $0.isInput) })
    }

    private static func dropPrefix(_ count: Int, of parts: [JinjaString.Part]) -> [JinjaString.Part] {
        var remaining = count
        var result: [JinjaString.Part] = []
        for var part in parts {
            if remaining > 0 {
                let taken = min(remaining, part.text.count)
                part.text = String(part.text.dropFirst(taken))
                remaining -= taken
            }
            if !part.text.isEmpty { result.append(part) }
        }
        return result
    }

    // MARK: - The conversation as the template's variables

    /// Messages as llama.cpp hands them to templates: role, content, then the optional
    /// fields; tool calls as `{type, function: {name, arguments}, id}`.
    static func variables(messages: [ChatConversation.Message], tools: [ChatConversation.Tool], markInput: Bool,
                          objectArguments: Bool) -> [String: JinjaValue] {
        func text(_ value: String) -> JinjaValue { .text(value, isInput: markInput) }
        let list: [JinjaValue] = messages.map { message in
            let dict = JinjaDict([("role", .text(message.role)), ("content", text(message.content))])
            if let reasoning = message.reasoning, !reasoning.isEmpty { dict["reasoning_content"] = text(reasoning) }
            if let name = message.toolName { dict["name"] = text(name) }
            if let id = message.toolCallID { dict["tool_call_id"] = text(id) }
            if !message.toolCalls.isEmpty {
                dict["tool_calls"] = .array(message.toolCalls.map { call in
                    let arguments = objectArguments ? (try? JinjaJSON.parse(call.arguments, markInput: markInput)) ?? text(call.arguments)
                        : text(call.arguments)
                    let entry = JinjaDict([("type", .text("function")), ("function", .dict(JinjaDict([
                        ("name", text(call.name)), ("arguments", arguments),
                    ])))])
                    if let id = call.id { entry["id"] = text(id) }
                    return .dict(entry)
                })
            }
            return .dict(dict)
        }
        var variables: [String: JinjaValue] = ["messages": .array(list)]
        if !tools.isEmpty {
            variables["tools"] = .array(tools.map { tool in
                .dict(JinjaDict([("type", .text("function")), ("function", .dict(JinjaDict([
                    ("name", .text(tool.name)), ("description", .text(tool.description)),
                    ("parameters", (try? JinjaJSON.parse(tool.parameters, markInput: false)) ?? .dict(JinjaDict())),
                ])))]))
            })
        }
        return variables
    }

    /// A system message the template ignores is folded into the next message, and a call
    /// without text gets empty content, as llama.cpp does.
    static func adjusted(_ messages: [ChatConversation.Message], to capabilities: Capabilities) -> [ChatConversation.Message] {
        var messages = messages
        if !capabilities.systemRole, messages.first?.role == "system" {
            let system = messages.removeFirst()
            if !messages.isEmpty { messages[0].content = system.content + "\n" + messages[0].content }
        }
        return messages
    }

    // MARK: - Capabilities

    private static func probe(_ template: JinjaTemplate, bosToken: String, eosToken: String) -> Capabilities {
        var capabilities = Capabilities()
        func run(_ messages: [ChatConversation.Message], tools: [ChatConversation.Tool], objectArguments: Bool)
            -> (ok: Bool, variables: [String: JinjaValue])
        {
            var variables = Self.variables(messages: messages, tools: tools, markInput: false, objectArguments: objectArguments)
            variables["bos_token"] = .text(bosToken)
            variables["eos_token"] = .text(eosToken)
            variables["add_generation_prompt"] = .bool(true)
            let ok = (try? template.render(variables)) != nil
            return (ok, variables)
        }
        func dict(_ value: JinjaValue?) -> JinjaDict? { if case .dict(let dict)? = value { dict } else { nil } }
        func list(_ value: JinjaValue?) -> [JinjaValue] { if case .list(let list)? = value { list.items } else { [] } }

        let system = run([.init(role: "system", content: "System message"), .init(role: "user", content: "User message")],
                         tools: [], objectArguments: false)
        if let first = dict(list(system.variables["messages"]).first), !first.readKeys.contains("content") {
            capabilities.systemRole = false
        }
        let tool = ChatConversation.Tool(
            name: "tool1", description: "Tool description",
            parameters: #"{"type": "object", "properties": {"arg": {"type": "string", "description": "Arg description"}}, "required": ["arg"]}"#)
        let calls: [ChatConversation.Message] = [
            .init(role: "user", content: "User message"),
            .init(role: "assistant", content: "", toolCalls: [.init(id: "call00001", name: "tool1", arguments: #"{"arg": "value"}"#)]),
            .init(role: "tool", content: "Tool response", toolCallID: "call00001"),
            .init(role: "assistant", content: "The tool response was 'tool response'"),
            .init(role: "user", content: "User message"),
        ]
        func inspect(_ result: (ok: Bool, variables: [String: JinjaValue])) -> (tools: Bool, calls: Bool, argument: Bool) {
            let function = dict(dict(list(result.variables["tools"]).first)?["function"])
            let usesTools = function?.readKeys.contains("name") ?? false
            let assistant = dict(list(result.variables["messages"])[1])
            let usesCalls = assistant?.readKeys.contains("tool_calls") ?? false
            let call = dict(dict(list(assistant?["tool_calls"]).first)?["function"])
            let usesArgument = dict(call?["arguments"])?.readKeys.contains("arg") ?? false
            return (usesTools, usesCalls, usesArgument)
        }
        let objects = run(calls, tools: [tool], objectArguments: true)
        if objects.ok {
            let use = inspect(objects)
            capabilities.tools = use.tools
            capabilities.toolCalls = use.calls
            capabilities.objectArguments = use.calls && use.argument
        }
        if !capabilities.objectArguments {
            let strings = run(calls, tools: [tool], objectArguments: false)
            if strings.ok {
                let use = inspect(strings)
                capabilities.tools = use.tools
                capabilities.toolCalls = use.calls
            } else {
                capabilities.tools = false
                capabilities.toolCalls = false
            }
        }
        return capabilities
    }
}

/// A rendered prompt: the template's text and the conversation's, told apart.
public struct RenderedPrompt: Sendable, Equatable {
    /// Each part's text, and whether it came from the conversation.
    public let parts: [(text: String, isInput: Bool)]

    public var text: String { parts.map(\.text).joined() }

    /// As pieces to tokenize: the conversation's text plain, the template's with its
    /// special tokens.
    public var pieces: [ChatTemplate.Piece] { parts.map { $0.isInput ? .text($0.text) : .markup($0.text) } }

    public static func == (left: RenderedPrompt, right: RenderedPrompt) -> Bool {
        left.parts.map(\.text) == right.parts.map(\.text) && left.parts.map(\.isInput) == right.parts.map(\.isInput)
    }
}
