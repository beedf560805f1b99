import Foundation
@testable import SLMAgent
import SLMEngine
import SLMStore
import SLMTestSupport
import Testing

/// Thinking models: the `<think>` block is streamed apart from the answer, saved beside
/// it, left out of the history, and can be switched off.
@Suite("Thinking")
struct ThinkingTests {
    @Test("the splitter takes a thought however the pieces cut its tags")
    func splitter() {
        // Qwen's tags, then Gemma 4's thought channel
        for pieces in [["<think>I should greet.</think>\n\nHello!"], ["<thi", "nk>I should", " greet.</th", "ink>\n\nHel", "lo!"],
                       [" <think>", "I should greet.", "</think>", "\n\n", "Hello!"],
                       ["<|channel>thought\nI should greet.<channel|>Hello!"],
                       ["<|channel>", "thought", "\n", "I should", " greet.", "<channel|>", "Hello!"]] {
            var splitter = ThinkingSplitter()
            var thought = "", answer = ""
            for piece in pieces {
                let split = splitter.push(piece)
                thought += split.thought
                answer += split.answer
            }
            let rest = splitter.finish()
            #expect(thought + rest.thought == "I should greet." && answer + rest.answer == "Hello!", "\(pieces)")
        }
        var plain = ThinkingSplitter()
        #expect(plain.push("<b>bold</b>").answer == "<b>bold</b>")
        var unfinished = ThinkingSplitter()
        let first = unfinished.push("<think>still going")
        let last = unfinished.finish()
        #expect(first.thought + last.thought == "still going" && first.answer.isEmpty && last.answer.isEmpty,
                "a thought that never closes stays thought")
    }

    @Test("a turn streams the thought apart, saves it beside the answer, and the next turn's prompt leaves it out")
    func turn() async throws {
        let setup = try await ScriptedTurnTests.setup([.text("<think>I should greet.</think>\n\nHello!"), .text("Bye.")],
                                                      agents: [ScriptedTurnTests.chatter], thinks: true)
        let events = await ScriptedTurnTests.events(setup.runtime.send("Hi", options: TurnOptions(agent: "chatter")))
        let thought = events.compactMap { if case .thinking(let text) = $0 { text } else { nil } }.joined()
        #expect(thought == "I should greet.")
        #expect(!events.contains { if case .token(let text) = $0 { text.contains("greet") } else { false } })
        let summary = try #require(ScriptedTurnTests.summary(events))
        #expect(summary.text == "Hello!" && summary.thinking == "I should greet.")
        let saved = try await setup.store.messages(in: summary.conversationID)
        #expect(saved.last?.content == "Hello!" && saved.last?.reasoning == "I should greet.")
        _ = await ScriptedTurnTests.events(setup.runtime.send(
            "Again", options: TurnOptions(conversationID: summary.conversationID, agent: "chatter", enableThinking: false)))
        let prompt = BranchTurnTests.text(try #require(setup.generator.requests.last).prompt)
        #expect(prompt.contains("Hello!") && !prompt.contains("I should greet"))
        #expect(prompt.hasSuffix("<think>\n\n</think>\n\n"), "thinking off: the answer opens with an empty thought")
    }

    @Test("a step that may call a tool does not think, even with thinking on; the answer after it may")
    func toolSteps() async throws {
        let setup = try await ScriptedTurnTests.setup([
            .call(#"{"name": "tasks_add", "arguments": {"title": "Call Ana"}}"#),
            .text("<think>Done, say so.</think>\n\nAdded."),
        ], thinks: true)
        let events = await ScriptedTurnTests.events(setup.runtime.send("@planner Remind me to call Ana"))
        // the model's words, then what was stored in the app's
        #expect(ScriptedTurnTests.summary(events)?.text == "Added.\n\nAdded task 1 “Call Ana”.")
        let requests = setup.generator.requests
        #expect(requests.count == 2)
        // the required call opens with the call tag, not a thought; the optional step after it
        // (which may call again) opens with an empty thought
        #expect(!BranchTurnTests.text(requests[0].prompt).hasSuffix("</think>\n\n"))
        #expect(BranchTurnTests.text(requests[1].prompt).hasSuffix("<think>\n\n</think>\n\n"))
    }

    @Test("Gemma 4's thought channel: streamed apart; with thinking off its own template opens the answer with one empty thought")
    func gemma4Channel() async throws {
        let template = try String(contentsOf: Fixtures.url("templates/source/google-gemma-4-31B-it.jinja"), encoding: .utf8)
        #expect(ThinkingTags.written(by: template) == .channel)
        let setup = try await ScriptedTurnTests.setup(
            [.text("<|channel>thought\nI should greet.<channel|>Hello!"), .text("Bye.")],
            agents: [ScriptedTurnTests.chatter], thinks: true, chatTemplate: template)
        let events = await ScriptedTurnTests.events(setup.runtime.send("Hi", options: TurnOptions(agent: "chatter")))
        let summary = try #require(ScriptedTurnTests.summary(events))
        #expect(summary.text == "Hello!" && summary.thinking == "I should greet.")
        _ = await ScriptedTurnTests.events(setup.runtime.send(
            "Again", options: TurnOptions(conversationID: summary.conversationID, agent: "chatter", enableThinking: false)))
        let prompt = BranchTurnTests.text(try #require(setup.generator.requests.last).prompt)
        let empty = ThinkingTags.channel.emptyThought
        #expect(prompt.hasSuffix("<|turn>model\n" + empty), "\(prompt.suffix(80).debugDescription)")
        #expect(!prompt.hasSuffix(empty + empty))
        #expect(prompt.contains("Hello!") && !prompt.contains("I should greet"))
    }
}
