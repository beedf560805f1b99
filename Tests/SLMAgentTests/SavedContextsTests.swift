import Foundation
import SLMAgent
import SLMEngine
import SLMStore
import SLMTestSupport
import Testing

/// Conversations' saved contexts: the folder's files and limit, and a follow-up after a
/// restart that continues from the saved context instead of evaluating the conversation.
@Suite("Saved contexts folder", .serialized)
struct SavedContextsTests {
    static func write(_ bytes: Int, _ name: String, in folder: URL, age seconds: TimeInterval) throws {
        let url = folder.appendingPathComponent(name)
        try Data(count: bytes).write(to: url)
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-seconds)],
                                              ofItemAtPath: url.path)
    }

    static func names(in folder: URL) -> Set<String> {
        Set((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
    }

    @Test("the least recently used files go first once the folder passes its limit; crash leftovers go too")
    func eviction() throws {
        let folder = try Fixtures.temporaryDirectory("contexts")
        let contexts = SavedContexts(folder: folder, limitBytes: 2_500)
        try Self.write(1_000, "conversation-1-00000000000000aa.ctx", in: folder, age: 300)
        try Self.write(1_000, "conversation-2-00000000000000aa.ctx", in: folder, age: 100)
        try Self.write(1_000, "conversation-3-00000000000000aa.ctx", in: folder, age: 200)
        try Self.write(10, "conversation-4-00000000000000aa.ctx.partial-123", in: folder, age: 3_600)
        try Self.write(10, "conversation-5-00000000000000aa.ctx.partial-456", in: folder, age: 1)
        try Self.write(5_000, "notes.txt", in: folder, age: 9_000)
        contexts.evict()
        #expect(Self.names(in: folder) == ["conversation-2-00000000000000aa.ctx", "conversation-3-00000000000000aa.ctx",
                                           "conversation-5-00000000000000aa.ctx.partial-456", "notes.txt"])
        // using a file marks it recent: the other one goes next
        let fingerprint = ModelFingerprint(value: 0xAA)
        _ = contexts.file(conversation: 3, fingerprint: fingerprint)
        try Self.write(1_000, "conversation-6-00000000000000aa.ctx", in: folder, age: 0)
        contexts.evict()
        let kept = Set(Self.names(in: folder).filter { $0.hasSuffix(".ctx") })
        #expect(kept == ["conversation-3-00000000000000aa.ctx", "conversation-6-00000000000000aa.ctx"])
    }

    @Test("each conversation and model file has its own file; a folder that cannot be made gives none")
    func naming() throws {
        let folder = try Fixtures.temporaryDirectory("contexts").appendingPathComponent("new")
        let contexts = SavedContexts(folder: folder)
        let path = try #require(contexts.file(conversation: 12, fingerprint: ModelFingerprint(value: 0xBEEF)))
        #expect(path == folder.appendingPathComponent("conversation-12-000000000000beef.ctx").path)
        #expect(contexts.file(conversation: 1, fingerprint: ModelFingerprint(value: 1)) != path)
        let attributes = try FileManager.default.attributesOfItem(atPath: folder.path)
        #expect((attributes[.posixPermissions] as? Int) == 0o700)
        let blocked = try Fixtures.temporaryDirectory("contexts").appendingPathComponent("file")
        try Data().write(to: blocked)
        #expect(SavedContexts(folder: blocked).file(conversation: 1, fingerprint: ModelFingerprint(value: 1)) == nil)
    }

    @Test("saved_contexts_mb sets the limit; 0 keeps none")
    func settings() {
        let folder = URL(fileURLWithPath: "/data/contexts")
        #expect(UserSettings().savedContexts(in: folder)?.limitBytes == SavedContexts.defaultLimitBytes)
        #expect(UserSettings(savedContextsMB: 200).savedContexts(in: folder)?.limitBytes == 200_000_000)
        #expect(UserSettings(savedContextsMB: 0).savedContexts(in: folder) == nil)
    }

    // MARK: - Through the runtime, on the default model

    static let chatter = AgentProfile(
        name: "chatter", summary: "chat", instructions: "You are a friendly assistant.", toolNames: [],
        sampling: .greedy, preferredModel: .light, startsWithTool: false, keywords: [])

    /// A runtime over the store and contexts folder in `folder`, as a new process makes one.
    static func runtime(in folder: URL) async throws -> AgentRuntime {
        let store = try Store(path: folder.appendingPathComponent("slm-tui.sqlite3").path)
        var configuration = RuntimeConfiguration()
        configuration.answerTokens = 8
        configuration.savedContexts = SavedContexts(folder: folder.appendingPathComponent("contexts"))
        let manager = ModelManager(configuration: .init(contextLength: 1024, threads: 2))
        let runtime = AgentRuntime(store: store, models: manager, drafts: DraftsFolder(url: folder.appendingPathComponent("drafts")),
                                   agents: [chatter], configuration: configuration)
        try await runtime.selectModel(ModelReference(name: "gemma3-270m", path: try DefaultModel.path()))
        return runtime
    }

    static func turn(_ runtime: AgentRuntime, _ text: String, conversation: Int?) async -> (TurnSummary?, [TurnStats]) {
        var summary: TurnSummary?, stats: [TurnStats] = []
        for await event in runtime.send(text, options: TurnOptions(conversationID: conversation, agent: "chatter")).events {
            if case .finished(let finished) = event { summary = finished }
            if case .stats(let step) = event { stats.append(step) }
        }
        return (summary, stats)
    }

    @Test("after a restart a follow-up loads the conversation's saved context; deleting the conversation deletes it")
    func resumeAfterRestart() async throws {
        let folder = try Fixtures.temporaryDirectory("resume")
        let contexts = folder.appendingPathComponent("contexts")
        let long = Array(repeating: "The garden path runs past the old station to the river.", count: 12)
            .joined(separator: " ")
        let first = try await Self.runtime(in: folder)
        let (opened, firstStats) = await Self.turn(first, "Read this: \(long)", conversation: nil)
        let id = try #require(opened?.conversationID)
        #expect(firstStats.first?.restoredTokens == 0)
        await first.saveContexts()
        let files = Self.names(in: contexts)
        #expect(files.count == 1 && files.first?.hasPrefix("conversation-\(id)-") == true, "\(files)")

        let restarted = try await Self.runtime(in: folder)
        let (_, stats) = await Self.turn(restarted, "And in one word?", conversation: id)
        let step = try #require(stats.first)
        #expect(step.restoredTokens > 150, "\(step)")
        #expect(step.reusedPromptTokens >= step.restoredTokens - 2, "\(step)")
        #expect(step.promptTokens - step.reusedPromptTokens < 40, "only the new question is evaluated: \(step)")

        // another conversation takes the cache: this one's context is saved on the way out
        _ = await Self.turn(restarted, "Hello there.", conversation: nil)
        #expect(Self.names(in: contexts).count == 1)
        await restarted.saveContexts()
        #expect(Self.names(in: contexts).count == 2)
        try await restarted.deleteConversation(id)
        #expect(!Self.names(in: contexts).contains { $0.hasPrefix("conversation-\(id)-") })
        await restarted.saveContexts()
        #expect(Self.names(in: contexts).count == 1)
    }
}
