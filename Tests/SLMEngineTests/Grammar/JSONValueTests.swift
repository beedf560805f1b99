import SLMEngine
import Testing

@Suite("JSON values")
struct JSONValueTests {
    @Test("parses every kind of value and keeps member order")
    func parses() throws {
        let value = try JSONValue.parse(#" { "b": [1, -2.5e3, true, false, null], "a": "x\"\\\/\n\u00e9\ud83d\ude00" } "#)
        #expect(value == .object([
            .init("b", .array([.number(1), .number(-2500), .bool(true), .bool(false), .null])),
            .init("a", .string("x\"\\/\né😀")),
        ]))
        #expect(value["a"]?.stringValue == "x\"\\/\né😀")
        #expect(value["b"]?.arrayValue?.first?.intValue == 1)
    }

    @Test("refuses what strict JSON refuses, saying where", arguments: [
        ("", 0), ("{", 1), ("[1,]", 3), ("01", 1), ("1.", 2), ("{\"a\" 1}", 5), ("\"\u{01}\"", 1),
        ("\"\\x\"", 2), ("tru", 3), ("1 2", 2), ("\"\\ud800\"", 7), ("[1e]", 3), ("-", 1), ("{\"a\":1,}", 7),
    ])
    func refuses(text: String, offset: Int) {
        #expect(throws: JSONSyntaxError.self) { try JSONValue.parse(text) }
        do {
            _ = try JSONValue.parse(text)
        } catch {
            #expect(error.offset == offset, "\(text.debugDescription): \(error)")
        }
    }

    @Test("nesting deeper than the limit is refused, not a crash")
    func deepNesting() {
        #expect(JSONValue(parsing: String(repeating: "[", count: 10_000)) == nil)
        #expect(JSONValue(parsing: String(repeating: "[", count: 10) + String(repeating: "]", count: 10)) != nil)
    }

    @Test("text round-trips, with control characters escaped")
    func roundTrip() throws {
        let value = JSONValue.object([
            "title": .string("Say \"hi\"\n\u{07}"), "n": .number(3), "x": .number(0.25), "ok": .bool(true),
            "list": .array([.null]),
        ])
        #expect(value.text == #"{"title": "Say \"hi\"\n\u0007", "n": 3, "x": 0.25, "ok": true, "list": [null]}"#)
        #expect(try JSONValue.parse(value.text) == value)
    }
}

@Suite("JSON schemas")
struct JSONSchemaTests {
    static let task = JSONSchema.object([
        .init("title", .text(1...20)),
        .init("due", .date, required: false),
        .init("priority", .integer(minimum: 0, maximum: 3), required: false),
        .init("tags", .array(items: .oneOf(["home", "work"]), maxItems: 2), required: false),
        .init("urgent", .boolean, required: false),
    ])

    @Test("valid arguments have no problems")
    func valid() throws {
        let value = try JSONValue.parse(#"{"title": "Pay rent", "due": "2028-02-29", "priority": 2, "tags": ["home"]}"#)
        #expect(Self.task.problems(with: value).isEmpty)
    }

    @Test("each problem is named so a model can fix it", arguments: [
        (#"{"due": "2026-12-04"}"#, "argument title: required"),
        (#"{"title": "x", "due": "next friday"}"#, "argument due: expected a date like 2026-12-04"),
        (#"{"title": "x", "due": "2026-02-29"}"#, "argument due: expected a date like 2026-12-04"),
        (#"{"title": "x", "priority": 7}"#, "argument priority: at most 3"),
        (#"{"title": "x", "priority": 1.5}"#, "argument priority: expected a whole number"),
        (#"{"title": "x", "tags": ["gym"]}"#, "argument tags[0]: expected one of home, work"),
        (#"{"title": "x", "tags": ["home", "work", "home"]}"#, "argument tags: more than 2 items"),
        (#"{"title": "x", "colour": "red"}"#, "argument colour: unknown (expected title, due, priority, tags, urgent)"),
        (#"{"title": 5}"#, "argument title: expected a string"),
        (#"{"title": "x", "urgent": "yes"}"#, "argument urgent: expected true or false"),
        (#"{"title": "this title is far too long"}"#, "argument title: longer than 20 characters"),
        (#"{"title": ""}"#, "argument title: empty"),
        (#"[1]"#, "arguments: expected an object"),
    ])
    func problems(text: String, problem: String) throws {
        #expect(Self.task.problems(with: try JSONValue.parse(text)) == [problem])
    }

    @Test("renders as standard JSON Schema")
    func rendering() {
        let schema = JSONSchema.object([.init("when", .date, description: "the day"), .init("n", .integer(minimum: 1), required: false)])
        #expect(schema.json.text == #"{"type": "object", "properties": {"when": {"type": "string", "description": "the day", "format": "date"}, "n": {"type": "integer", "minimum": 1}}, "required": ["when"]}"#)
    }
}
