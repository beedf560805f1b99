import Foundation
import SLMAgent
import SLMEngine
import SLMStore
import SLMTestSupport
import Testing

/// Regenerate, edit and continue with a scripted model: where the new messages go in the
/// conversation's tree, what the model reads, and what the transcript shows.
@Suite("Branching turns")
struct BranchTurnTests {
    typealias Setup = ScriptedTurnTests.Setup

    static func assistant(_ setup: Setup) -> Assistant {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("branch-\(UUID().uuidString)")
        let library = ModelLibrary(directory: folder, catalog: ModelCatalog(entries: []))
        return Assistant(runtime: setup.runtime, library: library, discovery: ModelDiscovery(library: library, home: folder))
    }

    /// The scripted model's prompt as text (its tokens are bytes after 7 specials; its
    /// tokenizer writes spaces as ▁).
    static func text(_ prompt: [Int]) -> String {
        String(decoding: prompt.filter { $0 >= 7 }.map { UInt8($0 - 7) }, as: UTF8.self).replacingOccurrences(of: "▁", with: " ")
    }

    static func chat(_ setup: Setup, _ text: String, conversation: Int? = nil, maxTokens: Int? = nil) async throws -> TurnSummary {
        let events = await ScriptedTurnTests.events(setup.runtime.send(
            text, options: TurnOptions(conversationID: conversation, agent: "chatter", maxTokens: maxTokens)))
        return try #require(ScriptedTurnTests.summary(events), "\(events)")
    }

    @Test("regenerate: a new answer beside the old one; the model reads the question once and not the old answer")
    func regenerate() async throws {
        let setup = try await ScriptedTurnTests.setup([.text("Lisbon is west."), .text("Porto is north.")],
                                                      agents: [ScriptedTurnTests.chatter])
        let assistant = Self.assistant(setup)
        let first = try await Self.chat(setup, "Name a city")
        let events = await ScriptedTurnTests.events(try await assistant.regenerate(conversation: first.conversationID))
        #expect(ScriptedTurnTests.summary(events)?.text == "Porto is north.")
        let prompt = Self.text(try #require(setup.generator.requests.last).prompt)
        #expect(prompt.components(separatedBy: "Name a city").count == 2 && !prompt.contains("Lisbon"))

        let transcript = try await assistant.transcript(of: first.conversationID)
        #expect(transcript.messages.map(\.text) == ["Name a city", "Porto is north."])
        let branch = try #require(transcript.messages[1].branch)
        #expect(branch.index == 1 && branch.count == 2)
        #expect(transcript.messages[0].branch == nil)
        let earlier = try await assistant.showBranch(branch.anchor, step: -1, in: first.conversationID)
        #expect(earlier.messages.map(\.text) == ["Name a city", "Lisbon is west."])
        #expect(earlier.messages[1].branch?.index == 0)
        // a follow-up goes on from the branch shown
        setup.generator.append(.text("It has a bridge."))
        _ = try await Self.chat(setup, "Tell me more", conversation: first.conversationID)
        let more = Self.text(try #require(setup.generator.requests.last).prompt)
        #expect(more.contains("Lisbon is west.") && !more.contains("Porto"))
        let export = try await assistant.export(first.conversationID).markdown
        #expect(export.contains("Porto is north.") && export.contains("It has a bridge."))
    }

    @Test("edit: the rewritten question is a branch beside the old one and is answered; the old stays")
    func edit() async throws {
        let setup = try await ScriptedTurnTests.setup([.text("Red."), .text("Ten."), .text("Eleven.")],
                                                      agents: [ScriptedTurnTests.chatter])
        let assistant = Self.assistant(setup)
        let first = try await Self.chat(setup, "Pick a colour")
        let id = first.conversationID
        _ = try await Self.chat(setup, "Pick a number", conversation: id)
        let question = try #require(try await assistant.transcript(of: id).messages.last { $0.speaker == .user })
        let events = await ScriptedTurnTests.events(try await assistant.edit(
            question.id, in: id, to: "Pick a prime", options: TurnOptions(agent: "chatter")))
        #expect(ScriptedTurnTests.summary(events)?.text == "Eleven.")
        let prompt = Self.text(try #require(setup.generator.requests.last).prompt)
        #expect(prompt.contains("Red.") && prompt.contains("Pick a prime") && !prompt.contains("Pick a number"))
        let transcript = try await assistant.transcript(of: id)
        #expect(transcript.messages.map(\.text) == ["Pick a colour", "Red.", "Pick a prime", "Eleven."])
        #expect(transcript.messages[2].branch?.index == 1 && transcript.messages[2].branch?.count == 2)
        let old = try await assistant.showBranch(try #require(transcript.messages[2].branch).anchor, step: -1, in: id)
        #expect(old.messages.map(\.text) == ["Pick a colour", "Red.", "Pick a number", "Ten."])
        await #expect(throws: AssistantError.self) {
            _ = try await assistant.edit(old.messages[1].id, in: id, to: "not a question")
        }
    }

    @Test("an answer stopped at the token limit says so, and continue carries it on in the same message")
    func continueAnswer() async throws {
        let setup = try await ScriptedTurnTests.setup([.text("one two three four five six"), .text(" seven eight.")],
                                                      agents: [ScriptedTurnTests.chatter])
        let assistant = Self.assistant(setup)
        let first = try await Self.chat(setup, "Count", maxTokens: 3)
        #expect(first.hitTokenLimit)
        let cut = try await assistant.transcript(of: first.conversationID).messages[1]
        #expect(cut.figures?.hitTokenLimit == true && cut.figures?.generatedTokens == 3)
        let events = await ScriptedTurnTests.events(try await assistant.continueAnswer(conversation: first.conversationID))
        let summary = try #require(ScriptedTurnTests.summary(events))
        #expect(summary.text == cut.text + " seven eight.")
        #expect(!summary.hitTokenLimit)
        let prompt = Self.text(try #require(setup.generator.requests.last).prompt)
        #expect(prompt.hasSuffix(cut.text), "the prompt ends with the answer so far: \(prompt.suffix(40))")
        let transcript = try await assistant.transcript(of: first.conversationID)
        #expect(transcript.messages.map(\.text) == ["Count", cut.text + " seven eight."])
        #expect(transcript.messages[1].id == cut.id && transcript.messages[1].figures?.stopReason == "eog")
        #expect(try await setup.store.messages(in: first.conversationID).count == 2)
    }
}
