import Foundation
import SLMEngine
import SLMTestSupport
import Testing

/// Saved contexts: a session's cached positions written to a file and loaded by another
/// session, which then continues exactly as the first would have; a file that does not fit
/// or is damaged is refused and the cache is left as it was.
@Suite("Saved contexts")
struct SavedContextTests {
    static let prompt = [1, 300, 301, 302, 303, 40, 41, 42, 43, 44, 45, 46]
    static let followUp = [47, 48, 400, 401, 402]

    static func model(_ name: String = "gemma3-mixed") throws -> TransformerModel {
        try TransformerModel(file: GGUFFile(path: Fixtures.url("synthetic/\(name).gguf").path))
    }

    /// A fresh folder for one test's files.
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("saved-context-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test("a restored context continues bit for bit as the session that saved it",
          arguments: ["llama-mixed", "gemma3-mixed", "qwen3-mixed", "phi3-mixed", "lfm2-mixed", "qwen35-mixed", "gemma4-mixed"])
    func roundTrip(name: String) throws {
        let model = try Self.model(name)
        let path = try Self.folder().appendingPathComponent("c.ctx").path
        for cacheType in KVCacheType.allCases
        where (try? InferenceSession(model: model, contextLength: 16, cacheType: cacheType)) != nil {
            let original = try InferenceSession(model: model, contextLength: 64, cacheType: cacheType, threads: 2)
            _ = try original.evaluate(Self.prompt)
            try original.saveContext(to: path)
            let expected = try original.evaluate(Self.prompt + Self.followUp)

            let resumed = try InferenceSession(model: model, contextLength: 64, cacheType: cacheType, threads: 2)
            #expect(try resumed.savedContextTokens(at: path) == Self.prompt)
            #expect(try resumed.restoreContext(from: path) == Self.prompt.count)
            #expect(resumed.cachedTokens == Self.prompt)
            #expect(try resumed.evaluate(Self.prompt + Self.followUp) == expected, "\(name) \(cacheType.rawValue)")
            // the file's permissions keep it to its owner: it holds the conversation
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            #expect((attributes[.posixPermissions] as? Int) == 0o600)
        }
    }

