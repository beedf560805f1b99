import SLMAgent
import SLMEngine
import Testing

/// The grammars built from the real tools, walked at random: every walk must end in a call
/// the runtime accepts (no dead ends in any schema, the arguments key of every style).
@Suite("Tool grammars")
struct ToolGrammarTests {
    @Test("random walks over every style's tool grammar end in valid calls", arguments: ToolCallStyle.allCases)
    func walks(style: ToolCallStyle) throws {
        let tools = ToolRegistry.builtIn.tools
        var state: UInt64 = 0x5EED
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        for _ in 0..<150 {
            var matcher = GrammarMatcher(style.grammar(for: tools), leadingWhitespace: true)
            var bytes: [UInt8] = []
            while !matcher.isComplete {
                let mask = matcher.allowedFirstBytes()
                let allowed = mask.indices.filter { mask[$0] }
                try #require(!allowed.isEmpty, "dead end after \(String(decoding: bytes, as: UTF8.self))")
                let structural = allowed.filter { [0x22, 0x7D, 0x5D, 0x2C].contains($0) }
                let pick = !structural.isEmpty && next() % 3 == 0 ? structural : allowed
                let byte = UInt8(pick[Int(next() % UInt64(pick.count))])
                _ = matcher.accept(byte)
                bytes.append(byte)
            }
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(AgentChecks.check(text, tools: tools, argumentsKey: style.argumentsKey) == nil, "\(text)")
        }
    }
}
