import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

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
    /// Guards what the session's thread writes and the waiting thread reads.
    private let lock = NSLock()
    private var handle: FileHandle?
    private var written = 0
    private var resumedFrom = 0
    private var total: Int?
    private var failure: Error?
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
        resumedFrom = existing
        let session = URLSession(configuration: .ephemeral, delegate: self, delegateQueue: nil)
        session.dataTask(with: request).resume()
        while done.wait(timeout: .now() + 0.2) == .timedOut { progress(snapshot()) }
        progress(snapshot())
        session.finishTasksAndInvalidate()
        lock.lock()
        defer { lock.unlock() }
        try? handle?.close()
        if let failure { throw failure }
    }

    private func snapshot() -> Progress {
        lock.lock()
        defer { lock.unlock() }
        let seconds = max(Date().timeIntervalSince(start), 0.001)
        return Progress(bytes: written, total: total, bytesPerSecond: Double(written - resumedFrom) / seconds)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        lock.lock()
        defer { lock.unlock() }
        guard let http = response as? HTTPURLResponse else {
            fail(ModelError.download(source: url.absoluteString, detail: "not an HTTP response"))
            return completionHandler(.cancel)
        }
        do {
            switch http.statusCode {
            case 206:
                // the server continues where the part ends
                handle = try FileHandle(forWritingTo: part)
                try handle?.seekToEnd()
                written = resumedFrom
                total = Self.totalFromContentRange(http.value(forHTTPHeaderField: "Content-Range"))
            case 200:
                // no resuming: start again from nothing
                _ = FileManager.default.createFile(atPath: part.path, contents: nil)
                handle = try FileHandle(forWritingTo: part)
                written = 0
                resumedFrom = 0
                total = http.expectedContentLength > 0 ? Int(http.expectedContentLength) : nil
            case 416:
                // asked past the end: the part is whole already
                written = resumedFrom
                total = resumedFrom
                return completionHandler(.cancel)
            default:
                fail(ModelError.download(source: url.absoluteString, detail: "the server answered HTTP \(http.statusCode)"))
                return completionHandler(.cancel)
            }
        } catch {
            fail(ModelError.fileSystem("cannot write \(part.path): \(error.localizedDescription)"))
            return completionHandler(.cancel)
        }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        lock.lock()
        defer { lock.unlock() }
        do {
            try handle?.write(contentsOf: data)
        } catch {
            fail(ModelError.fileSystem("cannot write \(part.path): \(error.localizedDescription)"))
            dataTask.cancel()
            return
        }
        written += data.count
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        lock.lock()
        defer {
            lock.unlock()
            done.signal()
        }
        if failure == nil {
            if let error, total != written {
                failure = ModelError.download(
                    source: url.absoluteString,
                    detail: "\(error.localizedDescription); \(written) bytes kept, run the pull again to resume")
            } else if let total, written < total {
                failure = ModelError.download(
                    source: url.absoluteString,
                    detail: "the connection ended at \(written) of \(total) bytes; run the pull again to resume")
            }
        }
    }

    private func fail(_ error: Error) {
        if failure == nil { failure = error }
    }

    /// The total size from `Content-Range: bytes 100-999/1000`.
    static func totalFromContentRange(_ header: String?) -> Int? {
        guard let header, let slash = header.lastIndex(of: "/") else { return nil }
        return Int(header[header.index(after: slash)...])
    }
}
