import Foundation
import SLMEngine

/// A model ready to answer: weights, tokenizer, chat format and a generator with its own
/// KV cache (so a follow-up turn only evaluates its new tokens). The engine's objects stay
/// inside the agent; a front end sees what a screen shows.
public final class LoadedModel: Sendable {
    public let reference: ModelReference
    let model: TransformerModel
    let tokenizer: Tokenizer
    let template: ChatTemplate
    let generator: TextGenerator
    public let estimate: MemoryEstimate
    let summary: ModelSummary
    /// Milliseconds from opening the file to ready.
    public let loadMilliseconds: Double

    init(reference: ModelReference, file: GGUFFile, estimate: MemoryEstimate, cacheType: KVCacheType, threads: Int)
        throws
    {
        let start = ContinuousClock.now
        self.reference = reference
        model = try TransformerModel(file: file)
        tokenizer = try Tokenizer(file: file)
        template = ChatTemplate.detect(
            chatTemplate: file["tokenizer.chat_template"]?.stringValue, architecture: model.architecture.name,
            vocabulary: tokenizer.vocabulary)
        generator = try TextGenerator(model: model, tokenizer: tokenizer, contextLength: estimate.contextLength,
                                      cacheType: cacheType, threads: threads)
        self.estimate = estimate
        summary = ModelSummary(file)
        let elapsed = ContinuousClock.now - start
        loadMilliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) * 1e-15
    }

    /// Family, quant and size, e.g. `gemma3 · Q4_K_M · 268M`.
    public var detail: String {
        let quant = DiscoveredModel.quant(of: model.file) ?? "?"
        return "\(summary.architecture) · \(quant) · \(DiscoveredModel.parameterText(summary.parameterCount))"
    }

    /// Tokens whose keys and values the generator's cache holds.
    public var cachedTokenCount: Int { generator.cachedTokenCount }

    /// The tool-call format this model's family expects.
    public var toolCallStyle: ToolCallStyle { .matching(template) }

    /// Whether the model was tuned for chat (its file carries a chat template). Only such a
    /// model is left to start tool calls on its own; a base model imitates the tool-call
    /// examples in its prompt endlessly, so it calls tools only when a turn requires one.
    public var isChatTuned: Bool { summary.hasChatTemplate }
}
