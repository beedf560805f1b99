import SLMAgent
import SLMEngine
import SLMTestSupport
import Testing

/// The grammars built from the real tools, walked at random: every walk must end in a call
/// the runtime accepts (no dead ends in any schema, the arguments key of every style).
@Suite("Tool grammars")
struct ToolGrammarTests {
    @Test("random walks over every style's tool grammar end in valid calls", arguments: ToolCallStyle.allCases)
    func walks(style: ToolCallStyle) {
        let tools = ToolRegistry.builtIn.tools
        var walk = GrammarWalk(seed: 0x5EED)
        for _ in 0..<150 {
            guard case .complete(let text) = walk.walk(style.grammar(for: tools)) else {
                Issue.record("a walk did not complete")
                return
            }
            #expect(AgentChecks.check(text, tools: tools, argumentsKey: style.argumentsKey) == nil, "\(text)")
        }
    }
}
