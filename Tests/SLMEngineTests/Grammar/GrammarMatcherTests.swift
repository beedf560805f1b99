import SLMEngine
import SLMTestSupport
import Testing

@Suite("Grammar matcher")
struct GrammarMatcherTests {
    static let tools = [
        ToolSignature(name: "tasks_add", arguments: JSONSchemaTests.task),
        ToolSignature(name: "tasks_list", arguments: .object([.init("status", .oneOf(["open", "done", "all"]), required: false)])),
        ToolSignature(name: "calc", arguments: .object([
            .init("expression", .text(0...12)), .init("precision", .integer(minimum: -3, maximum: 12), required: false),
            .init("scale", .number, required: false),
        ])),
    ]
    static let grammar = Grammar.toolCall(tools: tools)

    static func matches(_ text: String, _ grammar: Grammar = grammar) -> Bool {
        var matcher = GrammarMatcher(grammar, leadingWhitespace: true)
        return matcher.accept(Array(text.utf8)) && matcher.isComplete
    }

    @Test("accepts tool calls written the usual ways", arguments: [
        #"{"name": "tasks_add", "arguments": {"title": "Buy milk", "due": "2026-12-04"}}"#,
        #"{"name":"tasks_add","arguments":{"title":"Ünïcödé ✓ 😀","priority":0,"tags":[],"urgent":false}}"#,
        #"{"name": "tasks_list", "arguments": {}}"#,
        #"{"name": "tasks_list", "arguments": {"status": "done"}}"#,
        #"{"name": "calc", "arguments": {"expression": "2*(3+4)", "precision": -3, "scale": -0.5e+2}}"#,
        #"{"name": "calc", "arguments": {"expression": "say \"hi\"\n"}}"#,
        "\n" + #"{"name": "tasks_add", "arguments": {"title": "x", "due": "2028-02-29", "tags": ["home", "work"]}}"#,
    ])
    func accepts(text: String) throws {
        #expect(Self.matches(text))
        let call = try JSONValue.parse(text)
        let tool = try #require(Self.tools.first { $0.name == call["name"]?.stringValue })
        #expect(tool.arguments.problems(with: try #require(call["arguments"])).isEmpty)
    }

    @Test("refuses what is not a valid call, at the first wrong byte", arguments: [
        #"{"name": "tasks_remove""#, #"{"name": "tasks_add", "arguments": {"due": "2026-12-04"}"#,
        #"{"name": "tasks_add", "arguments": {"title": "x", "due": "2026-02-30"}"#,
        #"{"name": "tasks_add", "arguments": {"title": "x", "due": "2026-13-01"}"#,
        #"{"name": "tasks_add", "arguments": {"title": "x", "priority": 4"#,
        #"{"name": "tasks_add", "arguments": {"title": "x", "priority": 01"#,
        #"{"name": "tasks_add", "arguments": {"title": "x", "tags": ["home", "work", "#,
        #"{"name": "tasks_add", "arguments": {"title": "123456789012345678901"#,
        #"{"name": "tasks_add", "arguments": {"title": "\u0041"#, #"{"name": "tasks_add", "arguments": {"title": "a"#
            + "\u{01}", #"{"name": "calc", "arguments": {"expression": "1", "precision": -4"#,
        #"{"name": "calc", "arguments": {"expression": "1", "precision": 13"#,
        #"{"name": "tasks_list", "arguments": {"status": "done"}} "#,
        #"{"name":  "tasks_list""#, #"{"name": "tasks_add", "arguments": {"title": """#, "  {", #"{"name": "tasks_list", "arguments": {"status": "done",}"#,
    ])
    func refuses(text: String) {
        var matcher = GrammarMatcher(Self.grammar, leadingWhitespace: true)
        let accepted = matcher.accept(Array(text.utf8))
        #expect(!accepted)
    }

    @Test("invalid UTF-8 never gets into a string")
    func utf8() {
        let prefix = Array(#"{"name": "calc", "arguments": {"expression": ""#.utf8)
        var matcher = GrammarMatcher(Self.grammar)
        let started = matcher.accept(prefix)
        #expect(started)
        for bad: [UInt8] in [[0x80], [0xC0, 0x80], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xFF],
                             [0xC3, 0x22]] {
            #expect(!matcher.allows(bad), "\(bad)")
        }
        #expect(matcher.allows([0xC3, 0xA9, 0x22]))
        #expect(matcher.allows([0xF0, 0x9F, 0x98, 0x80]))
    }

    @Test("a string that loops on a phrase can only close", arguments: [
        "in 3 days in 3 days in 3 days ", "very very very ", "a b c d a b c d a b c d ",
    ])
    func loopingString(loop: String) {
        let grammar = Grammar.json(.object([.init("notes", .text(0...500))]))
        var matcher = GrammarMatcher(grammar)
        let accepted = matcher.accept(Array(#"{"notes": "next week "#.utf8) + Array(loop.utf8))
        #expect(accepted)
        #expect(!matcher.allows(Array("in".utf8)) && !matcher.allows(Array(" ".utf8)))
        #expect(matcher.allows(Array(#""}"#.utf8)))
    }

    @Test("a word that never ends (digits without a space) ends the string at 64 bytes")
    func endlessWord() {
        let grammar = Grammar.json(.object([.init("body", .text(1...2000))]))
        var matcher = GrammarMatcher(grammar)
        let accepted = matcher.accept(Array(#"{"body": "Hi, 1234"#.utf8) + Array(repeating: UInt8(ascii: "7"), count: 59))
        #expect(accepted && matcher.allows([UInt8(ascii: "7")]))
        _ = matcher.accept([UInt8(ascii: "7")])
        #expect(!matcher.allows([UInt8(ascii: "7")]) && !matcher.allows(Array(" ".utf8)) && matcher.allows(Array(#""}"#.utf8)))
    }

    @Test("words said twice, or a loop broken by other words, go on", arguments: [
        "in 3 days in 3 days ", "call Ana and call Bob and call Carla and ", "no, no, yes, no, no, ",
    ])
    func notLooping(text: String) {
        let grammar = Grammar.json(.object([.init("notes", .text(0...500))]))
        var matcher = GrammarMatcher(grammar)
        let accepted = matcher.accept(Array(#"{"notes": ""#.utf8) + Array(text.utf8))
        #expect(accepted && matcher.allows(Array("more".utf8)))
    }

    @Test("a rejected byte leaves the matcher as it was")
    func rejectionKeepsState() {
        var matcher = GrammarMatcher(.oneOf(["planner", "writer"]))
        let first = matcher.accept(Array("pla".utf8))
        let wrong = matcher.accept(Array("nnx".utf8))
        let rest = matcher.accept(Array("nner".utf8))
        #expect(first && !wrong && rest)
        #expect(matcher.isComplete)
    }

    /// Random walks that only take allowed bytes: every walk must finish as valid,
    /// schema-satisfying JSON. A single dead end (no byte allowed before completion) fails.
    @Test("random walks over allowed bytes always end in a valid call", arguments: [1, 2, 3, 4])
    func randomWalks(seed: UInt64) throws {
        var walk = GrammarWalk(seed: seed)
        for _ in 0..<250 {
            guard case .complete(let text) = walk.walk(Self.grammar) else {
                Issue.record("\(walk.walk(Self.grammar))")
                return
            }
            let call = try JSONValue.parse(text)
            let tool = try #require(Self.tools.first { $0.name == call["name"]?.stringValue }, "\(text)")
            #expect(tool.arguments.problems(with: try #require(call["arguments"])).isEmpty, "\(text)")
        }
    }
}
