import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import SLMSync

/// Downloads a file over HTTP(S) into `<destination>.part`, resuming a part left by an
/// earlier try with a `Range` request, and reporting bytes, rate and time left on the
/// caller's thread while it waits. The caller checks and moves the finished part into place.
final class HTTPDownloader: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    /// How far a download is.
    struct Progress: Sendable, Equatable {
        let bytes: Int
        /// Nil when the server does not say.
        let total: Int?
        let bytesPerSecond: Double
        /// Seconds left at the current rate, when the total is known.
        var secondsLeft: Double? {
            guard let total, bytesPerSecond > 0 else { return nil }
            return Double(total - bytes) / bytesPerSecond
        }
    }

    private let url: URL
    private let part: URL
    private let done = DispatchSemaphore(value: 0)
    /// What the session's thread writes and the waiting thread reads.
    private struct State {
        var handle: FileHandle?
        var written = 0
        var resumedFrom = 0
        var total: Int?
        var failure: Error?

        mutating func fail(_ error: Error) {
            if failure == nil { failure = error }
        }
    }

    private let state = Locked(State())
    private let start = Date()

    init(url: URL, part: URL) {
        self.url = url
        self.part = part
    }

    /// Downloads to the part file, calling `progress` about five times a second; returns
    /// when the file is complete, throws when it is not (the part stays for the next try).
    func run(progress: (Progress) -> Void) throws {
        let existing = (try? FileManager.default.attributesOfItem(atPath: part.path)[.size] as? Int) ?? 0
        var request = URLRequest(url: url, timeoutInterval: 30)
        if existing > 0 { request.setValue("bytes=\(existing)-", forHTTPHeaderField: "Range") }
        state.withLock { $0.resumedFrom = existing }
        let session = URLSession(configuration: .ephemeral, delegate: self, delegateQueue: nil)
        session.dataTask(with: request).resume()
        while done.wait(timeout: .now() + 0.2) == .timedOut { progress(snapshot()) }
        progress(snapshot())
        session.finishTasksAndInvalidate()
        let failure = state.withLock { state in
            try? state.handle?.close()
            return state.failure
        }
        if let failure { throw failure }
    }

    private func snapshot() -> Progress {
        let seconds = max(Date().timeIntervalSince(start), 0.001)
        return state.withLock { state in
            Progress(bytes: state.written, total: state.total,
                     bytesPerSecond: Double(state.written - state.resumedFrom) / seconds)
        }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        let disposition = state.withLock { state -> URLSession.ResponseDisposition in
            guard let http = response as? HTTPURLResponse else {
                state.fail(ModelError.download(source: url.absoluteString, detail: "not an HTTP response"))
                return .cancel
            }
            do {
                switch http.statusCode {
                case 206:
                    // the server continues where the part ends
                    state.handle = try FileHandle(forWritingTo: part)
                    try state.handle?.seekToEnd()
                    state.written = state.resumedFrom
                    state.total = Self.totalFromContentRange(http.value(forHTTPHeaderField: "Content-Range"))
                case 200:
                    // no resuming: start again from nothing
                    _ = FileManager.default.createFile(atPath: part.path, contents: nil)
                    state.handle = try FileHandle(forWritingTo: part)
                    state.written = 0
                    state.resumedFrom = 0
                    state.total = http.expectedContentLength > 0 ? Int(http.expectedContentLength) : nil
                case 416:
                    // asked past the end: the part is whole already
                    state.written = state.resumedFrom
                    state.total = state.resumedFrom
                    return .cancel
                default:
                    state.fail(ModelError.download(source: url.absoluteString,
                                                   detail: "the server answered HTTP \(http.statusCode)"))
                    return .cancel
                }
            } catch {
                state.fail(ModelError.fileSystem("cannot write \(part.path): \(error.localizedDescription)"))
                return .cancel
            }
            return .allow
        }
        completionHandler(disposition)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let failed = state.withLock { state in
            do {
                try state.handle?.write(contentsOf: data)
            } catch {
                state.fail(ModelError.fileSystem("cannot write \(part.path): \(error.localizedDescription)"))
                return true
            }
            state.written += data.count
            return false
        }
        if failed { dataTask.cancel() }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        state.withLock { state in
            if let error, state.total != state.written {
                state.fail(ModelError.download(
                    source: url.absoluteString,
                    detail: "\(error.localizedDescription); \(state.written) bytes kept, run the pull again to resume"))
            } else if let total = state.total, state.written < total {
                state.fail(ModelError.download(
                    source: url.absoluteString,
                    detail: "the connection ended at \(state.written) of \(total) bytes; run the pull again to resume"))
            }
        }
        done.signal()
    }

    /// The total size from `Content-Range: bytes 100-999/1000`.
    static func totalFromContentRange(_ header: String?) -> Int? {
        guard let header, let slash = header.lastIndex(of: "/") else { return nil }
        return Int(header[header.index(after: slash)...])
    }
}
