import Foundation
import SLMEngine

/// A loopback HTTP server that answers from a script (`Fixtures/http/replay_server.py`):
/// recorded server exchanges replayed, with keys, refusals, delays and dropped connections.
/// It stops when its standard input closes (when this object goes).
public final class ReplayServer: @unchecked Sendable {
    let process = Process()
    public let port: Int
    public let log: URL
    private let input = Pipe.unshared()

    public init(_ script: [String: Any]) throws {
        let folder = try Fixtures.temporaryDirectory("replay")
        let scriptFile = folder.appendingPathComponent("script.json")
        try JSONSerialization.data(withJSONObject: script).write(to: scriptFile)
        log = folder.appendingPathComponent("log.jsonl")
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Fixtures.url("http/replay_server.py").path, scriptFile.path, log.path]
        let output = Pipe.unshared()
        process.standardOutput = output
        process.standardInput = input
        try process.run()
        port = try Self.port(announcedOn: output)
    }

    /// The port a fixture server prints on its first line.
    public static func port(announcedOn output: Pipe) throws -> Int {
        var line = Data()
        while let byte = try output.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) {
            line += byte
        }
        return Int(String(decoding: line, as: UTF8.self)) ?? 0
    }

    /// What the server was sent (and saw closed), in order.
    public var requests: [[String: Any]] {
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    /// The JSON bodies of the chat requests.
    public var chatBodies: [JSONValue] {
        requests.filter { $0["path"] as? String == "/v1/chat/completions" }
            .compactMap { ($0["body"] as? String).flatMap(JSONValue.init(parsing:)) }
    }

    deinit {
        try? input.fileHandleForWriting.close()
        process.end()
    }
}

