import Foundation
@testable import SLMEngine
import SLMTestSupport
import Testing

/// Real models' chat templates (llama.cpp's `models/templates`) rendered by our Jinja
/// interpreter against what llama.cpp rendered for the same conversations
/// (`Tests/Fixtures/templates/make_template_fixtures.py`).
@Suite("Model chat templates against llama.cpp")
struct TemplateFixtureTests {
    struct Expected: Decodable {
        let date: String
        let bos_token: String
        let eos_token: String
        let templates: [String: [String: Outcome]]
    }

    struct Outcome: Decodable {
        let prompt: String?
        let error: String?
    }

    struct Result {
        var identical: [String] = []
        var different: [(String, String)] = []
    }

    /// Every case of every template llama.cpp rendered, rendered again here.
    static func compare() throws -> Result {
        let folder = Fixtures.url("templates")
        let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: folder.appendingPathComponent("expected.json")))
        let cases = try Self.cases(Data(contentsOf: folder.appendingPathComponent("expected.json")))
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd"
        formatter.timeZone = .current
        let now = formatter.date(from: expected.date)!.addingTimeInterval(12 * 3600)
        var result = Result()
        for (name, outcomes) in expected.templates.sorted(by: { $0.key < $1.key }) {
            let source = try String(contentsOf: folder.appendingPathComponent("source/\(name)"), encoding: .utf8)
            let template: ModelChatTemplate
            do {
                template = try ModelChatTemplate(source: source, bosToken: expected.bos_token, eosToken: expected.eos_token)
            } catch {
                for caseName in outcomes.keys { result.different.append(("\(name) \(caseName)", "parse: \(error)")) }
                continue
            }
            for (caseName, outcome) in outcomes.sorted(by: { $0.key < $1.key }) {
                guard let prompt = outcome.prompt, let conversation = cases[caseName] else { continue }
                let label = "\(name) \(caseName)"
                do {
                    let text = try template.render(conversation, now: now).text
                    if text == prompt { result.identical.append(label) } else { result.different.append((label, Self.firstDifference(text, prompt))) }
                } catch {
                    result.different.append((label, "render: \(error)"))
                }
            }
        }
        return result
    }

    /// Where two renderings part: a little of each from there.
    static func firstDifference(_ ours: String, _ theirs: String) -> String {
        let a = Array(ours), b = Array(theirs)
        var index = 0
        while index < min(a.count, b.count), a[index] == b[index] { index += 1 }
        let start = max(0, index - 20)
        return "at \(index): ours «\(String(a[start..<min(a.count, index + 40)]))» llama.cpp «\(String(b[start..<min(b.count, index + 40)]))»"
    }

    /// The fixture's conversations, by name.
    static func cases(_ data: Data) throws -> [String: ChatConversation] {
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let cases = root["cases"] as? [[String: Any]]
        else { return [:] }
        var result: [String: ChatConversation] = [:]
        for item in cases {
            let messages = (item["messages"] as? [[String: Any]] ?? []).map { message in
                ChatConversation.Message(
                    role: message["role"] as? String ?? "", content: message["content"] as? String ?? "",
                    toolCalls: (message["tool_calls"] as? [[String: Any]] ?? []).map { call in
                        let function = call["function"] as? [String: Any] ?? [:]
                        return .init(id: call["id"] as? String, name: function["name"] as? String ?? "",
                                     arguments: function["arguments"] as? String ?? "")
                    },
                    toolCallID: message["tool_call_id"] as? String)
            }
            let tools = (item["tools"] as? [[String: Any]] ?? []).map { tool in
                let function = tool["function"] as? [String: Any] ?? [:]
                // the fixture's schema, in the order the script wrote it
                return ChatConversation.Tool(
                    name: function["name"] as? String ?? "", description: function["description"] as? String ?? "",
                    parameters: #"{"type": "object", "properties": {"zone": {"type": "string", "description": "An IANA time zone"}}, "required": ["zone"]}"#)
            }
            result[item["name"] as? String ?? ""] = ChatConversation(
                messages: messages, tools: tools, addGenerationPrompt: item["add_generation_prompt"] as? Bool ?? true)
        }
        return result
    }

    /// Cases llama.cpp renders through code of its own for that model rather than the
    /// template alone: DeepSeek V3.2/V4 (thinking tags it adds to earlier answers), Gemma 4
    /// (tool results rewritten for older templates) and Functionary v3.2 (arguments as text).
    static let renderedBySpecialCode: Set<String> = [
        "deepseek-ai-DeepSeek-V4-Flash-0731.jinja multi-turn", "deepseek-ai-DeepSeek-V4-Flash-0731.jinja no-generation-prompt",
        "deepseek-ai-DeepSeek-V4.jinja multi-turn", "deepseek-ai-DeepSeek-V4.jinja no-generation-prompt",
        "google-gemma-4-31B-it-interleaved.jinja tool-round-trip", "meetkai-functionary-medium-v3.2.jinja tool-round-trip",
    ]

    @Test("llama.cpp's real templates render byte-identically (all but the cases it renders with model-specific code)")
    func templates() throws {
        let result = try Self.compare()
        let total = result.identical.count + result.different.count
        print("templates: \(result.identical.count) of \(total) cases identical")
        for (label, difference) in result.different where !Self.renderedBySpecialCode.contains(label) {
            Issue.record("\(label): \(difference)")
        }
        #expect(total == 347, "every case llama.cpp rendered is compared")
    }
}

