import SLMEngine

/// Arithmetic with the project's own parser (never an evaluator of code).
struct CalculatorTool: Tool {
    let name = "calculator"
    let description = "Work out arithmetic: + - * / ^ %, parentheses, sqrt, ln, log, sin, cos, min, max, pi, e."
    let hints = ["calculate", "compute", "how much is", "percent of", "square root"]
    let permission = ToolPermission.read
    let requestArguments: [String: RequestField] = ["expression": .arithmetic]
    let arguments = JSONSchema.object([.init("expression", .text(1...200), description: "for example (12 + 7) * 3")])

    func summary(of result: JSONValue) -> String {
        "\(result["expression"]?.stringValue ?? "") = \(result["text"]?.stringValue ?? "")"
    }

    func call(_ arguments: JSONValue, context: ToolContext) async throws(ToolError) -> JSONValue {
        let expression = arguments.string("expression") ?? ""
        do {
            let value = try Calculator().evaluate(expression)
            return .object(["expression": .string(expression), "result": .number(value),
                            "text": .string(Calculator.format(value))])
        } catch {
            throw ToolError("\(expression): \(error)")
        }
    }
}
