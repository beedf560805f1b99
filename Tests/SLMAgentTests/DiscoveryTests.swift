import Foundation
import SLMAgent
import SLMEngine
import SLMTestSupport
import Testing

/// Discovery over a fake home with the folders other programs keep models in.
@Suite("Model discovery")
struct DiscoveryTests {
    static let tiny = Fixtures.url("synthetic/llama-f16.gguf")
    static let other = Fixtures.url("synthetic/qwen2-mixed.gguf")

    /// A home with Ollama, LM Studio and Hugging Face layouts, an extra folder and a library.
    static func fakeHome() throws -> (home: URL, library: ModelLibrary, extra: URL) {
        let home = try Fixtures.temporaryDirectory("home")
        let manager = FileManager.default
        func copy(_ source: URL, to path: String) throws -> URL {
            let target = home.appendingPathComponent(path)
            try manager.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try manager.copyItem(at: source, to: target)
            return target
        }
        // Ollama: a manifest whose model layer names a blob by digest
        let digest = "sha256-" + String(repeating: "ab", count: 32)
        _ = try copy(tiny, to: ".ollama/models/blobs/\(digest)")
        let manifest = home.appendingPathComponent(".ollama/models/manifests/registry.ollama.ai/library/tinyllama/latest")
        try manager.createDirectory(at: manifest.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("""
            {"schemaVersion": 2, "layers": [
              {"mediaType": "application/vnd.ollama.image.license", "digest": "sha256:\(String(repeating: "cd", count: 32))"},
              {"mediaType": "application/vnd.ollama.image.model", "digest": "sha256:\(String(repeating: "ab", count: 32))"}]}
            """.utf8).write(to: manifest)
        // LM Studio, both places
        _ = try copy(other, to: ".lmstudio/models/someone/Qwen-GGUF/qwen-mixed.gguf")
        _ = try copy(tiny, to: ".cache/lm-studio/models/older/Llama-GGUF/llama-old.gguf")
        // the Hugging Face cache: snapshot files are links to blobs
        let blob = try copy(other, to: ".cache/huggingface/hub/models--org--Tiny-GGUF/blobs/0123abcd")
        let snapshot = home.appendingPathComponent(".cache/huggingface/hub/models--org--Tiny-GGUF/snapshots/rev1/tiny-q8.gguf")
        try manager.createDirectory(at: snapshot.deletingLastPathComponent(), withIntermediateDirectories: true)
        try manager.createSymbolicLink(at: snapshot, withDestinationURL: blob)
        // an extra folder from the settings, with a file that is not a model
        let extra = home.appendingPathComponent("my-models")
        _ = try copy(tiny, to: "my-models/sub/mine.gguf")
        try Data("this is not a gguf file at all".utf8).write(to: extra.appendingPathComponent("broken.gguf"))
        // slm-tui's own folder
        let library = ModelLibrary(directory: home.appendingPathComponent("data/models"), catalog: try ModelCatalog.bundled())
        _ = try copy(tiny, to: "data/models/downloaded.gguf")
        return (home, library, extra)
    }

    @Test("hostile files are each listed as unusable with the reason; the listing always finishes")
    func hostileFiles() throws {
        let home = try Fixtures.temporaryDirectory("hostile-home")
        let folder = home.appendingPathComponent("models")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let original = try GGUFFile(path: Fixtures.url("synthetic/llama-mixed.gguf").path)
        let variants: [(String, String, GGUFValue)] = [
            ("key-length.gguf", "llama.attention.key_length", .uint64(1 << 62)),
            ("blocks.gguf", "llama.block_count", .uint64(1 << 40)),
            ("no-vocabulary.gguf", "tokenizer.ggml.tokens", .array(GGUFArray(elementType: .string, values: []))),
            ("context.gguf", "llama.context_length", .int64(-1)),
            ("heads.gguf", "llama.attention.head_count", .uint32(0)),
            ("tokenizer.gguf", "tokenizer.ggml.model", .string("bert")),
        ]
        for (name, key, value) in variants {
            var writer = try GGUFWriter(copying: original)
            writer.set(key, value)
            try writer.write(to: folder.appendingPathComponent(name))
        }
        var retitled = try GGUFWriter(copying: original)
        retitled.set("general.architecture", .string("llama\u{1B}]0;pwned\u{07}"))
        try retitled.write(to: folder.appendingPathComponent("retitle.gguf"))
        try Data().write(to: folder.appendingPathComponent("empty.gguf"))
        #expect(mkfifo(folder.appendingPathComponent("pipe.gguf").path, 0o644) == 0)
        try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent("loop.gguf"),
                                                   withDestinationURL: folder.appendingPathComponent("loop.gguf"))
        try FileManager.default.copyItem(at: Self.tiny, to: folder.appendingPathComponent("good.gguf"))
        let library = ModelLibrary(directory: home.appendingPathComponent("data/models"), catalog: try ModelCatalog.bundled())
        let models = ModelDiscovery(library: library, home: home, extraFolders: [folder], contextLength: 4096, threads: 1)
            .discover()
        let found = Dictionary(models.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        #expect(found["good.gguf"]?.unusable == nil && found["good.gguf"]?.reference != nil)
        for (name, key, _) in variants {
            let reason = try #require(found[name]?.unusable, "\(name) is listed as unusable")
            if !key.hasPrefix("tokenizer.ggml.model") { #expect(reason.contains(key), "\(name): \(reason)") }
            #expect(found[name]?.reference == nil)
        }
        for name in ["retitle.gguf", "empty.gguf", "pipe.gguf"] {
            #expect(found[name]?.unusable != nil, "\(name)")
        }
    }

    @Test("every source is found, named and described; nothing is moved or changed")
    func sources() throws {
        let (home, library, extra) = try Self.fakeHome()
        let before = try snapshot(home)
        let models = ModelDiscovery(library: library, home: home, extraFolders: [extra], contextLength: 256, threads: 1).discover()
        let found = Dictionary(models.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        #expect(found["tinyllama:latest"]?.source == .ollama)
        #expect(found["tinyllama:latest"]?.architecture == "llama")
        #expect(found["someone/Qwen-GGUF/qwen-mixed.gguf"]?.source == .lmStudio)
        #expect(found["someone/Qwen-GGUF/qwen-mixed.gguf"]?.architecture == "qwen2")
        #expect(found["older/Llama-GGUF/llama-old.gguf"]?.source == .lmStudio)
        #expect(found["org/Tiny-GGUF/tiny-q8.gguf"]?.source == .huggingFace)
        #expect(found["mine.gguf"]?.source == .folder)
        #expect(found["downloaded.gguf"]?.source == .library)
        #expect(found["downloaded.gguf"]?.memoryNeed ?? 0 > 0)
        #expect(found["downloaded.gguf"]?.reference != nil)
        let broken = try #require(found["broken.gguf"])
        #expect(broken.unusable?.contains("not a GGUF file") == true || broken.unusable?.contains("magic") == true)
        #expect(broken.reference == nil)
        // catalog models not downloaded are offered too
        #expect(found["gemma3-270m"]?.source == .catalog && found["gemma3-270m"]?.isInstalled == false)
        #expect(found["qwen3-0.6b"]?.source == .catalog && found["qwen3-0.6b"]?.capabilities == ["tools", "thinking"])
        #expect(found["qwen3-0.6b"]?.summary.hasSuffix("tools · thinking") == true)
        #expect(try snapshot(home) == before)
    }

    @Test("a missing home or folder finds nothing and fails nothing")
    func empty() throws {
        let nowhere = URL(fileURLWithPath: "/nonexistent/\(UUID().uuidString)")
        let library = ModelLibrary(directory: nowhere, catalog: ModelCatalog(entries: []))
        #expect(ModelDiscovery(library: library, home: nowhere, extraFolders: [nowhere]).discover().isEmpty)
    }

    @Test("the quant advice follows the device's memory")
    func advice() {
        #expect(QuantAdvice.recommended(forMemory: 4 << 30) == ["Q4_K_M"])
        #expect(QuantAdvice.recommended(forMemory: 8 << 30) == ["Q4_K_M"])
        #expect(QuantAdvice.recommended(forMemory: 16 << 30) == ["Q5_K_M", "Q8_0"])
        #expect(QuantAdvice.isRecommended("q8_0", forMemory: 24 << 30))
        #expect(!QuantAdvice.isRecommended("Q4_K_M", forMemory: 24 << 30))
    }

    @Test("the catalog offers the small models of 2025–26 with download sources, each of a family the engine runs")
    func catalog() throws {
        let catalog = try ModelCatalog.bundled()
        for name in ["qwen3-1.7b", "qwen3-4b", "gemma3-1b-it", "gemma3-4b-it", "llama3.2-1b-instruct", "llama3.2-3b-instruct",
                     "smollm3-3b", "phi4-mini-instruct", "granite4.0-micro", "lfm2.5-1.2b-instruct", "qwen3.5-2b",
                     "gemma4-e2b-it"] {
            let entry = try #require(catalog.entry(named: name), "\(name)")
            #expect(Architecture.named(entry.architecture) != nil, "\(name): \(entry.architecture)")
            #expect(entry.quant == "Q4_K_M")
            #expect(entry.source.url?.hasPrefix("https://huggingface.co/") == true)
            #expect(entry.source.url?.hasSuffix("/" + entry.file) == true)
        }
        // up to about 1B parameters there is a Q8_0 to choose (the 270M default aside)
        for small in catalog.entries where small.parameters < 1_300_000_000 && !small.isDefault {
            #expect(catalog.entries.contains { $0.quant == "Q8_0" && $0.parameters == small.parameters }, "\(small.name)")
        }
        #expect(catalog.defaultEntry?.name == "gemma3-270m")
        #expect(Set(catalog.entries.map(\.name)).count == catalog.entries.count)
    }

    /// Every file under `folder` with its size and modification time.
    private func snapshot(_ folder: URL) throws -> [String: String] {
        var result: [String: String] = [:]
        let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)
        while let url = enumerator?.nextObject() as? URL {
            let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
            result[url.path] = "\(attributes[.size] ?? 0) \(attributes[.modificationDate] ?? 0)"
        }
        return result
    }
}
