import Foundation
import SLMEngine
import SLMTestSupport
import Testing

/// The memory estimate made before loading is what a session then allocates.
@Suite("Memory need")
struct MemoryNeedTests {
    @Test("a session's buffers are the estimate's (less the sampler's and prompt lookup's logits), for every family, context and thread count",
          arguments: ["llama-mixed", "qwen2-mixed", "phi3-f16", "gemma3-mixed", "gemma4-mixed"])
    func estimateMatchesAllocation(name: String) throws {
        let model = try TransformerModel(file: GGUFFile(path: Fixtures.url("synthetic/\(name).gguf").path))
        let h = model.hyperparameters
        for (context, threads) in [(16, 1), (64, 3), (256, 2)] {
            let session = try InferenceSession(model: model, contextLength: context, cacheType: .f32, threads: threads)
            let need = try InferenceSession.memoryNeed(hyperparameters: h, contextLength: context, cacheType: .f32,
                                                       threads: threads)
            let logitRows = 2 + 2 * (PromptLookup.defaultDraftLength + 1)
            #expect(session.scratchBytes + logitRows * h.vocabularySize * 4 == need.scratchBytes, "\(name) \(context) \(threads)")
            if name.hasPrefix("gemma4") {
                // layers 0-3 sliding (2 KV heads of 16), 4 global (1 of 32), 5 and 6 read 3's and 4's cache
                #expect(need.kvCacheBytes == context * (4 * 2 * 16 * 2 + 1 * 32 * 2) * 4)
            } else {
                #expect(need.kvCacheBytes == h.layerCount * context * h.headCountKV * (h.keyLength + h.valueLength) * 4)
            }
        }
    }
}
