import SLMEngine

/// What a server offers: its models, and whether it answered.
public struct ServerModels: Sendable, Equatable {
    public let server: ModelServer
    /// Model names as the server gives them (`qwen3:30b`), in its order.
    public let models: [String]
    /// Models a server says are in memory now (Ollama's `/api/ps`).
    public let running: Set<String>
    /// Why the server could not be asked (down, refused the key…); nil when it answered.
    public let error: ServerError?

    public var isReachable: Bool { error == nil }
}

/// Asks servers for their models: `GET /api/tags` and `/api/ps` on Ollama, `GET /v1/models`
/// elsewhere; a server that does not answer within `timeout` seconds is reported down.
public struct ServerCatalog: Sendable {
    let timeout: Double

    public init(timeout: Double = 3) { self.timeout = timeout }

    public func models(on server: ModelServer) async -> ServerModels {
        do {
            let connection = try ServerConnection(server)
            if server.listsLikeOllama {
                let tags = try await connection.json(connection.request("api/tags", timeout: timeout))
                let running = (try? await connection.json(connection.request("api/ps", timeout: timeout)))
                    .map(Self.ollamaNames) ?? []
                return ServerModels(server: server, models: Self.ollamaNames(tags), running: Set(running), error: nil)
            }
            let list = try await connection.json(connection.request("v1/models", timeout: timeout))
            let names = Self.kept((list["data"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue })
            return ServerModels(server: server, models: names, running: [], error: nil)
        } catch let error as ServerError {
            return ServerModels(server: server, models: [], running: [], error: error)
        } catch {
            return ServerModels(server: server, models: [], running: [], error: .badAnswer(server: server.name, detail: "\(error)"))
        }
    }

    /// Every server's models, asked at once.
    public func models(on servers: [ModelServer]) async -> [ServerModels] {
        await withTaskGroup(of: (Int, ServerModels).self) { group in
            for (index, server) in servers.enumerated() {
                group.addTask { (index, await models(on: server)) }
            }
            var found: [(Int, ServerModels)] = []
            for await entry in group { found.append(entry) }
            return found.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    private static func ollamaNames(_ list: JSONValue) -> [String] {
        kept((list["models"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue ?? $0["model"]?.stringValue })
    }

    /// At most 1,000 names of at most 200 characters: a server's list is not trusted to be small.
    private static func kept(_ names: [String]) -> [String] {
        names.filter { !$0.isEmpty && $0.count <= 200 }.prefix(1000).map { $0 }
    }
}
