import Foundation
import SLMEngine

/// The folder where each conversation's context (the model's cache after its last turn) is
/// kept, so opening it again — after a restart too — continues without evaluating the
/// earlier turns again. One file per conversation and model file; the least recently used
/// go first when the folder grows past its limit. The engine checks a file whole before
/// using it (model fingerprint, kernels, cache layout, digest), so a stale or damaged one is
/// passed over, never trusted; the files are only a cache, and deleting them loses nothing.
public struct SavedContexts: Sendable {
    public let folder: URL
    /// Bytes the folder may hold; the least recently used files beyond it are deleted.
    public let limitBytes: Int

    /// One gigabyte: about 25 saved 4,000-token contexts of a 1B model with an F16 cache.
    public static let defaultLimitBytes = 1_000_000_000
    static let fileExtension = "ctx"

    public init(folder: URL, limitBytes: Int = defaultLimitBytes) {
        self.folder = folder
        self.limitBytes = limitBytes
    }

    /// The file conversation `id`'s context with the model of `fingerprint` is kept in,
    /// marked used now; nil when the folder cannot be made.
    package func file(conversation id: Int, fingerprint: ModelFingerprint) -> String? {
        let manager = FileManager.default
        guard (try? manager.createDirectory(at: folder, withIntermediateDirectories: true,
                                            attributes: [.posixPermissions: 0o700])) != nil else { return nil }
        let path = folder.appendingPathComponent("conversation-\(id)-\(fingerprint).\(Self.fileExtension)").path
        if manager.fileExists(atPath: path) {
            try? manager.setAttributes([.modificationDate: Date()], ofItemAtPath: path)
        }
        return path
    }

    /// Files of conversation `id`, for every model.
    package func files(conversation id: Int) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasPrefix("conversation-\(id)-") && $0.hasSuffix("." + Self.fileExtension) }
            .map { folder.appendingPathComponent($0).path }
    }

    /// Deletes conversation `id`'s files.
    package func remove(conversation id: Int) {
        for path in files(conversation: id) { try? FileManager.default.removeItem(atPath: path) }
    }

    /// Deletes the least recently used files until the rest fit the limit, and temporary
    /// files a crash left behind (over ten minutes old).
    package func evict(now: Date = Date()) {
        let manager = FileManager.default
        let keys: [URLResourceKey] = [.fileSizeKey, .contentModificationDateKey]
        guard let urls = try? manager.contentsOfDirectory(at: folder, includingPropertiesForKeys: keys) else { return }
        var kept: [(url: URL, bytes: Int, used: Date)] = []
        for url in urls {
            guard let values = try? url.resourceValues(forKeys: Set(keys)) else { continue }
            let used = values.contentModificationDate ?? .distantPast
            if url.lastPathComponent.contains(".\(Self.fileExtension).partial-") {
                if now.timeIntervalSince(used) > 600 { try? manager.removeItem(at: url) }
            } else if url.pathExtension == Self.fileExtension {
                kept.append((url, values.fileSize ?? 0, used))
            }
        }
        var total = kept.reduce(0) { $0 + $1.bytes }
        for file in kept.sorted(by: { $0.used < $1.used }) where total > limitBytes {
            try? manager.removeItem(at: file.url)
            total -= file.bytes
        }
    }
}
