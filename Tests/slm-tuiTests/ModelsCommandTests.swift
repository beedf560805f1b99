import Foundation
import SLMTestSupport
import Testing

/// `slm-tui models list` and `models rm` over a fake home.
@Suite("Models command")
struct ModelsCommandTests {
    typealias CLI = CommandLineTests

    /// A home with an Ollama model and a data folder with one downloaded model.
    static func home() throws -> (home: URL, data: URL, ollamaBlob: URL, ours: URL) {
        let home = try Fixtures.temporaryDirectory("models-home")
        let manager = FileManager.default
        let digest = String(repeating: "12", count: 32)
        let blob = home.appendingPathComponent(".ollama/models/blobs/sha256-\(digest)")
        try manager.createDirectory(at: blob.deletingLastPathComponent(), withIntermediateDirectories: true)
        try manager.copyItem(at: Fixtures.url("synthetic/llama-f16.gguf"), to: blob)
        let manifest = home.appendingPathComponent(".ollama/models/manifests/registry.ollama.ai/library/tiny/q8")
        try manager.createDirectory(at: manifest.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(#"{"layers": [{"mediaType": "application/vnd.ollama.image.model", "digest": "sha256:\#(digest)"}]}"#.utf8)
            .write(to: manifest)
        let data = home.appendingPathComponent("data")
        let ours = data.appendingPathComponent("models/mine.gguf")
        try manager.createDirectory(at: ours.deletingLastPathComponent(), withIntermediateDirectories: true)
        try manager.copyItem(at: Fixtures.url("synthetic/qwen2-f16.gguf"), to: ours)
        return (home, data, blob, ours)
    }

    static func environment(_ home: URL, _ data: URL) -> [String: String] {
        ["HOME": home.path, "SLM_TUI_HOME": data.path]
    }

    @Test("list shows every source with what it is, whether it fits, and the quant advice; --json for programs")
    func list() throws {
        let (home, data, _, _) = try Self.home()
        let text = try CLI.run(["models", "list"], environment: Self.environment(home, data))
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.hasPrefix("recommended quant for this machine: "))
        #expect(text.stdout.contains("tiny:q8\tollama\tllama"))
        #expect(text.stdout.contains("mine.gguf\tlibrary\tqwen2"))
        #expect(text.stdout.contains("gemma3-270m\tcatalog"))
        let json = try CLI.run(["models", "list", "--json"], environment: Self.environment(home, data))
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        let tiny = try #require(rows.first { $0["name"] as? String == "tiny:q8" })
        #expect(tiny["source"] as? String == "ollama" && tiny["fits"] as? Bool == true)
        #expect(tiny["architecture"] as? String == "llama" && tiny["path"] is String)
        for key in ["parameters", "quant", "size", "recommended"] { #expect(tiny[key] != nil, "\(key)") }
        let catalog = try #require(rows.first { $0["name"] as? String == "qwen3-0.6b" })
        #expect(catalog["source"] as? String == "catalog" && catalog["path"] == nil)
        let info = try CLI.run(["models", "info", "tiny:q8", "--json"], environment: Self.environment(home, data))
        #expect(info.status == 0 && info.stdout.contains("\"architecture\":\"llama\""))
    }

    @Test("rm removes only what slm-tui downloaded, and asks first")
    func remove() throws {
        let (home, data, blob, ours) = try Self.home()
        let environment = Self.environment(home, data)
        let foreign = try CLI.run(["models", "rm", "tiny:q8", "--yes"], environment: environment)
        #expect(foreign.status == 1 && foreign.stderr.contains("not in slm-tui's models folder"))
        #expect(FileManager.default.fileExists(atPath: blob.path))
        let unasked = try CLI.run(["models", "rm", "mine.gguf"], environment: environment)
        #expect(unasked.status == 1 && unasked.stderr.contains("pass --yes"))
        #expect(FileManager.default.fileExists(atPath: ours.path))
        let unknown = try CLI.run(["models", "rm", "nothing-here", "--yes"], environment: environment)
        #expect(unknown.status == 1 && unknown.stderr.contains("unknown model nothing-here"))
        let removed = try CLI.run(["models", "rm", "mine.gguf", "--yes"], environment: environment)
        #expect(removed.status == 0, "\(removed.stderr)")
        #expect(!FileManager.default.fileExists(atPath: ours.path))
    }
}
