/// Why the engine cannot load a model or run a request. Messages name the thing at fault.
public enum EngineError: Error, Equatable, Sendable, CustomStringConvertible {
    case unsupportedArchitecture(String)
    case unsupportedTensorType(tensor: String, type: String)
    case missingTensor(String)
    case tensorShape(tensor: String, expected: [Int], found: [Int])
    case missingMetadata(String)
    case invalidMetadata(key: String, reason: String)
    /// A size computed from the model's numbers does not fit in memory's address range.
    case tooLarge(String)
    case promptTooLong(tokens: Int, context: Int)
    case emptyPrompt
    case tokenOutOfRange(Int, vocabulary: Int)
    case unsupportedTokenizer(String)
    case cancelled
    /// No token of the vocabulary can continue the grammar (a vocabulary without the
    /// characters it needs).
    case grammarDeadEnd(after: String)

    public var description: String {
        switch self {
        case .unsupportedArchitecture(let name):
            "unsupported model architecture \(name) (supported: \(Architecture.all.map(\.name).joined(separator: ", ")))"
        case .unsupportedTensorType(let tensor, let type):
            "tensor \(tensor) has type \(type), which this engine does not support"
        case .missingTensor(let name):
            "the model has no tensor \(name)"
        case .tensorShape(let tensor, let expected, let found):
            "tensor \(tensor) has shape \(found), expected \(expected)"
        case .missingMetadata(let key):
            "the model has no metadata \(key)"
        case .invalidMetadata(let key, let reason):
            "metadata \(key): \(reason)"
        case .tooLarge(let what):
            "\(what) is too large to allocate"
        case .promptTooLong(let tokens, let context):
            "the prompt has \(tokens) tokens but the context holds \(context); shorten it or raise --ctx"
        case .emptyPrompt:
            "the prompt is empty"
        case .tokenOutOfRange(let token, let vocabulary):
            "token id \(token) is outside the vocabulary of \(vocabulary)"
        case .cancelled:
            "cancelled"
        case .grammarDeadEnd(let text):
            "no token of this model's vocabulary can continue the constrained text after \(text.debugDescription)"
        case .unsupportedTokenizer(let kind):
            "unsupported tokenizer \(kind) (supported: llama / SentencePiece, gpt2 / byte-level BPE, gemma4 / BPE with spaces as ▁)"
        }
    }
}
