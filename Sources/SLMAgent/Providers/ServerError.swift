import Foundation
import SLMEngine

/// Why a server could not answer, in words for the user. Never holds the API key.
public enum ServerError: Error, Equatable, Sendable, CustomStringConvertible {
    case notConfigured(String)
    case unreachable(server: String, url: String, detail: String)
    case keyRefused(server: String, status: Int, message: String)
    case failed(server: String, status: Int, message: String)
    case badAnswer(server: String, detail: String)
    /// An error the server streamed in place of the answer.
    case reported(server: String, message: String)
    /// The connection ended before the answer did.
    case cutOff(server: String)

    public var description: String {
        switch self {
        case .notConfigured(let name):
            "there is no server “\(name)”; add it with /server add NAME URL or under \"servers\" in config.json"
        case .unreachable(let server, let url, let detail):
            "cannot reach server \(server) at \(url): \(detail)"
        case .keyRefused(let server, let status, let message):
            "server \(server) refused the API key (HTTP \(status))\(message.isEmpty ? "" : ": \(message)"); check api_key_env in config.json"
        case .failed(let server, let status, let message):
            "server \(server) answered HTTP \(status)\(message.isEmpty ? "" : ": \(message)")"
        case .badAnswer(let server, let detail):
            "server \(server) answered in a way slm-tui cannot read: \(detail)"
        case .reported(let server, let message):
            "server \(server) reported: \(message)"
        case .cutOff(let server):
            "server \(server) stopped answering mid-answer (the connection closed); what came is kept"
        }
    }
}

extension ServerError {
    /// A server's words cut to a status-bar length, on one line.
    static func brief(_ text: String) -> String {
        let line = text.split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces)
        return line.count > 300 ? String(line.prefix(300)) + "…" : line
    }

    /// The error for an HTTP answer that is not 2xx, in the server's own words when its body
    /// says them (`{"error": {"message": …}}`, `{"error": "…"}`, `{"detail": …}`).
    static func answered(status: Int, body: Data, server: String) -> ServerError {
        let text = String(decoding: body, as: UTF8.self)
        let message = brief(JSONValue(parsing: text).flatMap { $0["error"].flatMap(ChatCompletionReader.message) ?? $0["detail"]?.stringValue }
            ?? text)
        return status == 401 || status == 403
            ? .keyRefused(server: server, status: status, message: message)
            : .failed(server: server, status: status, message: message)
    }
}
