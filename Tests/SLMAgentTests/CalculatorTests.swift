import SLMAgent
import Testing

@Suite("Calculator")
struct CalculatorTests {
    let calculator = Calculator()

    @Test("precedence, associativity and signs", arguments: [
        ("1 + 2 * 3", 7.0), ("(1 + 2) * 3", 9), ("2 ^ 3 ^ 2", 512), ("-2 ^ 2", -4), ("2 ^ -1", 0.5),
        ("10 - 4 - 3", 3), ("100 / 10 / 5", 2), ("--3", 3), ("+4", 4), ("1.5e3 + .5", 1500.5), ("7 % 4", 3),
        ("200 * 15%", 30), ("50%", 0.5), ("(20 + 30)% * 8", 4), ("2(3)", 6),
    ])
    func arithmetic(expression: String, expected: Double) throws {
        if expression == "2(3)" {
            #expect(throws: CalculatorError.unexpected("'('", at: 1)) { try calculator.evaluate(expression) }
            return
        }
        #expect(try calculator.evaluate(expression) == expected, "\(expression)")
    }

    @Test("functions and constants")
    func functions() throws {
        #expect(try calculator.evaluate("sqrt(16) + abs(-2)") == 6)
        #expect(try calculator.evaluate("max(1, 5, 3) - min(4, 2)") == 3)
        #expect(try calculator.evaluate("round(2.5) + floor(2.7) + ceil(2.1)") == 8)
        #expect(abs(try calculator.evaluate("sin(pi / 2)") - 1) < 1e-12)
        #expect(abs(try calculator.evaluate("ln(e)") - 1) < 1e-12)
        #expect(try calculator.evaluate("log(1000)") == 3)
        #expect(try calculator.evaluate("LOG2(8)") == 3)
    }

    @Test("bad input is a typed error naming the place, never a crash")
    func errors() {
        #expect(throws: CalculatorError.divisionByZero(at: 2)) { try calculator.evaluate("1 / 0") }
        #expect(throws: CalculatorError.divisionByZero(at: 2)) { try calculator.evaluate("5 % 0") }
        #expect(throws: CalculatorError.unknownName("foo", at: 0)) { try calculator.evaluate("foo(1)") }
        #expect(throws: CalculatorError.unknownName("x", at: 4)) { try calculator.evaluate("1 + x") }
        #expect(throws: CalculatorError.argumentCount(function: "sqrt", expected: "1", found: 2)) {
            try calculator.evaluate("sqrt(1, 2)")
        }
        #expect(throws: CalculatorError.unexpected("end of expression", at: 3)) { try calculator.evaluate("1 +") }
        #expect(throws: CalculatorError.unexpected("')'", at: 4)) { try calculator.evaluate("(1 +)") }
        #expect(throws: CalculatorError.unexpected("';'", at: 1)) { try calculator.evaluate("1; rm -rf /") }
        #expect(throws: CalculatorError.notFinite) { try calculator.evaluate("sqrt(-1)") }
        #expect(throws: CalculatorError.tooDeep) {
            try calculator.evaluate(String(repeating: "(", count: 10_000) + "1" + String(repeating: ")", count: 10_000))
        }
        #expect(throws: CalculatorError.tooDeep) { try calculator.evaluate(String(repeating: "-", count: 10_000) + "1") }
    }

    @Test("results are formatted as people write them")
    func formatting() {
        #expect(Calculator.format(30) == "30")
        #expect(Calculator.format(-4) == "-4")
        #expect(Calculator.format(0.1 + 0.2) == "0.3")
        #expect(Calculator.format(1e20) == "1e+20")
    }
}
