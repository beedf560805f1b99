import Foundation
import SLMEngine
import SLMTestSupport
import Testing

/// A hybrid model's recurrent state (the LFM2 fixture's short convolutions, the Qwen3.5
/// fixture's DeltaNet matrices): a follow-up turn continues from the kept state instead of
/// evaluating the conversation again, and a prompt that leaves the cache's path restarts
/// from the latest state kept before it.
@Suite("Recurrent state of hybrid models")
struct RecurrentStateTests {
    static let prompt = [1, 300, 301, 302, 303, 40, 41, 42, 43, 44, 45, 46]

    static let models = ["lfm2-mixed", "qwen35-mixed"]

    static func model(_ name: String = "lfm2-mixed") throws -> TransformerModel {
        try TransformerModel(file: GGUFFile(path: Fixtures.url("synthetic/\(name).gguf").path))
    }

    /// `count` greedy tokens appended to the session, as a generation does.
    static func answer(_ session: InferenceSession, after logits: [Float], count: Int) throws -> [Int] {
        var logits = logits, tokens: [Int] = []
        for _ in 0..<count {
            let token = GemmaAgreementTests.argmax(logits)
            tokens.append(token)
            logits = try session.append(token)
        }
        return tokens
    }

    /// A session of model `name` that has evaluated the prompt and answered 8 greedy tokens,
    /// and the logits after the prompt.
    static func answered(_ name: String) throws -> (TransformerModel, InferenceSession, [Float]) {
        let model = try Self.model(name)
        let session = try InferenceSession(model: model, contextLength: 256, threads: 2)
        let logits = try session.evaluate(Self.prompt)
        _ = try Self.answer(session, after: logits, count: 8)
        return (model, session, logits)
    }

    /// The logits a fresh session gives after `tokens`.
    static func fresh(_ model: TransformerModel, _ tokens: [Int]) throws -> [Float] {
        try InferenceSession(model: model, contextLength: 256, threads: 2).evaluate(tokens)
    }