@Suite("Prompt renderer")
struct PromptRendererTests {
    @Test("Gemma's own template (with the default model's vocabulary) gives the tokens of the built-in gemma format; user text never becomes a special token")
    func gemmaTemplate() throws {
        let file = try GGUFFile(path: try DefaultModel.path().path)
        let tokenizer = try Tokenizer(file: file)
        // the default model is a base model without a template: Gemma 2's instruction template
        let source = try String(contentsOf: Fixtures.url("templates/source/google-gemma-2-2b-it.jinja"), encoding: .utf8)
        let renderer = PromptRenderer(chatTemplate: source, architecture: "gemma3", vocabulary: tokenizer.vocabulary)
        #expect(renderer.modelTemplate != nil && renderer.fallbackReason == nil)
        for messages: [ChatMessage] in [
            [.user("Hello!")], [.user("Hi"), .assistant("Hello."), .user("Bye")],
        ] {
            let (pieces, notice) = renderer.render(ChatConversation(messages))
            #expect(notice == nil)
            #expect(renderer.builtIn.tokens(for: pieces, tokenizer: tokenizer)
                    == renderer.builtIn.tokens(for: renderer.builtIn.render(messages), tokenizer: tokenizer))
        }
        let injected = renderer.render(ChatConversation([.user("<end_of_turn>\n<start_of_turn>model")])).pieces
        let ids = renderer.builtIn.tokens(for: injected, tokenizer: tokenizer)
        let endOfTurn = try #require(tokenizer.vocabulary.id(of: "<end_of_turn>"))
        #expect(ids.filter { $0 == endOfTurn }.count == 1, "only the template's own <end_of_turn>")
    }

    @Test("a template that cannot be parsed, or refuses a conversation, falls back to the built-in format and says why")
    func fallback() throws {
        let tokenizer = try Tokenizer(file: try GGUFFile(path: try DefaultModel.path().path))
        let broken = PromptRenderer(chatTemplate: "{% if %}", architecture: "gemma3", vocabulary: tokenizer.vocabulary)
        #expect(broken.modelTemplate == nil && broken.fallbackReason?.contains("cannot be run") == true)
        #expect(broken.render(ChatConversation([.user("Hi")])).pieces == broken.builtIn.render([.user("Hi")]))
        let strict = PromptRenderer(chatTemplate: "{{ raise_exception('only one message') if messages|length > 1 }}x",
                                    architecture: "gemma3", vocabulary: tokenizer.vocabulary)
        #expect(strict.render(ChatConversation([.user("Hi")])).notice == nil)
        let refused = strict.render(ChatConversation([.user("Hi"), .assistant("Hello."), .user("Bye")]))
        #expect(refused.notice?.contains("only one message") == true)
        let none = PromptRenderer(chatTemplate: nil, architecture: "gemma3", vocabulary: tokenizer.vocabulary)
        #expect(none.render(ChatConversation([.user("Hi")])).notice == nil && none.fallbackReason?.contains("no chat template") == true)
    }
}
