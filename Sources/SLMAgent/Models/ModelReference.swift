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

extension ModelReference {
    /// A model on a server, as the manager's callers pass models around: named
    /// `model@server`, with an `slm-server:` address in place of a file path.
    public init(remote: RemoteModelName) {
        var components = URLComponents()
        components.scheme = Self.remoteScheme
        components.host = remote.server
        components.path = "/" + remote.model
        self.init(name: remote.description, path: components.url ?? URL(string: "\(Self.remoteScheme)://\(remote.server)/")!)
    }

    /// The server and model this names, when it names one on a server.
    public var remote: RemoteModelName? {
        guard path.scheme == Self.remoteScheme, let server = path.host, let at = name.lastIndex(of: "@") else { return nil }
        return RemoteModelName(model: String(name[..<at]), server: server)
    }

    static let remoteScheme = "slm-server"
}
