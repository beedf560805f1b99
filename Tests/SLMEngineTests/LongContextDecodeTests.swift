import SLMEngine
import SLMTestSupport
import Testing

/// A generated token that sees `InferenceSession.longAttentionSpan` positions or more attends
/// through `slm_attend_long`; its logits must be close to the ones the same token gets as the
/// last row of a long batch (the reference's single-precision tiles), so the kernel reads the
/// right heads and rows of the cache. Measured here: at most 6e-4 of the largest logit (the
/// rest of the difference is the batch's matrix kernels); the half-precision kernel, just
/// under the span, differs by 2e-3 to 7e-3.
@Suite("Long-context decode")
struct LongContextDecodeTests {
    @Test("a token generated after 700 positions gets the logits it gets inside one batch",
          arguments: ["qwen2-f16", "gemma3-f16", "llama-f16"])
    func decodeMatchesBatch(name: String) throws {
        let model = try TransformerModel(file: GGUFFile(path: Fixtures.url("synthetic/\(name).gguf").path))
        var generator = SplitMix64(seed: 17)
        let tokens = (0..<700).map { _ in Int(generator.next() % UInt64(model.hyperparameters.vocabularySize)) }
        let stepwise = try InferenceSession(model: model, contextLength: 1024, threads: 2)
        _ = try stepwise.evaluate(Array(tokens.dropLast()))
        let generated = try stepwise.append(tokens.last!)
        let batched = try InferenceSession(model: model, contextLength: 1024, threads: 2).evaluate(tokens)
        let scale = batched.map(abs).max() ?? 1
        let worst = zip(generated, batched).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst <= 1e-3 * max(1, scale), "worst \(worst) of \(scale)")
    }

    /// Over a Q8_0 cache (`slm_attend_long_q8_0`) the generated token's logits differ from the
    /// F16 cache's by the cache's rounding and the query's conversion to Q8_0 only (measured:
    /// 0.013 and 0.015 with largest logits of 1.2 and 2.5; reading the keys as values instead
    /// gives 1.3 and 4.3).
    @Test("over a Q8_0 cache, a token generated after 700 positions is near the F16 cache's",
          arguments: ["gemma3-f16", "qwen3-f16"])
    func quantizedCacheDecode(name: String) throws {
        let model = try TransformerModel(file: GGUFFile(path: Fixtures.url("synthetic/\(name).gguf").path))
        var generator = SplitMix64(seed: 23)
        let tokens = (0..<700).map { _ in Int(generator.next() % UInt64(model.hyperparameters.vocabularySize)) }
        var results: [[Float]] = []
        for cacheType in [KVCacheType.f16, .q8_0] {
            let session = try InferenceSession(model: model, contextLength: 1024, cacheType: cacheType, threads: 2)
            _ = try session.evaluate(Array(tokens.dropLast()))
            results.append(try session.append(tokens.last!))
        }
        let scale = results[0].map(abs).max() ?? 1
        let worst = zip(results[0], results[1]).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst <= 0.02 * max(1, scale), "worst \(worst) of \(scale)")
    }
}
