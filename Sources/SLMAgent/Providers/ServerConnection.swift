import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import SLMEngine

/// HTTP to one configured server (plain HTTP over a socket of our own, TLS through
/// URLSession, which is libcurl on Linux): a body streamed as it arrives, or read whole. A status that is not
/// 2xx becomes a `ServerError` with the server's own message; ending the stream (a
/// cancelled turn) cancels the request, which closes the connection.
struct ServerConnection: Sendable {
    let server: ModelServer
    let base: URL
    private let key: String?

    init(_ server: ModelServer, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ServerError) {
        guard let base = server.baseURL else {
            throw .notConfigured(server.problem ?? server.name)
        }
        self.server = server
        self.base = base
        key = server.key(environment: environment)
    }

    /// A request to `path` with the key and JSON headers; `timeout` is how long the server
    /// may stay silent.
    func request(_ path: String, body: JSONValue? = nil, timeout: TimeInterval) -> URLRequest {
        var request = URLRequest(url: base.appendingPathComponent(path), timeoutInterval: timeout)
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        if let key { request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.httpMethod = "POST"
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(body.text.utf8)
        }
        return request
    }

    /// The body's bytes as they arrive: over a socket of our own for `http://`, through
    /// URLSession for `https://`.
    func stream(_ request: URLRequest) -> AsyncThrowingStream<Data, Error> {
        guard let url = request.url, url.scheme?.lowercased() == "http" else {
            return BodyStream.start(request, server: server.name, url: base.absoluteString)
        }
        let headers = (request.allHTTPHeaderFields ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        return SocketHTTP.stream(SocketHTTP.Request(
            url: url, method: request.httpMethod ?? "GET", headers: headers, body: request.httpBody,
            connectTimeout: min(request.timeoutInterval, Self.connectTimeout), silence: request.timeoutInterval,
            server: server.name))
    }

    /// Seconds a connection may take to open: a server that is down is said so quickly.
    static let connectTimeout: Double = 5

    /// The whole body, parsed as JSON.
    func json(_ request: URLRequest) async throws -> JSONValue {
        var body = Data()
        for try await piece in stream(request) {
            body += piece
            guard body.count < 16_000_000 else { throw ServerError.badAnswer(server: server.name, detail: "the answer is over 16 MB") }
        }
        guard let value = JSONValue(parsing: String(decoding: body, as: UTF8.self)) else {
            throw ServerError.badAnswer(server: server.name, detail: "not JSON: \(String(decoding: body.prefix(120), as: UTF8.self))")
        }
        return value
    }
}

/// One request's body as an async stream of bytes, fed by URLSession's delegate calls.
private final class BodyStream: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private let continuation: AsyncThrowingStream<Data, Error>.Continuation
    private let server: String
    private let url: String
    /// Touched only on the session's own serial queue.
    private var status = 0
    private var errorBody = Data()

    private init(continuation: AsyncThrowingStream<Data, Error>.Continuation, server: String, url: String) {
        self.continuation = continuation
        self.server = server
        self.url = url
    }

    static func start(_ request: URLRequest, server: String, url: String) -> AsyncThrowingStream<Data, Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: Data.self)
        let delegate = BodyStream(continuation: continuation, server: server, url: url)
        let session = URLSession(configuration: .ephemeral, delegate: delegate, delegateQueue: nil)
        let task = session.dataTask(with: request)
        continuation.onTermination = { reason in
            if case .cancelled = reason { task.cancel() }
            session.finishTasksAndInvalidate()
        }
        task.resume()
        return stream
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        status = (response as? HTTPURLResponse)?.statusCode ?? 0
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        if (200..<300).contains(status) {
            continuation.yield(data)
        } else if errorBody.count < 65_536 {
            errorBody += data
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        if let error {
            let nsError = error as NSError
            if nsError.code == NSURLErrorCancelled {
                continuation.finish(throwing: CancellationError())
            } else if status == 0 {
                continuation.finish(throwing: ServerError.unreachable(server: server, url: url, detail: Self.words(nsError)))
            } else {
                continuation.finish(throwing: ServerError.cutOff(server: server))
            }
            return
        }
        guard (200..<300).contains(status) else {
            continuation.finish(throwing: ServerError.answered(status: status, body: errorBody, server: server))
            return
        }
        continuation.finish()
    }

    /// The client's error in plain words.
    private static func words(_ error: NSError) -> String {
        switch error.code {
        case NSURLErrorCannotConnectToHost: "connection refused (is the server running, and on this port?)"
        case NSURLErrorTimedOut: "no answer in time"
        case NSURLErrorCannotFindHost, NSURLErrorDNSLookupFailed: "no such host"
        case NSURLErrorNetworkConnectionLost: "the connection was lost"
        case NSURLErrorSecureConnectionFailed, NSURLErrorServerCertificateUntrusted, NSURLErrorServerCertificateHasBadDate:
            "the TLS connection failed (\(error.localizedDescription))"
        default: error.localizedDescription
        }
    }
}
