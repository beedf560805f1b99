import Foundation

/// A model file the manager can load: a name people know it by, and its path.
public struct ModelReference: Sendable, Hashable, Codable {
    public let name: String
    public let path: URL

    public init(name: String, path: URL) {
        self.name = name
        self.path = path
    }

    /// A file named by its path: the file name is its name.
    public init(path: URL) {
        self.init(name: path.lastPathComponent, path: path)
    }
}