    @Test("an empty cache writes nothing; a saved file is replaced whole")
    func emptyAndReplaced() throws {
        let model = try Self.model()
        let folder = try Self.folder()
        let path = folder.appendingPathComponent("c.ctx").path
        let session = try InferenceSession(model: model, contextLength: 64, threads: 2)
        try session.saveContext(to: path)
        #expect(!FileManager.default.fileExists(atPath: path))
        _ = try session.evaluate(Self.prompt)
        try session.saveContext(to: path)
        _ = try session.evaluate(Array(Self.prompt.prefix(4)))
        try session.saveContext(to: path)
        #expect(try session.savedContextTokens(at: path) == Array(Self.prompt.prefix(4)))
        // no temporary file is left behind
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["c.ctx"])
    }

    /// A session holding `prompt`, and the logits it gives for the follow-up.
    static func holdingPrompt(_ model: TransformerModel, cacheType: KVCacheType = .f16, context: Int = 64) throws
        -> InferenceSession
    {
        let session = try InferenceSession(model: model, contextLength: context, cacheType: cacheType, threads: 2)
        _ = try session.evaluate(Array(Self.prompt.prefix(5)))
        return session
    }

    /// Expects `path` refused with an error like `expected`, the session's cache unchanged.
    static func expectRefused(_ path: String, into session: InferenceSession, _ expected: (SavedContextError) -> Bool,
                              sourceLocation: SourceLocation = #_sourceLocation) throws {
        let before = session.cachedTokens
        do {
            try session.restoreContext(from: path)
            Issue.record("the file was loaded", sourceLocation: sourceLocation)
        } catch {
            #expect(expected(error), "\(error)", sourceLocation: sourceLocation)
            #expect(!error.description.isEmpty, sourceLocation: sourceLocation)
        }
        #expect(session.cachedTokens == before, sourceLocation: sourceLocation)
    }

    @Test("a file saved with another model, cache precision or shorter context is refused as stale")
    func stale() throws {
        let model = try Self.model()
        let path = try Self.folder().appendingPathComponent("c.ctx").path
        let saver = try InferenceSession(model: model, contextLength: 64, threads: 2)
        _ = try saver.evaluate(Self.prompt)
        try saver.saveContext(to: path)

        func isStale(_ error: SavedContextError) -> Bool { if case .stale = error { true } else { false } }
        try Self.expectRefused(path, into: Self.holdingPrompt(Self.model("gemma3-f16")), isStale)
        try Self.expectRefused(path, into: Self.holdingPrompt(model, cacheType: .f32), isStale)
        try Self.expectRefused(path, into: Self.holdingPrompt(model, context: 8), isStale)

        // the same shapes with one weight changed: another file, another fingerprint
        var bytes = try [UInt8](Data(contentsOf: Fixtures.url("synthetic/gemma3-mixed.gguf")))
        let file = try GGUFFile(bytes: bytes)
        bytes[file.dataOffset + (bytes.count - file.dataOffset) / 2] ^= 0x10
        let altered = try TransformerModel(file: GGUFFile(bytes: bytes))
        #expect(altered.fingerprint != model.fingerprint)
        #expect(try TransformerModel(file: GGUFFile(bytes: bytes)).fingerprint == altered.fingerprint)
        try Self.expectRefused(path, into: Self.holdingPrompt(altered), isStale)
    }

    @Test("a damaged, cut, foreign or missing file is refused and the cache kept")
    func damaged() throws {
        let model = try Self.model()
        let folder = try Self.folder()
        let path = folder.appendingPathComponent("c.ctx").path
        let saver = try InferenceSession(model: model, contextLength: 64, threads: 2)
        _ = try saver.evaluate(Self.prompt)
        try saver.saveContext(to: path)
        let good = try Data(contentsOf: URL(fileURLWithPath: path))
        let session = try Self.holdingPrompt(model)
        let expected = try Self.holdingPrompt(model).evaluate(Self.prompt + Self.followUp)

        func write(_ data: Data) throws -> String {
            let damaged = folder.appendingPathComponent("damaged.ctx")
            try data.write(to: damaged)
            return damaged.path
        }
        func isCorrupt(_ error: SavedContextError) -> Bool { if case .corrupt = error { true } else { false } }
        // one bit of a cached value flipped: only the digest shows it
        var flipped = good
        flipped[good.count - 100] ^= 0x01
        try Self.expectRefused(write(flipped), into: session, isCorrupt)
        // a token id flipped
        var token = good
        token[64] ^= 0x02
        try Self.expectRefused(write(token), into: session, isCorrupt)
        try Self.expectRefused(write(good.prefix(good.count - 1)), into: session, isCorrupt)
        try Self.expectRefused(write(good + Data([0])), into: session, isCorrupt)
        // a token outside the vocabulary
        var outside = good
        outside.replaceSubrange(64..<68, with: [0xFF, 0xFF, 0xFF, 0x7F])
        try Self.expectRefused(write(outside), into: session, isCorrupt)
        func isUnknown(_ error: SavedContextError) -> Bool { if case .unknownFormat = error { true } else { false } }
        try Self.expectRefused(write(Data("not a context at all, just text that is long enough to read".utf8)),
                               into: session, isUnknown)
        var version = good
        version[8] = 9
        try Self.expectRefused(write(version), into: session, isUnknown)
        func isUnreadable(_ error: SavedContextError) -> Bool { if case .cannotRead = error { true } else { false } }
        try Self.expectRefused(write(Data()), into: session, isUnreadable)
        try Self.expectRefused(folder.appendingPathComponent("missing.ctx").path, into: session, isUnreadable)
        try Self.expectRefused(folder.path, into: session, isUnreadable)
        // the cache that was kept still gives the same logits
        #expect(try session.evaluate(Self.prompt + Self.followUp) == expected)
    }

    @Test("a file that cannot be written says why and leaves no file")
    func unwritable() throws {
        let session = try Self.holdingPrompt(try Self.model())
        let path = try Self.folder().appendingPathComponent("no-such-folder/c.ctx").path
        #expect { try session.saveContext(to: path) } throws: { error in
            guard case .cannotWrite(let target, let reason) = error as? SavedContextError else { return false }
            return target == path && !reason.isEmpty
        }
    }

    // MARK: - Through the generator

    static func generator(_ model: TransformerModel) throws -> TextGenerator {
        let file = try GGUFFile(path: Fixtures.url("synthetic/gemma3-mixed.gguf").path)
        return try TextGenerator(model: model, tokenizer: Tokenizer(file: file), contextLength: 64, threads: 2)
    }

    @Test("a request naming a context file loads it when it holds more of the prompt, after a restart too")
    func generatorResumes() async throws {
        let model = try Self.model()
        let folder = try Self.folder()
        let first = folder.appendingPathComponent("first.ctx").path
        let other = folder.appendingPathComponent("other.ctx").path
        let turn = GenerationRequest(prompt: Self.prompt, maxTokens: 4, sampling: .greedy, contextFile: first)
        let (answer, _, _) = try await GeneratorTests.collect(Self.generator(model).generate(turn))
        let followUp = Self.prompt + answer + [47, 48]
        let (expected, _, _) = try await GeneratorTests.collect(
            Self.generator(model).generate(GenerationRequest(prompt: followUp, maxTokens: 4, sampling: .greedy)))

        let generator = try Self.generator(model)
        _ = try await GeneratorTests.collect(generator.generate(turn))
        let heldAfterTurn = generator.cachedTokenCount
        #expect(!FileManager.default.fileExists(atPath: first))
        // another conversation: the first one's context is saved on the way out
        let otherTurn = GenerationRequest(prompt: [1, 500, 501], maxTokens: 2, sampling: .greedy, contextFile: other)
        _ = try await GeneratorTests.collect(generator.generate(otherTurn))
        #expect(FileManager.default.fileExists(atPath: first))
        // back to the first: loaded, not evaluated again
        var next = GenerationRequest(prompt: followUp, maxTokens: 4, sampling: .greedy, contextFile: first)
        let (again, _, stats) = try await GeneratorTests.collect(generator.generate(next))
        #expect(again == expected)
        #expect(stats?.restoredTokens == heldAfterTurn)
        #expect(stats?.reusedPromptTokens == heldAfterTurn)
        // a restart: a new generator, saved on quit
        let heldAtQuit = generator.cachedTokenCount
        try await generator.saveContext()
        let restarted = try Self.generator(model)
        next.prompt = followUp + again + [49]
        let (resumed, _, resumedStats) = try await GeneratorTests.collect(restarted.generate(next))
        let (fresh, _, _) = try await GeneratorTests.collect(
            Self.generator(model).generate(GenerationRequest(prompt: next.prompt, maxTokens: 4, sampling: .greedy)))
        #expect(resumed == fresh)
        #expect(resumedStats?.restoredTokens == heldAtQuit)
        #expect(resumedStats?.reusedPromptTokens == heldAtQuit)
    }

    @Test("a damaged context file is passed over: the prompt is evaluated and the answer is the same")
    func generatorPassesOverDamage() async throws {
        let model = try Self.model()
        let path = try Self.folder().appendingPathComponent("c.ctx").path
        let saver = try InferenceSession(model: model, contextLength: 64, threads: 2)
        _ = try saver.evaluate(Self.prompt)
        try saver.saveContext(to: path)
        var data = try Data(contentsOf: URL(fileURLWithPath: path))
        data[data.count - 50] ^= 0x40
        try data.write(to: URL(fileURLWithPath: path))

        let request = GenerationRequest(prompt: Self.prompt + Self.followUp, maxTokens: 4, sampling: .greedy,
                                        contextFile: path)
        let (ids, _, stats) = try await GeneratorTests.collect(Self.generator(model).generate(request))
        var plain = request
        plain.contextFile = nil
        let (expected, _, _) = try await GeneratorTests.collect(Self.generator(model).generate(plain))
        #expect(ids == expected)
        #expect(stats?.restoredTokens == 0)
        #expect(stats?.reusedPromptTokens == 0)
    }

    @Test("a conversation whose prompt never ran keeps nothing of the one before it in its file")
    func noLeakAcrossConversations() async throws {
        let model = try Self.model()
        let folder = try Self.folder()
        let first = folder.appendingPathComponent("first.ctx").path, second = folder.appendingPathComponent("second.ctx").path
        let generator = try Self.generator(model)
        let turn = GenerationRequest(prompt: Self.prompt, maxTokens: 2, sampling: .greedy, contextFile: first)
        _ = try await GeneratorTests.collect(generator.generate(turn))
        // the second conversation's request fails before its prompt is evaluated
        let failing = GenerationRequest(prompt: [1, 300, 9_999_999], maxTokens: 2, sampling: .greedy, contextFile: second)
        await #expect(throws: EngineError.self) { _ = try await GeneratorTests.collect(generator.generate(failing)) }
        try await generator.saveContext()
        let session = try InferenceSession(model: model, contextLength: 64, threads: 2)
        #expect(try session.savedContextTokens(at: second) == [1, 300])
        #expect(try session.savedContextTokens(at: first).starts(with: Self.prompt))
    }

    @Test("a forgotten context file is never written again")
    func forget() async throws {
        let model = try Self.model()
        let path = try Self.folder().appendingPathComponent("c.ctx").path
        let generator = try Self.generator(model)
        let request = GenerationRequest(prompt: Self.prompt, maxTokens: 2, sampling: .greedy, contextFile: path)
        _ = try await GeneratorTests.collect(generator.generate(request))
        await generator.forgetContext(in: path)
        try await generator.saveContext()
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(generator.cachedTokenCount == 0)
    }
}
