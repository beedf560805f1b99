import Foundation
import SLMEngine

/// A model found on disk or offered by the catalog, described for lists and the picker.
public struct DiscoveredModel: Sendable, Equatable {
    /// Where it was found.
    public enum Source: String, Sendable, Codable {
        /// slm-tui's own models folder.
        case library
        /// A folder named in the settings.
        case folder
        case ollama
        case lmStudio = "lm-studio"
        case huggingFace = "hugging-face"
        /// In the catalog, not downloaded yet.
        case catalog
    }

    public let name: String
    /// The file; nil for a catalog model not downloaded yet.
    public let path: URL?
    public let source: Source
    public let architecture: String?
    public let parameters: Int?
    public let quant: String?
    /// Bytes on disk, or to download.
    public let size: Int?
    /// Memory it needs loaded at the default context, when known.
    public let memoryNeed: Int?
    /// Why it cannot be used (not GGUF, an unsupported architecture), or nil.
    public let unusable: String?
    /// What the catalog says it can do (`tools`, `thinking`).
    public var capabilities: [String] = []

    public init(name: String, path: URL?, source: Source, architecture: String?, parameters: Int?, quant: String?,
                size: Int?, memoryNeed: Int?, unusable: String?) {
        self.name = name
        self.path = path
        self.source = source
        self.architecture = architecture
        self.parameters = parameters
        self.quant = quant
        self.size = size
        self.memoryNeed = memoryNeed
        self.unusable = unusable
    }

    public var isInstalled: Bool { path != nil }

    /// The model as the manager loads it; nil when not downloaded or unusable.
    public var reference: ModelReference? {
        guard let path, unusable == nil else { return nil }
        return ModelReference(name: name, path: path)
    }

    /// `gemma3 · 268M · Q4_K_M · 253 MB`, with what is known.
    public var summary: String {
        var parts: [String] = []
        if let architecture { parts.append(architecture) }
        if let parameters { parts.append(Self.parameterText(parameters)) }
        if let quant { parts.append(quant) }
        if let size { parts.append(ByteCount(size).description) }
        parts += capabilities
        return parts.joined(separator: " · ")
    }

    /// A file's quant: its `general.file_type` (`Q4_K_M`), else its most common matrix type.
    public static func quant(of file: GGUFFile) -> String? { FileType.quant(of: file) }

    /// `268M`, `1.5B`.
    public static func parameterText(_ count: Int) -> String {
        count >= 1_000_000_000 ? String(format: "%.1fB", Double(count) / 1e9) : String(format: "%.0fM", Double(count) / 1e6)
    }
}

/// The llama.cpp file-type names of `general.file_type`.
enum FileType {
    static let names: [Int: String] = [
        0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1", 10: "Q2_K", 11: "Q3_K_S",
        12: "Q3_K_M", 13: "Q3_K_L", 14: "Q4_K_S", 15: "Q4_K_M", 16: "Q5_K_S", 17: "Q5_K_M", 18: "Q6_K",
        25: "IQ4_NL", 30: "IQ4_XS", 32: "BF16",
    ]

    /// The file's quant: its `general.file_type`, else its most common matrix type.
    static func quant(of file: GGUFFile) -> String? {
        if let type = file["general.file_type"]?.intValue, let name = names[type] { return name }
        let matrices = file.tensors.filter { $0.dimensions.count >= 2 }
        let counts = matrices.reduce(into: [QuantType: Int]()) { $0[$1.type, default: 0] += 1 }
        return counts.max { $0.value < $1.value }?.key.name
    }
}
