import Foundation
import SLMSync
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// llama.cpp's `llama-server` (built by `../shared/tools/llama-reference.sh`), started on a
/// free loopback port for the tests that check slm-tui against a real OpenAI-compatible
/// server. Never a run-time dependency: the tests are skipped, saying why, without it.
public final class LlamaServer: @unchecked Sendable {
    /// `$SLM_LLAMA_SERVER`, else `~/.cache/slm-ref/bin/llama-server`, when it exists.
    public static let binary: URL? = {
        let environment = ProcessInfo.processInfo.environment
        let home = environment["HOME"] ?? NSHomeDirectory()
        let path = environment["SLM_LLAMA_SERVER"] ?? home + "/.cache/slm-ref/bin/llama-server"
        return FileManager.default.isExecutableFile(atPath: path) ? URL(fileURLWithPath: path) : nil
    }()

    /// Why the real-server tests did not run.
    public static let missing = "llama-server is not built (run ../shared/tools/llama-reference.sh, or set SLM_LLAMA_SERVER): the tests against a real server are skipped"

    public let port: Int
    private let process = Process()

    /// A chat template from the reference's source tree (`models/templates/NAME.jinja`,
    /// found through the binary's link into the build), when it is there.
    public static func referenceTemplate(_ name: String) -> URL? {
        guard let binary else { return nil }
        let built = binary.resolvingSymlinksInPath().deletingLastPathComponent()
        let template = built.appendingPathComponent("../../models/templates/\(name).jinja").standardizedFileURL
        return FileManager.default.fileExists(atPath: template.path) ? template : nil
    }

    /// Starts the server on `model` under the name `alias` (with `template` in place of the
    /// file's chat template), and waits until it is ready.
    public init(model: URL, alias: String, apiKey: String? = nil, template: URL? = nil) throws {
        guard let binary = Self.binary else { throw Failure(Self.missing) }
        port = LoopbackPort.free()
        process.executableURL = binary
        process.arguments = ["-m", model.path, "--host", "127.0.0.1", "--port", String(port), "--alias", alias,
                             "--jinja", "-c", "2048", "-t", "2", "--parallel", "1"] + (apiKey.map { ["--api-key", $0] } ?? [])
            + (template.map { ["--chat-template-file", $0.path] } ?? [])
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while !Self.healthy(port: port) {
            guard process.isRunning, Date() < deadline else {
                stop()
                throw Failure("llama-server did not become ready on port \(port)")
            }
            Thread.sleep(forTimeInterval: 0.2)
        }
    }

    public var url: String { "http://127.0.0.1:\(port)" }

    /// Kills the server at once (SIGKILL), as a crash or a pulled cable would end it.
    public func kill() {
        guard process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.end()
    }

    /// Asks the server to stop, and kills it when it has not within five seconds (it
    /// finishes a running answer first).
    public func stop() { process.end() }

    deinit { kill() }

    private static func healthy(port: Int) -> Bool {
        let done = DispatchSemaphore(value: 0)
        let status = Locked(0)
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/health")!, timeoutInterval: 2)
        request.httpMethod = "GET"
        URLSession.shared.dataTask(with: request) { _, response, _ in
            status.withLock { $0 = (response as? HTTPURLResponse)?.statusCode ?? 0 }
            done.signal()
        }.resume()
        done.wait()
        return status.withLock { $0 } == 200
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }
}

/// Loopback ports.
public enum LoopbackPort {
    /// A port nothing listens on now (the system's next free one).
    public static func free() -> Int {
        let socket = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(socket, pointer, length)
                return getsockname(socket, pointer, &length)
            }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
