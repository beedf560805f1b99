import Foundation
import SLMAgent
import SLMTestSupport
import Testing

/// Pulls from a loopback HTTP server that honours Range requests (a Python script in the
/// fixtures), with dropped connections and bad checksums.
@Suite("Pulls over HTTP", .serialized)
struct URLPullTests {
    static let model = Fixtures.url("synthetic/gemma3-f16.gguf")

    /// The fixture server for one file; it stops when its standard input closes.
    final class Server {
        let process = Process()
        let port: Int
        private let log = Pipe.unshared()
        private let input = Pipe.unshared()

        init(serving file: URL, cutAfter: Int? = nil) throws {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", Fixtures.url("http/range_server.py").path, file.path]
                + (cutAfter.map { ["--cut-after", String($0)] } ?? [])
            let output = Pipe.unshared()
            process.standardOutput = output
            process.standardError = log
            process.standardInput = input
            try process.run()
            port = try ReplayServer.port(announcedOn: output)
        }

        /// Stops the server; returns the Range headers it was sent, in order.
        func ranges() -> [String] {
            stop()
            return String(decoding: log.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                .split(separator: "\n").map(String.init)
        }

        func stop() {
            try? input.fileHandleForWriting.close()
            process.end()
        }

        deinit { stop() }
    }

    static func library(port: Int, sha256: String?, size: Int? = nil) throws -> ModelLibrary {
        let entry = CatalogEntry(
            name: "tiny", displayName: "Tiny", file: "tiny.gguf", architecture: "gemma3", parameters: 1, quant: "F16",
            size: try size ?? Data(contentsOf: model).count, sha256: sha256, isDefault: true,
            source: .init(url: "http://127.0.0.1:\(port)/tiny.gguf"))
        return ModelLibrary(directory: try Fixtures.temporaryDirectory("pulls"), catalog: ModelCatalog(entries: [entry]))
    }

    static var digest: String {
        var hasher = SHA256()
        hasher.update(Array((try? Data(contentsOf: model)) ?? Data()))
        return hasher.finalizeHex()
    }

    @Test("an interrupted download keeps its part and the next pull resumes it with a Range request")
    func resume() throws {
        let server = try Server(serving: Self.model, cutAfter: 100_000)
        let library = try Self.library(port: server.port, sha256: Self.digest)
        var events: [ModelLibrary.PullEvent] = []
        #expect(throws: ModelError.self) { try library.pull("tiny") { events.append($0) } }
        let part = library.directory.appendingPathComponent("tiny.gguf.part")
        let kept = try FileManager.default.attributesOfItem(atPath: part.path)[.size] as? Int
        #expect(kept == 100_000)
        #expect(!library.isInstalled(try library.entry(named: "tiny")))

        events = []
        let path = try library.pull("tiny") { events.append($0) }
        #expect(try Data(contentsOf: path) == Data(contentsOf: Self.model))
        #expect(!FileManager.default.fileExists(atPath: part.path))
        #expect(events.contains(.verifying) && events.last == .installed(path))
        let progress = events.compactMap { event -> (Int, Int?)? in
            if case .transferring(let bytes, let total, _) = event { return (bytes, total) } else { return nil }
        }
        #expect(progress.last?.0 == 382_176 && progress.last?.1 == 382_176)
        #expect(server.ranges() == ["none", "bytes=100000-"])
    }

    @Test("a file whose sha256 does not match is refused and not installed")
    func checksum() throws {
        let server = try Server(serving: Self.model)
        let library = try Self.library(port: server.port, sha256: String(repeating: "0", count: 64))
        do {
            _ = try library.pull("tiny")
            Issue.record("a bad checksum was accepted")
        } catch let error as ModelError {
            guard case .checksumMismatch = error else { Issue.record("\(error)"); return }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: library.directory.path).isEmpty)
    }

    @Test("no server is a clear error that names the source")
    func unreachable() throws {
        let library = try Self.library(port: 9, sha256: nil)
        do {
            _ = try library.pull("tiny")
            Issue.record("pulled from nowhere")
        } catch {
            #expect(String(describing: error).contains("http://127.0.0.1:9/tiny.gguf"))
        }
    }
}
