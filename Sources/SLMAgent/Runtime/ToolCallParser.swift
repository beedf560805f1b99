import SLMEngine

/// Reads a tool call the model wrote and checks it before anything runs: JSON, a tool
/// that exists, arguments that satisfy its schema. A bad call becomes a problem the model
/// reads, never a crash.
struct ToolCallParser {
    let tools: [any Tool]
    let argumentsKey: String

    enum Outcome {
        case valid(tool: any Tool, arguments: JSONValue)
        /// What is wrong, and the name the model used (if any) with its arguments.
        case invalid(problem: String, name: String?, arguments: JSONValue)
    }

    func parse(_ text: String) -> Outcome {
        var value: JSONValue
        do {
            value = try JSONValue.parse(text)
        } catch {
            return .invalid(problem: "the call is \(error)", name: nil, arguments: .null)
        }
        // Phi-4-mini and Granite 3 write calls as a list: the first is the call
        if case .array(let items) = value, let first = items.first { value = first }
        let arguments = value[argumentsKey] ?? value["arguments"] ?? value["parameters"] ?? .object([])
        guard let name = value["name"]?.stringValue else {
            return .invalid(problem: "the call has no tool name", name: nil, arguments: arguments)
        }
        guard let tool = tools.first(where: { $0.name == name }) else {
            let known = tools.map(\.name).joined(separator: ", ")
            return .invalid(problem: "there is no tool \(name); tools: \(known)", name: name, arguments: arguments)
        }
        let problems = tool.arguments.problems(with: arguments)
        guard problems.isEmpty else {
            return .invalid(problem: problems.joined(separator: "; "), name: name, arguments: arguments)
        }
        return .valid(tool: tool, arguments: arguments)
    }
}

/// Checks a call as the runtime does, without running it: nil when it is valid, else the
/// problem the model would read. For tests and `slm-tui eval`.
public enum AgentChecks {
    public static func check(_ text: String, tools: [any Tool], argumentsKey: String = "arguments") -> String? {
        switch ToolCallParser(tools: tools, argumentsKey: argumentsKey).parse(text) {
        case .valid: nil
        case .invalid(let problem, _, _): problem
        }
    }
}
