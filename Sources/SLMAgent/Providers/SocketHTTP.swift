import Foundation
import SLMSync

/// HTTP/1.1 over a plain TCP socket, for `http://` servers: one request per connection, the
/// body (chunked, sized or to the close) handed over as it arrives. URLSession on Linux
/// polls without sleeping while a slow stream trickles in — a core's worth of CPU taken
/// from the server it waits on when both share a machine — so plain HTTP goes through this
/// instead; `https://` stays with URLSession (TLS needs libcurl). A blocking thread per
/// request waits in `poll(2)`; a connect gives up after `connectTimeout`, a silent server
/// after `silence`; ending the stream (a cancelled turn) shuts the socket down.
enum SocketHTTP {
    struct Request {
        let url: URL
        let method: String
        let headers: [(String, String)]
        let body: Data?
        let connectTimeout: Double
        let silence: Double
        /// The server's name, for errors.
        let server: String
    }

    static func stream(_ request: Request) -> AsyncThrowingStream<Data, Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: Data.self)
        let connection = Connection(request, continuation: continuation)
        continuation.onTermination = { reason in
            if case .cancelled = reason { connection.cancel() }
        }
        let thread = Thread { connection.run() }
        thread.name = "slm-tui http"
        thread.start()
        return stream
    }

    /// Why a request failed before an HTTP answer, in words.
    private struct Failure: Error {
        let detail: String
    }

    private final class Connection: @unchecked Sendable {
        let request: Request
        let continuation: AsyncThrowingStream<Data, Error>.Continuation
        /// The socket, and whether the stream was ended by its reader; shared with `cancel`.
        private let state = Locked((socket: Int32(-1), cancelled: false))

        init(_ request: Request, continuation: AsyncThrowingStream<Data, Error>.Continuation) {
            self.request = request
            self.continuation = continuation
        }

        func cancel() {
            state.withLock { state in
                state.cancelled = true
                if state.socket >= 0 { shutdown(state.socket, Int32(SHUT_RDWR)) }
            }
        }

        private var cancelled: Bool { state.withLock { $0.cancelled } }
        private var address: String { request.url.absoluteString }

        func run() {
            var socket: Int32 = -1
            defer { if socket >= 0 { close(socket) } }
            do {
                socket = try connect()
                let kept = state.withLock { state -> Bool in
                    state.socket = socket
                    return !state.cancelled
                }
                guard kept else { throw CancellationError() }
                try send(on: socket)
                try receive(on: socket)
                continuation.finish()
            } catch let failure as Failure {
                continuation.finish(throwing: cancelled ? CancellationError()
                    : ServerError.unreachable(server: request.server, url: serverAddress, detail: failure.detail))
            } catch {
                continuation.finish(throwing: cancelled ? CancellationError() : error)
            }
        }

        /// The server's address as its errors name it: scheme, host and port.
        private var serverAddress: String {
            "http://\(request.url.host ?? "")" + (request.url.port.map { ":\($0)" } ?? "")
        }

        // MARK: - Connecting

        private func connect() throws -> Int32 {
            guard let host = request.url.host else { throw Failure(detail: "no host") }
            let port = String(request.url.port ?? 80)
            var hints = addrinfo()
            hints.ai_family = AF_UNSPEC
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var found: UnsafeMutablePointer<addrinfo>?
            guard getaddrinfo(host, port, &hints, &found) == 0, let first = found else {
                throw Failure(detail: "no such host")
            }
            defer { freeaddrinfo(first) }
            var detail = "connection refused (is the server running, and on this port?)"
            var entry: UnsafeMutablePointer<addrinfo>? = first
            while let current = entry {
                entry = current.pointee.ai_next
                // not inherited by a program the app starts meanwhile ($EDITOR)
                let socket = Glibc.socket(current.pointee.ai_family, current.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue),
                                          current.pointee.ai_protocol)
                guard socket >= 0 else { continue }
                _ = fcntl(socket, F_SETFL, fcntl(socket, F_GETFL) | O_NONBLOCK)
                if Glibc.connect(socket, current.pointee.ai_addr, current.pointee.ai_addrlen) == 0 { return socket }
                if errno == EINPROGRESS {
                    switch wait(socket, for: Int16(POLLOUT), seconds: request.connectTimeout) {
                    case .ready:
                        var error: Int32 = 0
                        var length = socklen_t(MemoryLayout<Int32>.size)
                        getsockopt(socket, SOL_SOCKET, SO_ERROR, &error, &length)
                        if error == 0 { return socket }
                        detail = Self.words(error)
                    case .timedOut:
                        detail = "no answer within \(Int(request.connectTimeout)) s"
                    case .cancelled:
                        close(socket)
                        throw CancellationError()
                    }
                } else {
                    detail = Self.words(errno)
                }
                close(socket)
            }
            throw Failure(detail: detail)
        }

        private static func words(_ error: Int32) -> String {
            switch error {
            case ECONNREFUSED: "connection refused (is the server running, and on this port?)"
            case ENETUNREACH, EHOSTUNREACH: "the network or host cannot be reached"
            case ETIMEDOUT: "no answer in time"
            default: String(cString: strerror(error))
            }
        }

        private enum Readiness { case ready, timedOut, cancelled }

        /// Waits for `events` on the socket, in slices so that a cancel is seen within 100 ms.
        private func wait(_ socket: Int32, for events: Int16, seconds: Double) -> Readiness {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if cancelled { return .cancelled }
                var entry = pollfd(fd: socket, events: events, revents: 0)
                let slice = Int32(max(1, min(100, deadline.timeIntervalSinceNow * 1000)))
                if poll(&entry, 1, slice) > 0 { return .ready }
            }
            return cancelled ? .cancelled : .timedOut
        }

        // MARK: - Sending

        private func send(on socket: Int32) throws {
            var path = request.url.path.isEmpty ? "/" : request.url.path
            if let query = request.url.query { path += "?" + query }
            let host = (request.url.host ?? "") + (request.url.port.map { ":\($0)" } ?? "")
            var head = "\(request.method) \(path) HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\nUser-Agent: slm-tui\r\n"
            for (name, value) in request.headers { head += "\(name): \(value)\r\n" }
            if let body = request.body { head += "Content-Length: \(body.count)\r\n" }
            let bytes = Data((head + "\r\n").utf8) + (request.body ?? Data())
            var sent = 0
            while sent < bytes.count {
                let written = bytes.withUnsafeBytes { buffer in
                    Glibc.send(socket, buffer.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL))
                }
                if written > 0 { sent += written; continue }
                guard written < 0, errno == EAGAIN || errno == EWOULDBLOCK else { throw Failure(detail: Self.words(errno)) }
                switch wait(socket, for: Int16(POLLOUT), seconds: request.silence) {
                case .ready: continue
                case .timedOut: throw Failure(detail: "no answer in time")
                case .cancelled: throw CancellationError()
                }
            }
        }

        // MARK: - Receiving

        /// Reads the answer: a 2xx body is yielded as it comes, anything else becomes the
        /// server's error.
        private func receive(on socket: Int32) throws {
            var decoder = ResponseDecoder()
            var buffer = [UInt8](repeating: 0, count: 16_384)
            var errorBody = Data()
            while !decoder.isComplete {
                switch wait(socket, for: Int16(POLLIN), seconds: request.silence) {
                case .ready: break
                case .timedOut:
                    throw decoder.status == nil ? ServerError.unreachable(server: request.server, url: serverAddress,
                                                                          detail: "no answer in time")
                        : ServerError.cutOff(server: request.server)
                case .cancelled: throw CancellationError()
                }
                let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
                if count < 0, errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { continue }
                if count <= 0 {
                    if cancelled { throw CancellationError() }
                    guard decoder.endOfStream() else {
                        throw decoder.status == nil
                            ? ServerError.badAnswer(server: request.server, detail: "the connection closed before an HTTP answer")
                            : ServerError.cutOff(server: request.server)
                    }
                    break
                }
                let body = try decoder.push(buffer[..<count], server: request.server)
                guard let status = decoder.status, !body.isEmpty else { continue }
                if (200..<300).contains(status) {
                    continuation.yield(body)
                } else if errorBody.count < 65_536 {
                    errorBody += body
                }
            }
            if let status = decoder.status, !(200..<300).contains(status) {
                throw ServerError.answered(status: status, body: errorBody, server: request.server)
            }
        }
    }

    /// Reads an HTTP/1.1 response as its bytes come: the status line and headers, then the
    /// body by `Transfer-Encoding: chunked`, `Content-Length` or to the close.
    struct ResponseDecoder {
        private(set) var status: Int?
        private var head = [UInt8]()
        private var framing = Framing.toClose
        private var pending = [UInt8]()
        private(set) var isComplete = false

        private enum Framing {
            case toClose
            case length(remaining: Int)
            /// Chunked: a size line is next, a chunk's data, the CRLF after it, or the trailers.
            case chunkSize, chunkData(remaining: Int), chunkEnd, trailers
        }

        /// The body bytes `bytes` completes.
        mutating func push(_ bytes: ArraySlice<UInt8>, server: String) throws(ServerError) -> Data {
            guard status != nil else {
                head += bytes
                guard let end = Self.headEnd(head) else {
                    if head.count > 65_536 { throw .badAnswer(server: server, detail: "the answer's headers are too long") }
                    return Data()
                }
                try readHead(Array(head[..<end]), server: server)
                let rest = head[(end + 4)...]
                head = []
                return try push(rest, server: server)
            }
            switch framing {
            case .toClose:
                return Data(bytes)
            case .length(let remaining):
                let taken = bytes.prefix(remaining)
                framing = .length(remaining: remaining - taken.count)
                if remaining - taken.count == 0 { isComplete = true }
                return Data(taken)
            case .chunkSize, .chunkData, .chunkEnd, .trailers:
                pending += bytes
                return try dechunk(server: server)
            }
        }

        /// The connection closed: whether the body was whole.
        mutating func endOfStream() -> Bool {
            guard status != nil else { return false }
            if case .toClose = framing { isComplete = true }
            return isComplete
        }

        private static func headEnd(_ bytes: [UInt8]) -> Int? {
            guard bytes.count >= 4 else { return nil }
            for index in 0...(bytes.count - 4)
            where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
                return index
            }
            return nil
        }

        private mutating func readHead(_ bytes: [UInt8], server: String) throws(ServerError) {
            let lines = String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n")
            let parts = lines.first?.split(separator: " ") ?? []
            guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let code = Int(parts[1]) else {
                throw .badAnswer(server: server, detail: "not an HTTP answer: \(lines.first?.prefix(80) ?? "")")
            }
            status = code
            for line in lines.dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                let name = line[..<colon].lowercased()
                let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces).lowercased()
                if name == "transfer-encoding", value.contains("chunked") {
                    framing = .chunkSize
                } else if name == "content-length", let length = Int(value), case .toClose = framing {
                    framing = .length(remaining: length)
                    if length == 0 { isComplete = true }
                }
            }
        }

        private mutating func dechunk(server: String) throws(ServerError) -> Data {
            var body = Data()
            while !isComplete {
                if case .chunkData(let remaining) = framing {
                    let taken = pending.prefix(remaining)
                    guard !taken.isEmpty else { break }
                    body += taken
                    pending.removeFirst(taken.count)
                    framing = remaining == taken.count ? .chunkEnd : .chunkData(remaining: remaining - taken.count)
                    continue
                }
                guard let lineEnd = Self.lineEnd(pending) else { break }
                let line = String(decoding: pending[..<lineEnd], as: UTF8.self)
                pending.removeFirst(lineEnd + 2)
                switch framing {
                case .chunkEnd:
                    guard line.isEmpty else { throw .badAnswer(server: server, detail: "a chunk did not end where its size said") }
                    framing = .chunkSize
                case .trailers:
                    if line.isEmpty { isComplete = true }
                default:
                    let sizeText = line.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
                    guard let size = Int(sizeText, radix: 16), size >= 0 else {
                        throw .badAnswer(server: server, detail: "a chunk size that is not a number: \(line.prefix(20))")
                    }
                    framing = size == 0 ? .trailers : .chunkData(remaining: size)
                }
            }
            return body
        }

        private static func lineEnd(_ bytes: [UInt8]) -> Int? {
            guard bytes.count >= 2 else { return nil }
            for index in 0...(bytes.count - 2) where bytes[index] == 13 && bytes[index + 1] == 10 { return index }
            return nil
        }
    }
}
