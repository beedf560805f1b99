import Foundation
import SLMEngine

/// A model ready to answer: tokenizer, chat format and a generator with its own KV cache
/// (so a follow-up turn only evaluates its new tokens). The engine's objects stay inside
/// the agent; a front end sees what a screen shows.
public final class LoadedModel: Sendable {
    public let reference: ModelReference
    let tokenizer: Tokenizer
    let template: ChatTemplate
    let generator: any ModelGenerator
    public let estimate: MemoryEstimate
    /// Family, quant, size and the KV cache's precision and size at the full context, e.g.
    /// `gemma3 · Q4_K_M · 268M · KV q8_0 31 MB`.
    public let detail: String
    /// Whether the model was tuned for chat (its file carries a chat template). Only such a
    /// model is left to start tool calls on its own; a base model imitates the tool-call
    /// examples in its prompt endlessly, so it calls tools only when a turn requires one.
    public let isChatTuned: Bool
    /// Its template writes thoughts (`<think>` blocks, Gemma 4's thought channel): a
    /// thinking model (Qwen3, SmolLM3, Gemma 4…).
    public var thinks: Bool { thinkingTags != nil }
    /// The tags its thoughts are written in, nil for a model that does not think.
    let thinkingTags: ThinkingTags?
    /// Writes prompts with the model's own chat template when it has one that runs.
    public let renderer: PromptRenderer
    /// Milliseconds from opening the file to ready.
    public let loadMilliseconds: Double
    /// Tells the model file from others: saved contexts are kept per fingerprint (nil: a
    /// scripted model that keeps none).
    let fingerprint: ModelFingerprint?

    init(reference: ModelReference, file: GGUFFile, estimate: MemoryEstimate, cacheType: KVCacheType, threads: Int)
        throws
    {
        let start = ContinuousClock.now
        let model = try TransformerModel(file: file)
        let tokenizer = try Tokenizer(file: file)
        let summary = ModelSummary(file)
        self.reference = reference
        self.tokenizer = tokenizer
        template = ChatTemplate.detect(
            chatTemplate: file["tokenizer.chat_template"]?.stringValue, architecture: model.architecture.name,
            vocabulary: tokenizer.vocabulary)
        generator = try TextGenerator(model: model, tokenizer: tokenizer, contextLength: estimate.contextLength,
                                      cacheType: cacheType, threads: threads)
        fingerprint = model.fingerprint
        self.estimate = estimate
        detail = "\(summary.architecture) · \(DiscoveredModel.quant(of: file) ?? "?") · "
            + DiscoveredModel.parameterText(summary.parameterCount)
            + " · KV \(cacheType.rawValue) \(estimate.kvCacheBytes / 1_000_000) MB"
            + (estimate.recurrentStateBytes > 0 ? " · state ≤\(Self.megabytes(estimate.recurrentStateBytes)) MB" : "")
        isChatTuned = summary.hasChatTemplate
        thinkingTags = ThinkingTags.written(by: file["tokenizer.chat_template"]?.stringValue)
        renderer = PromptRenderer(chatTemplate: file["tokenizer.chat_template"]?.stringValue,
                                  architecture: model.architecture.name, vocabulary: tokenizer.vocabulary)
        loadMilliseconds = (ContinuousClock.now - start) / .milliseconds(1)
    }

    /// A model around any generator: for tests, which script what the model says.
    package init(reference: ModelReference, tokenizer: Tokenizer, template: ChatTemplate, generator: any ModelGenerator,
                 contextLength: Int, isChatTuned: Bool = true, thinks: Bool = false, chatTemplate: String? = nil,
                 fingerprint: ModelFingerprint? = nil) {
        self.fingerprint = fingerprint
        thinkingTags = thinks ? ThinkingTags.written(by: chatTemplate) ?? .think : nil
        renderer = PromptRenderer(chatTemplate: chatTemplate, architecture: "", vocabulary: tokenizer.vocabulary)
        self.reference = reference
        self.tokenizer = tokenizer
        self.template = template
        self.generator = generator
        estimate = MemoryEstimate(weightBytes: 0, kvCacheBytes: 0, scratchBytes: 0, contextLength: contextLength)
        detail = "scripted"
        self.isChatTuned = isChatTuned
        loadMilliseconds = 0
    }

    /// Megabytes with one decimal: a recurrent state is often well under one.
    private static func megabytes(_ bytes: Int) -> String { String(format: "%.1f", Double(bytes) / 1_000_000) }

    /// Tokens whose keys and values the generator's cache holds.
    public var cachedTokenCount: Int { generator.cachedTokenCount }

    /// The tool-call format this model expects: the one its own template writes
    /// (`<tool_call>` tags for Qwen, SmolLM3, Hermes, Granite 4; `<|tool_call|>[…]` for
    /// Phi-4-mini and Granite 3), else its family's.
    public var toolCallStyle: ToolCallStyle {
        renderer.modelTemplate.flatMap { ToolCallStyle.written(by: $0.source) } ?? .matching(template)
    }
}
