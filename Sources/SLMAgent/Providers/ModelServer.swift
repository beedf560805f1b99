import Foundation

/// A server that runs models for slm-tui: Ollama, llama.cpp's `llama-server`, vLLM, LM
/// Studio or anything else that speaks the OpenAI chat-completions API. Configured in
/// `config.json` under `"servers"`:
///
/// ```json
/// "servers": [{"name": "box", "url": "http://box:11434", "api": "ollama", "api_key_env": "BOX_KEY"}]
/// ```
///
/// The API key is read from the environment variable `api_key_env` names (or, less safely,
/// `api_key` in the file); it is sent to the server and never stored or printed.
public struct ModelServer: Codable, Sendable, Equatable {
    /// Which API lists the server's models: Ollama's `/api/tags` or OpenAI's `/v1/models`.
    /// Chat goes through `/v1/chat/completions` on both.
    public enum API: String, Codable, Sendable, CaseIterable {
        case openai, ollama
    }

    /// The short name models are picked by: `qwen3:30b@box`.
    public var name: String
    /// Where the server listens, e.g. `http://box:11434` (a trailing `/v1` is allowed).
    public var url: String
    /// `openai` or `ollama` (nil: `ollama` on Ollama's port 11434, else `openai`).
    public var api: String?
    /// The environment variable that holds the API key.
    public var apiKeyEnvironment: String?
    /// The API key itself, for setups without environment variables.
    public var apiKey: String?

    enum CodingKeys: String, CodingKey {
        case name, url, api
        case apiKeyEnvironment = "api_key_env"
        case apiKey = "api_key"
    }

    public init(name: String, url: String, api: String? = nil, apiKeyEnvironment: String? = nil, apiKey: String? = nil) {
        self.name = name
        self.url = url
        self.api = api
        self.apiKeyEnvironment = apiKeyEnvironment
        self.apiKey = apiKey
    }

    /// What is wrong with this entry, in words; nil when it can be used.
    public var problem: String? {
        if !Self.isValidName(name) {
            return "a server's name must be letters, digits, '-', '_' or '.', not “\(name)”"
        }
        if let api, API(rawValue: api) == nil {
            return "server \(name): api must be openai or ollama, not “\(api)”"
        }
        guard baseURL != nil else { return "server \(name): “\(url)” is not an http:// or https:// address" }
        return nil
    }

    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 40
            && name.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0) }
            && name.unicodeScalars.allSatisfy(\.isASCII)
    }

    /// The address without a trailing `/` or `/v1`: the API paths are added to it.
    var baseURL: URL? {
        var text = url.trimmingCharacters(in: .whitespaces)
        while text.hasSuffix("/") { text.removeLast() }
        if text.hasSuffix("/v1") { text.removeLast(3) }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              url.host?.isEmpty == false else { return nil }
        return url
    }

    /// The key to send, from the environment first.
    func key(environment: [String: String]) -> String? {
        if let variable = apiKeyEnvironment, let value = environment[variable], !value.isEmpty { return value }
        return apiKey.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Whether the server lists models the Ollama way: said in config, or guessed from
    /// Ollama's port.
    var listsLikeOllama: Bool { (api.flatMap(API.init(rawValue:)) ?? (baseURL?.port == 11434 ? .ollama : .openai)) == .ollama }
}

/// A model on a server, named the way the picker and `--model` write it: `qwen3:30b@box`.
public struct RemoteModelName: Sendable, Hashable, CustomStringConvertible {
    public let model: String
    public let server: String

    public init(model: String, server: String) {
        self.model = model
        self.server = server
    }

    /// Splits `NAME@SERVER` at the last `@` when `servers` has a server of that name.
    public init?(_ text: String, servers: [ModelServer]) {
        guard let at = text.lastIndex(of: "@") else { return nil }
        let model = String(text[..<at]), server = String(text[text.index(after: at)...])
        guard !model.isEmpty, servers.contains(where: { $0.name == server }) else { return nil }
        self.init(model: model, server: server)
    }

    public var description: String { "\(model)@\(server)" }
}
