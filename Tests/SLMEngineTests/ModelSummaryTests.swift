import SLMEngine
import SLMTestSupport
import Testing

@Suite("Model summary")
struct ModelSummaryTests {
    @Test("reads architecture keys, counts parameters and the quant mix")
    func tinyModel() throws {
        let summary = ModelSummary(try GGUFFile(bytes: TinyGGUF.bytes()))
        #expect(summary.architecture == "llama")
        #expect(summary.name == "tiny test model")
        #expect(summary.parameterCount == 256 + 128 + 256 + 64)
        #expect(summary.quantMix == [.f32: 2, .q8_0: 1, .q4K: 1])
        #expect(summary.quantMixDescription == "F32 2, Q8_0 1, Q4_K 1")
        #expect(summary.contextLength == 256)
        #expect(summary.headCount == 4)
        #expect(summary.headCountKV == 2)
        #expect(summary.vocabularySize == 16)
        #expect(summary.tokenizer == "llama")
        #expect(summary.hasChatTemplate == false)
        #expect(summary.parameterDescription == "0.00M")
    }

    @Test("missing keys are unknown, not invented")
    func sparseFile() throws {
        var writer = GGUFWriter()
        writer.set("general.architecture", .string("qwen2"))
        writer.set("qwen2.attention.head_count", .uint32(14))
        writer.set("tokenizer.chat_template", .string("{{ messages }}"))
        let summary = ModelSummary(try GGUFFile(bytes: writer.serialized()))
        #expect(summary.contextLength == nil)
        #expect(summary.headCountKV == 14)
        #expect(summary.vocabularySize == nil)
        #expect(summary.hasChatTemplate)
        #expect(summary.parameterCount == 0)
    }

    @Test("a hybrid model's per-layer key/value heads read as its attention layers' count")
    func hybridModel() throws {
        let summary = ModelSummary(try GGUFFile(path: Fixtures.url("synthetic/lfm2-mixed.gguf").path))
        #expect(summary.architecture == "lfm2")
        #expect(summary.headCount == 4)
        #expect(summary.headCountKV == 2)
        #expect(summary.blockCount == 5)
    }
}