    static func expectClose(_ a: [Float], _ b: [Float], _ comment: Comment) {
        let worst = zip(a, b).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst < 1e-4, "\(comment): max |Δlogit| \(worst)")
    }

    @Test("each follow-up turn evaluates only its own tokens, however long the conversation", arguments: models)
    func followUps(name: String) throws {
        let model = try Self.model(name)
        let session = try InferenceSession(model: model, contextLength: 256, threads: 2)
        var conversation = Self.prompt
        var logits = try session.evaluate(conversation)
        #expect(session.evaluatedPositions == Self.prompt.count)
        for turn in 0..<4 {
            conversation += try Self.answer(session, after: logits, count: 6)
            let message = [2, 400 + turn, 401 + turn, 402 + turn, 1]
            let before = session.evaluatedPositions
            conversation += message
            logits = try session.evaluate(conversation)
            #expect(session.evaluatedPositions - before == message.count, "turn \(turn)")
            Self.expectClose(logits, try Self.fresh(model, conversation), "turn \(turn)")
        }
    }

    @Test("an answer the next prompt spells differently is evaluated again from the state kept after the prompt", arguments: models)
    func divergingAnswer(name: String) throws {
        let (model, session, _) = try Self.answered(name)
        let respelled = [310, 311, 312, 313, 314, 315]
        let followUp = [2, 420, 421, 1]
        let before = session.evaluatedPositions
        let continued = try session.evaluate(Self.prompt + respelled + followUp)
        #expect(session.evaluatedPositions - before == respelled.count + followUp.count)
        #expect(session.cachedTokens == Self.prompt + respelled + followUp)
        Self.expectClose(continued, try Self.fresh(model, Self.prompt + respelled + followUp), "respelled")
    }

    @Test("regenerating an answer takes the kept logits: nothing is evaluated", arguments: models)
    func regenerate(name: String) throws {
        let (model, session, first) = try Self.answered(name)
        let before = session.evaluatedPositions
        #expect(try session.evaluate(Self.prompt) == first)
        #expect(session.evaluatedPositions == before)
        #expect(session.cachedTokens == Self.prompt)
        // and the next answer continues from the restored state exactly as the first did
        let again = try InferenceSession(model: model, contextLength: 256, threads: 2)
        let expected = try Self.answer(again, after: try again.evaluate(Self.prompt), count: 8)
        #expect(try Self.answer(session, after: first, count: 8) == expected)
    }

    @Test("an edited earlier message restarts from the latest kept state before the edit", arguments: models)
    func editedEarlierMessage(name: String) throws {
        let model = try Self.model(name)
        let session = try InferenceSession(model: model, contextLength: 256, threads: 2)
        let second = Self.prompt + [2, 400, 401, 1]
        let third = second + [2, 410, 411, 1]
        _ = try session.evaluate(Self.prompt)
        _ = try session.evaluate(second)
        _ = try session.evaluate(third)
        // the third turn's message edited: the state kept after the second prompt serves
        let edited = second + [2, 412, 413, 414, 1]
        var before = session.evaluatedPositions
        Self.expectClose(try session.evaluate(edited), try Self.fresh(model, edited), "edited third")
        #expect(session.evaluatedPositions - before == edited.count - second.count)
        // the first message edited: no state was kept before it, so all of it runs
        let rewritten = [1, 300, 350] + Array(second.dropFirst(3))
        before = session.evaluatedPositions
        Self.expectClose(try session.evaluate(rewritten), try Self.fresh(model, rewritten), "edited first")
        #expect(session.evaluatedPositions - before == rewritten.count)
    }

    @Test("a saved context carries the state kept after the prompt: after a restart, a respelled answer or a regenerated one does not evaluate the prompt again", arguments: models)
    func savedCheckpoint(name: String) throws {
        let model = try Self.model(name)
        let path = try SavedContextTests.folder().appendingPathComponent("c.ctx").path
        let original = try InferenceSession(model: model, contextLength: 256, threads: 2)
        let first = try original.evaluate(Self.prompt)
        let answer = try Self.answer(original, after: first, count: 6)
        try original.saveContext(to: path)

        let resumed = try InferenceSession(model: model, contextLength: 256, threads: 2)
        #expect(try resumed.restoreContext(from: path) == Self.prompt.count + answer.count)
        #expect(try resumed.evaluate(Self.prompt) == first)
        #expect(resumed.evaluatedPositions == 0)

        let again = try InferenceSession(model: model, contextLength: 256, threads: 2)
        try again.restoreContext(from: path)
        let respelled = Self.prompt + [310, 311, 312, 2, 420, 1]
        Self.expectClose(try again.evaluate(respelled), try Self.fresh(model, respelled), "respelled after a restart")
        #expect(again.evaluatedPositions == respelled.count - Self.prompt.count)
    }

    @Test("cutting the cache back goes to the latest kept state at or before the cut", arguments: models)
    func truncation(name: String) throws {
        let model = try Self.model(name)
        let session = try InferenceSession(model: model, contextLength: 256, threads: 2)
        #expect(!session.canTruncateAnywhere)
        let logits = try session.evaluate(Self.prompt)
        _ = try Self.answer(session, after: logits, count: 5)
        session.truncate(to: Self.prompt.count + 2)
        #expect(session.cachedTokens == Self.prompt)
        session.truncate(to: 3)
        #expect(session.cachedTokens.isEmpty)
        Self.expectClose(try session.evaluate(Self.prompt), logits, "after the cut")
        let transformer = try InferenceSession(model: SavedContextTests.model("llama-mixed"), contextLength: 64)
        #expect(transformer.canTruncateAnywhere)
    }

    /// The lfm2 fixture's metadata with `changes` applied, read as hyperparameters.
    static func hyperparameters(_ changes: [String: GGUFValue?], of name: String = "lfm2-mixed",
                                architecture: Architecture = .lfm2) throws(EngineError) -> Hyperparameters {
        var writer = GGUFWriter()
        let file = try! GGUFFile(path: Fixtures.url("synthetic/\(name).gguf").path)
        for key in file.metadataKeys where changes[key] == nil { writer.set(key, file[key]!) }
        for case let (key, value?) in changes { writer.set(key, value) }
        return try Hyperparameters(file: try! GGUFFile(bytes: writer.serialized()), architecture: architecture)
    }

    @Test("DeltaNet sizes and layer kinds that do not fit are refused, naming the key")
    func hostileDeltaNet() throws {
        func reason(_ changes: [String: GGUFValue?]) -> (key: String, reason: String)? {
            do {
                _ = try Self.hyperparameters(changes, of: "qwen35-mixed", architecture: .qwen35)
                return nil
            } catch .invalidMetadata(let key, let reason) {
                return (key, reason)
            } catch {
                return ("\(error)", "")
            }
        }
        #expect(try Self.hyperparameters([:], of: "qwen35-mixed", architecture: .qwen35).deltaNet?.valueHeads == 4)
        #expect(reason(["qwen35.ssm.inner_size": .uint32(60)])?.key == "qwen35.ssm.inner_size")
        #expect(reason(["qwen35.ssm.group_count": .uint32(3)])?.reason.contains("do not divide") == true)
        #expect(reason(["qwen35.full_attention_interval": .uint32(9)])?.key == "qwen35.full_attention_interval")
        #expect(reason(["qwen35.attention.recurrent_layers": Self.layers([1, 1, 1, 1])])?.reason == "no layer attends")
        #expect(reason(["qwen35.attention.value_length": .uint32(16)])?.key == "qwen35.attention.value_length")
        #expect(throws: EngineError.missingMetadata("qwen35.ssm.state_size")) {
            try Self.hyperparameters(["qwen35.ssm.state_size": GGUFValue?.none], of: "qwen35-mixed", architecture: .qwen35)
        }
        // a state no real model comes near (1024 heads of 1024 × 1024 floats, 4 GB a layer), each
        // size within its own range, is refused, not allocated
        let huge = reason(["qwen35.ssm.state_size": .uint32(1024), "qwen35.ssm.time_step_rank": .uint32(1024),
                           "qwen35.ssm.inner_size": .uint32(1024 * 1024)])
        #expect(huge?.key == "qwen35.ssm.state_size")
        #expect(huge?.reason.contains("recurrent state would take") == true)
        // the file's recurrent_layers flags win over the interval
        let flagged = try Self.hyperparameters(["qwen35.attention.recurrent_layers": Self.layers([1, 0, 0, 1])],
                                               of: "qwen35-mixed", architecture: .qwen35)
        #expect(flagged.attentionLayers == [false, true, true, false])
    }

    static func layers(_ counts: [Int32]) -> GGUFValue {
        .array(GGUFArray(elementType: .int32, values: counts.map { .int32($0) }))
    }

    @Test("per-layer key/value heads that do not fit the model are refused, naming the key")
    func hostileLayerKinds() throws {
        let key = "lfm2.attention.head_count_kv"
        func reason(_ changes: [String: GGUFValue?]) -> String? {
            do {
                _ = try Self.hyperparameters(changes)
                return nil
            } catch .invalidMetadata(let found, let reason) {
                #expect(found == key)
                return reason
            } catch {
                return "\(error)"
            }
        }
        #expect(try Self.hyperparameters([:]).attentionLayers == [false, false, true, false, true])
        #expect(reason([key: Self.layers([0, 2, 2])])?.contains("expected 5 integers") == true)
        #expect(reason([key: Self.layers([0, 0, 0, 0, 0])])?.contains("no layer has key/value heads") == true)
        #expect(reason([key: Self.layers([0, 2, 4, 0, 2])])?.contains("different counts") == true)
        #expect(reason([key: Self.layers([0, 3, 3, 0, 3])])?.contains("does not divide 4 heads") == true)
        #expect(reason([key: Self.layers([0, -1, 2, 0, 2])])?.contains("each must be an integer") == true)
        #expect(throws: EngineError.missingMetadata("lfm2.shortconv.l_cache")) {
            try Self.hyperparameters(["lfm2.shortconv.l_cache": GGUFValue?.none])
        }
        #expect(throws: EngineError.self) { try Self.hyperparameters(["lfm2.shortconv.l_cache": .uint32(1)]) }
        // a plain transformer's layers all attend: a 0 there is refused
        var writer = GGUFWriter()
        let llama = try GGUFFile(path: Fixtures.url("synthetic/llama-mixed.gguf").path)
        for key in llama.metadataKeys { writer.set(key, llama[key]!) }
        writer.set("llama.attention.head_count_kv", Self.layers([2, 0]))
        #expect(throws: EngineError.self) {
            try Hyperparameters(file: try GGUFFile(bytes: writer.serialized()), architecture: .llama)
        }
    }

    @Test("the memory need counts the state and its checkpoints; the session's state is counted as it grows")
    func memory() throws {
        let model = try Self.model()
        let h = model.hyperparameters
        #expect(h.attentionLayers == [false, false, true, false, true])
        #expect(h.shortConvolutionLength == 3)
        let need = try InferenceSession.memoryNeed(hyperparameters: h, contextLength: 256)
        let stateFloats = 3 * 2 * h.embeddingLength
        #expect(need.recurrentStateBytes == 5 * stateFloats * 4 + 4 * h.vocabularySize * 4)
        // two attention layers keep keys and values, the three convolutions none
        #expect(need.kvCacheBytes == 2 * 256 * h.headCountKV * (h.keyLength + h.valueLength) * 2)
        let session = try InferenceSession(model: model, contextLength: 256)
        #expect(session.recurrentStateBytes == stateFloats * 4)
        _ = try session.evaluate(Self.prompt)
        #expect(session.recurrentStateBytes == 2 * stateFloats * 4 + h.vocabularySize * 4)
        // Qwen3.5's: two DeltaNet layers, each 3 × 128 convolution inputs and 4 heads' 16 × 16 matrices
        let qwen35 = try Self.model("qwen35-mixed").hyperparameters
        #expect(qwen35.attentionLayers == [false, true, false, true])
        #expect(qwen35.recurrentStateFloatsTotal == 2 * (3 * 128 + 4 * 16 * 16))
        // a state of 33 MB keeps one checkpoint (the copies' budget is 48 MB), a small one four
        let large = try Self.hyperparameters(
            ["qwen35.ssm.state_size": .uint32(512), "qwen35.ssm.time_step_rank": .uint32(16),
             "qwen35.ssm.inner_size": .uint32(16 * 512)], of: "qwen35-mixed", architecture: .qwen35)
        let largeFloats = large.recurrentStateFloatsTotal
        #expect(largeFloats * 4 > 32 << 20)
        #expect(try InferenceSession.memoryNeed(hyperparameters: large, contextLength: 256).recurrentStateBytes
            == 2 * largeFloats * 4 + large.vocabularySize * 4)
        #expect(try InferenceSession.memoryNeed(hyperparameters: qwen35, contextLength: 256).recurrentStateBytes
            == 5 * qwen35.recurrentStateFloatsTotal * 4 + 4 * qwen35.vocabularySize * 4)
        let llama = try SavedContextTests.model("llama-mixed").hyperparameters
        #expect(try InferenceSession.memoryNeed(hyperparameters: llama, contextLength: 256).recurrentStateBytes == 0)
    }
}
