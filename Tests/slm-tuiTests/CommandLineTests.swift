import Foundation
import SLMEngine
import SLMTestSupport
import Testing

/// The built `slm-tui` binary, run as a user would.
@Suite("Command line")
struct CommandLineTests {
    struct Run {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static var binary: URL { BuiltProducts.executable("slm-tui") }

    /// A data folder of the tests' own, so no run touches the user's history.
    static let home = FileManager.default.temporaryDirectory.appendingPathComponent("slm-cli-\(UUID().uuidString)").path

    static func run(_ arguments: [String], environment: [String: String] = [:], executable: URL? = nil) throws -> Run {
        let process = Process()
        process.executableURL = executable ?? binary
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment
            .merging(["SLM_TUI_HOME": home]) { $1 }.merging(environment) { $1 }
        let out = Pipe.unshared(), err = Pipe.unshared()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                   stderr: String(decoding: stderr, as: UTF8.self))
    }

    @Test("--help lists the subcommands")
    func help() throws {
        let result = try Self.run(["--help"])
        #expect(result.status == 0)
        for command in ["chat", "tokenize", "history", "export", "search", "models info", "models pull", "models path",
                        "bench --kernels"] {
            #expect(result.stdout.contains(command))
        }
    }

    @Test("--version names the version and the libraries")
    func version() throws {
        let result = try Self.run(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("slm-tui 0."))
        #expect(result.stdout.contains("sqlite 3."))
        #expect(result.stdout.contains("ncurses"))
    }

    @Test("SLM_KERNELS=scalar forces the scalar path", arguments: ["scalar"])
    func forcedPath(path: String) throws {
        let result = try Self.run(["--version"], environment: ["SLM_KERNELS": path])
        #expect(result.stdout.contains("kernels \(path)"))
    }

    @Test("bench --kernels --batch times the chosen types' batch products and reports multiply-adds")
    func kernelBatchBench() throws {
        let result = try Self.run(["bench", "--kernels", "--batch", "4", "--type", "q4_k,IQ4_XS", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let rows = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]] ?? []
        #expect(rows.map { $0["type"] as? String } == ["Q4_K", "IQ4_XS"])
        for row in rows {
            #expect(row["batch"] as? Int == 4)
            #expect((row["gmac_per_s"] as? Double ?? 0) > 0)
        }
    }

    @Test("a usage error is one line and where to read more, on stderr, with exit 2",
          arguments: [(["--frobnicate"], "slm-tui --help"), (["frobnicate"], "slm-tui --help"),
                      (["models", "info"], "slm-tui models --help"), (["models", "info", "a", "--bogus"], "slm-tui models --help"),
                      (["bench", "extra"], "slm-tui bench --help"), (["bench", "-p", "many"], "slm-tui bench --help"),
                      (["models", "dance"], "slm-tui models --help"),
                      (["bench", "--kernels", "--batch", "0"], "slm-tui bench --help"),
                      (["bench", "--kernels", "--type", ","], "slm-tui bench --help"),
                      (["bench", "--kernels", "--type", "Q9"], "slm-tui bench --help")])
    func usageErrors(arguments: [String], pointer: String) throws {
        let result = try Self.run(arguments)
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 2 && lines.first?.hasPrefix("slm-tui: ") == true, "\(result.stderr)")
        #expect(lines.last == "see `\(pointer)`")
    }

    @Test("every subcommand's --help prints its own usage and exits 0", arguments: SLMUsageCases.commands)
    func subcommandHelp(command: String) throws {
        for flag in ["--help", "-h"] {
            let result = try Self.run([command, flag])
            #expect(result.status == 0, "\(command) \(flag): \(result.stderr)")
            #expect(result.stdout.hasPrefix("Usage:\n  slm-tui \(command)"), "\(result.stdout)")
            #expect(!result.stdout.contains("slm-tui tokenize") || command == "tokenize")
        }
    }

    @Test("models info describes a GGUF file, in text and JSON")
    func modelsInfo() throws {
        let directory = try Fixtures.temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(at: directory) }
        var writer = TinyGGUF.writer()
        writer.set("general.name", .string("evil\u{1B}[2Jname"))
        let url = directory.appendingPathComponent("tiny.gguf")
        try writer.write(to: url)

        let text = try Self.run(["models", "info", url.path])
        #expect(text.status == 0)
        #expect(text.stdout.contains("llama"))
        #expect(text.stdout.contains("F32 2, Q8_0 1, Q4_K 1"))
        #expect(!text.stdout.contains("\u{1B}"))

        let json = try Self.run(["models", "info", url.path, "--json"])
        #expect(json.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        for key in ["architecture", "parameters", "file_size", "tensor_count", "quant_mix", "context_length",
                    "embedding_length", "block_count", "head_count", "head_count_kv", "vocab_size", "tokenizer",
                    "chat_template"] {
            #expect(object[key] != nil, "missing \(key)")
        }
        #expect(object["parameters"] as? Int == 704)
        #expect(object["quant_mix"] as? [String: Int] == ["F32": 2, "Q8_0": 1, "Q4_K": 1])
        #expect(object["chat_template"] as? Bool == false)
    }

    @Test("a file that is not GGUF is a clear error with exit status 1")
    func badFile() throws {
        let directory = try Fixtures.temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("notes.txt")
        try Data("hello there".utf8).write(to: url)
        let result = try Self.run(["models", "info", url.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("not a GGUF file"))
        let missing = try Self.run(["models", "info", directory.appendingPathComponent("none.gguf").path])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("cannot open"))
    }

    static let tinyModel = Fixtures.url("synthetic/llama-f16.gguf").path

    @Test("chat --raw --json streams token lines and ends with a stats line")
    func chatJSON() throws {
        let result = try Self.run(["chat", "--model", Self.tinyModel, "--raw", "--json", "--temp", "0",
                                   "--max-tokens", "5", "hello"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(lines.count == 6)
        for line in lines.dropLast() {
            #expect(line?["type"] as? String == "token")
            #expect(line?["id"] as? Int != nil)
        }
        let stats = try #require(lines.last ?? nil)
        #expect(stats["type"] as? String == "stats")
        #expect(stats["generated_tokens"] as? Int == 5)
        for key in ["prompt_tokens", "prefill_tps", "decode_tps", "ttft_ms"] { #expect(stats[key] != nil, "\(key)") }
    }

    @Test("chat reads the prompt from standard input and the same seed gives the same text")
    func chatSeed() throws {
        func sample() throws -> String {
            let process = Process()
            process.executableURL = Self.binary
            process.arguments = ["chat", "--model", Self.tinyModel, "--seed", "7", "--temp", "1.2", "--max-tokens", "12"]
            process.environment = ProcessInfo.processInfo.environment.merging(["SLM_TUI_HOME": Self.home]) { $1 }
            let input = Pipe.unshared(), output = Pipe.unshared()
            process.standardInput = input
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            input.fileHandleForWriting.write(Data("a prompt from stdin\n".utf8))
            try input.fileHandleForWriting.close()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            return String(decoding: data, as: UTF8.self)
        }
        let first = try sample()
        #expect(!first.isEmpty)
        #expect(try sample() == first)
    }

    @Test("chat refuses bad options with usage and exit 2", arguments: [
        ["chat", "--temp", "hot", "x"], ["chat", "--max-tokens", "0", "x"], ["chat", "a", "b"], ["tokenize", "a", "b"],
    ])
    func chatUsage(arguments: [String]) throws {
        let result = try Self.run(arguments)
        #expect(result.status == 2)
        #expect(result.stderr.hasSuffix("see `slm-tui \(arguments[0]) --help`\n"), "\(result.stderr)")
    }

    @Test("tokenize prints ids with BOS, in text and JSON")
    func tokenize() throws {
        let json = try Self.run(["tokenize", "--model", Self.tinyModel, "--json", "ab"])
        #expect(json.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: [Int]])
        #expect(object["ids"]?.first == 1)
        let text = try Self.run(["tokenize", "--model", Self.tinyModel, "ab"])
        #expect(text.stdout.hasPrefix("1\t"))
    }

    @Test("bench --json reports pp and tg rows with load time and peak memory")
    func benchJSON() throws {
        let result = try Self.run(["bench", "--model", Self.tinyModel, "-p", "16", "-n", "4", "-r", "2", "-t", "1",
                                   "--ctx", "64", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(rows.map { $0["test"] as? String } == ["pp16", "tg4"])
        for row in rows {
            #expect((row["tps_mean"] as? Double ?? 0) > 0)
            #expect(row["tps_sd"] as? Double != nil)
            #expect(row["threads"] as? Int == 1)
            #expect((row["peak_rss_bytes"] as? Int ?? 0) > 1_000_000)
            #expect((row["load_ms"] as? Double ?? -1) >= 0)
        }
    }

    @Test("bench -d fills the cache first; --cache-type q8_0 is reported, refused for heads it cannot hold")
    func benchDepthAndCacheType() throws {
        let gemma = Fixtures.url("synthetic/gemma3-f16.gguf").path
        let result = try Self.run(["bench", "--model", gemma, "-p", "8", "-n", "4", "-r", "1", "-t", "1", "-d", "32",
                                   "--cache-type", "q8_0", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(rows.map { $0["test"] as? String } == ["pp8 @ d32", "tg4 @ d32"])
        #expect(rows.allSatisfy { $0["depth"] as? Int == 32 && $0["cache_type"] as? String == "q8_0" })
        // the tiny llama's heads are 16 values: not a whole Q8_0 block
        let refused = try Self.run(["bench", "--model", Self.tinyModel, "-p", "8", "-n", "0", "-r", "1",
                                    "--cache-type", "q8_0"])
        #expect(refused.status != 0 && refused.stderr.contains("multiples of 32"), "\(refused.stderr)")
        let unknown = try Self.run(["chat", "--model", Self.tinyModel, "--cache-type", "q4", "hi"])
        #expect(unknown.status == 2 && unknown.stderr.contains("--cache-type needs one of f16, f32, q8_0"))
    }

    @Test("bench --lookup reports both speeds, the guesses and the same answer as JSON; bad options are usage errors")
    func benchLookup() throws {
        let gemma = Fixtures.url("synthetic/gemma3-f16.gguf").path
        // a prompt that repeats itself, so the tiny model's answer has runs to guess from
        let result = try Self.run(["bench", "--lookup", "--model", gemma, "-n", "16", "-r", "1", "-t", "1",
                                   "--prompt", "one two three one two three one two three", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let row = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(row["same_answer"] as? Bool == true)
        #expect((row["plain_tps_mean"] as? Double ?? 0) > 0 && (row["lookup_tps_mean"] as? Double ?? 0) > 0)
        let drafted = row["drafted"] as? Int ?? 0, accepted = row["accepted"] as? Int ?? -1
        #expect(drafted > 0 && (0...drafted).contains(accepted), "drafted \(drafted), accepted \(accepted)")
        #expect((row["check_cost"] as? [Double])?.count == 3)
        let tooShort = try Self.run(["bench", "--lookup", "--model", gemma, "-n", "3"])
        #expect(tooShort.status == 2 && tooShort.stderr.contains("-n needs a whole number from 8 to 4096"))
    }

    @Test("chat saves the exchange; history, export and search read it back")
    func history() throws {
        let directory = try Fixtures.temporaryDirectory("history")
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = directory.appendingPathComponent("h.sqlite3").path
        let chat = try Self.run(["chat", "--model", Self.tinyModel, "--db", db, "--raw", "--temp", "0",
                                 "--max-tokens", "6", "pelican migration notes"])
        #expect(chat.status == 0, "\(chat.stderr)")
        let list = try Self.run(["history", "--json", "--db", db])
        let conversations = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        #expect(conversations.count == 1)
        #expect(conversations.first?["title"] as? String == "pelican migration notes")
        let sampling = try #require(conversations.first?["sampling"] as? String)
        #expect(sampling.contains("\"temperature\":0"))
        let id = try #require(conversations.first?["id"] as? Int)
        let markdown = try Self.run(["export", "\(id)", "--db", db])
        #expect(markdown.stdout.contains("pelican migration notes"))
        #expect(markdown.stdout.contains("## assistant"))
        let file = directory.appendingPathComponent("out.json").path
        #expect(try Self.run(["export", "\(id)", "--format", "json", "-o", file, "--db", db]).status == 0)
        let exported = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as? [String: Any]
        #expect((exported?["messages"] as? [[String: Any]])?.last?["status"] as? String == "complete")
        let search = try Self.run(["search", "pelican", "--db", db])
        #expect(search.stdout.hasPrefix("\(id)\t"))
        #expect(try Self.run(["search", "albatross", "--db", db]).stdout == "no matches\n")
        #expect(try Self.run(["export", "999", "--db", db]).stderr.contains("does not exist"))
    }

    @Test("--no-save leaves no history; a damaged database is reported and can be moved aside")
    func noSaveAndCorruption() throws {
        let directory = try Fixtures.temporaryDirectory("history")
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = directory.appendingPathComponent("h.sqlite3").path
        let chat = try Self.run(["chat", "--model", Self.tinyModel, "--db", db, "--no-save", "--max-tokens", "2", "hi"])
        #expect(chat.status == 0)
        #expect(!FileManager.default.fileExists(atPath: db))
        try Data(repeating: 0x5A, count: 4096).write(to: URL(fileURLWithPath: db))
        let refused = try Self.run(["chat", "--model", Self.tinyModel, "--db", db, "--max-tokens", "2", "hi"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("--move-aside"))
        let repaired = try Self.run(["history", "--move-aside", "--db", db])
        #expect(repaired.status == 0)
        #expect(repaired.stderr.contains("moved the damaged database"))
        let kept = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.contains(".corrupt-") }
        #expect(kept.count == 1)
    }

    @Test("a read-only folder or file gives a clear error and leaves the history intact",
          .enabled(if: FileManager.default.fileExists(atPath: "/usr/bin/setpriv") && getuid() == 0))
    func unwritable() throws {
        // root ignores permissions, so the commands run as nobody
        func runAsNobody(_ arguments: [String]) throws -> Run {
            try Self.run(["--reuid=65534", "--regid=65534", "--clear-groups", Self.binary.path] + arguments,
                         executable: URL(fileURLWithPath: "/usr/bin/setpriv"))
        }
        let folder = try Fixtures.temporaryDirectory("readonly")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.path)
        let inLockedFolder = try runAsNobody(["history", "--db", folder.appendingPathComponent("x.sqlite3").path])
        #expect(inLockedFolder.status == 1)
        #expect(inLockedFolder.stderr.contains("cannot open the database"))

        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: folder.path)
        let db = folder.appendingPathComponent("h.sqlite3").path
        #expect(try Self.run(["chat", "--model", Self.tinyModel, "--db", db, "--max-tokens", "2", "kept"]).status == 0)
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: folder.appendingPathComponent(file).path)
        }
        let readOnly = try runAsNobody(["chat", "--model", Self.tinyModel, "--db", db, "--max-tokens", "2", "lost"])
        #expect(readOnly.status == 1)
        #expect(readOnly.stderr.contains("read-only"))
        let history = try Self.run(["history", "--db", db])
        #expect(history.stdout.contains("kept"))
        #expect(!history.stdout.contains("lost"))
        // reading commands write nothing, so they work where writing cannot
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.path)
        for command in [["history"], ["export", "1"], ["search", "kept"], ["tasks"], ["notes"], ["drafts"]] {
            let read = try runAsNobody(command + ["--db", db])
            #expect(read.status == 0, "\(command): \(read.stderr)")
        }
        #expect(try runAsNobody(["history", "--db", db]).stdout.contains("kept"))
    }

    @Test("text from the store or a model file never reaches the terminal raw; JSON escapes it; -o keeps it exact")
    func hostileText() throws {
        let directory = try Fixtures.temporaryDirectory("hostile-text")
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = directory.appendingPathComponent("h.sqlite3").path
        let hostile = "retitle\u{1B}]0;pwned\u{07} clip\u{1B}]52;c;aGk=\u{07} csi\u{9B}2J del\u{7F} rlo\u{202E}txt"
        let chat = try Self.run(["chat", "--model", Self.tinyModel, "--db", db, "--raw", "--max-tokens", "2", hostile])
        #expect(chat.status == 0, "\(chat.stderr)")
        func isRaw(_ text: String) -> Bool {
            text.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n" && $0 != "\t") || (0x7F...0x9F).contains($0.value)
                || (0x202A...0x202E).contains($0.value) || (0x2066...0x2069).contains($0.value) }
        }
        for command in [["history"], ["search", "retitle"]] {
            let result = try Self.run(command + ["--db", db])
            #expect(result.status == 0 && result.stdout.contains("retitle␛]0;pwned␇"), "\(command): \(result.stdout)")
            #expect(!isRaw(result.stdout), "\(command)")
        }
        for command in [["history", "--json"], ["search", "retitle", "--json"], ["export", "1", "--format", "json"]] {
            let result = try Self.run(command + ["--db", db])
            #expect(!isRaw(result.stdout), "\(command)")
            let escaped = result.stdout.lowercased()
            #expect(escaped.contains("\\u001b]0;pwned\\u0007") && escaped.contains("\\u009b")
                    && escaped.contains("\\u202e") && escaped.contains("\\u007f"), "\(command): \(result.stdout)")
            #expect(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) is [Any] || command[0] == "export")
        }
        // on a terminal the export is shown safely; to a file it is exact
        let onTerminal = try Self.run(["-qec", "\(Self.binary.path) export 1 --db \(db)", "/dev/null"],
                                      executable: URL(fileURLWithPath: "/usr/bin/script"))
        #expect(onTerminal.stdout.contains("retitle␛]0;pwned␇") && !onTerminal.stdout.contains("\u{1B}]"), "\(onTerminal.stdout)")
        let file = directory.appendingPathComponent("out.md").path
        #expect(try Self.run(["export", "1", "--db", db, "-o", file]).status == 0)
        #expect(try String(contentsOfFile: file, encoding: .utf8).contains(hostile))
    }

    @Test("config values outside their range are said on stderr with the key and range; commands go on")
    func configRanges() throws {
        let home = try Fixtures.temporaryDirectory("config-home")
        defer { try? FileManager.default.removeItem(at: home) }
        try Data(#"{"memory_budget_mb": 10000000000000, "idle_unload_minutes": 9223372036854775807}"#.utf8)
            .write(to: home.appendingPathComponent("config.json"))
        let list = try Self.run(["models", "list"], environment: ["SLM_TUI_HOME": home.path, "HOME": home.path])
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stderr.contains("memory_budget_mb must be 1 to 16777216 MB"))
        #expect(list.stderr.contains("idle_unload_minutes must be 1 to 525600 minutes"))
        #expect(!list.stdout.contains("-5000 kB"))
    }

    @Test("on a terminal, the agent's trace lines start lines of their own, never running on after the answer")
    func traceLinesOnTerminal() throws {
        let directory = try Fixtures.temporaryDirectory("trace-terminal")
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = directory.appendingPathComponent("h.sqlite3").path
        let model = try DefaultModel.path().path
        let command = "\(Self.binary.path) chat --agent assistant --model \(model) --max-tokens 3 --temp 0 --db \(db) hello"
        let result = try Self.run(["-qec", command, "/dev/null"], executable: URL(fileURLWithPath: "/usr/bin/script"))
        // a terminal ends lines with CR LF, which Swift counts as one character
        let lines = result.stdout.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n")
        let traces = lines.filter { $0.contains("[stats]") || $0.contains("[route]") || $0.contains("[model]") }
        #expect(traces.contains { $0.contains("[stats]") }, "\(result.stdout)")
        for line in traces { #expect(line.hasPrefix("["), "a trace line ran on after text: \(line)") }
    }

    @Test("a data folder that is a file is a clear error")
    func dataFolderIsAFile() throws {
        let directory = try Fixtures.temporaryDirectory("home-file")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("not-a-folder")
        try Data("x".utf8).write(to: file)
        for command in [["history"], ["chat", "--model", Self.tinyModel, "--max-tokens", "2", "hi"]] {
            let result = try Self.run(command, environment: ["SLM_TUI_HOME": file.path])
            #expect(result.status == 1)
            #expect(result.stderr.contains("\(file.path) is a file, not a folder"), "\(command): \(result.stderr)")
        }
    }

    @Test("plain chat and bench honour the memory budget as the app does")
    func budget() throws {
        let home = try Fixtures.temporaryDirectory("budget-home")
        defer { try? FileManager.default.removeItem(at: home) }
        try Data(#"{"memory_budget_mb": 1}"#.utf8).write(to: home.appendingPathComponent("config.json"))
        let environment = ["SLM_TUI_HOME": home.path]
        for command in [["chat", "--model", Self.tinyModel, "--no-save", "hi"],
                        ["bench", "--model", Self.tinyModel, "-p", "8", "-n", "2", "-r", "1", "--ctx", "64"]] {
            let refused = try Self.run(command, environment: environment)
            #expect(refused.status == 1, "\(command)")
            #expect(refused.stderr.contains("memory budget"), "\(command): \(refused.stderr)")
        }
    }

    @Test("models path honours SLM_TUI_HOME")
    func modelsPath() throws {
        let result = try Self.run(["models", "path"], environment: ["SLM_TUI_HOME": "/tmp/slm-home"])
        #expect(result.stdout == "/tmp/slm-home/models\n")
    }
}

/// The subcommands whose `--help` is checked.
enum SLMUsageCases {
    static let commands = ["chat", "tasks", "drafts", "notes", "changes", "undo", "eval", "history", "export", "search", "tokenize", "models",
                           "bench"]
}

@Suite("prompt command")
struct PromptCommandTests {
    @Test("prompt renders a conversation with the model's own template exactly as llama.cpp does; --json gives ids too")
    func prompt() throws {
        let folder = try Fixtures.temporaryDirectory("prompt")
        let source = try String(contentsOf: Fixtures.url("templates/source/Qwen-Qwen2.5-7B-Instruct.jinja"), encoding: .utf8)
        var writer = try GGUFWriter(copying: try GGUFFile(path: Fixtures.url("synthetic/qwen2-f16.gguf").path))
        writer.set("tokenizer.chat_template", .string(source))
        let model = folder.appendingPathComponent("qwen-chat.gguf")
        try writer.write(to: model)
        let conversation = folder.appendingPathComponent("conversation.json")
        try #"[{"role": "system", "content": "You are a helpful assistant."}, {"role": "user", "content": "Hello! How are you?"}]"#
            .write(to: conversation, atomically: true, encoding: .utf8)
        let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: Fixtures.url("templates/expected.json"))) as? [String: Any]
        let templates = expected?["templates"] as? [String: [String: [String: String]]]
        let reference = try #require(templates?["Qwen-Qwen2.5-7B-Instruct.jinja"]?["system-user"]?["prompt"])
        let result = try CommandLineTests.run(["prompt", "--model", model.path, "--messages", conversation.path])
        #expect(result.status == 0)
        #expect(result.stdout == reference + (reference.hasSuffix("\n") ? "" : "\n"))
        let json = try CommandLineTests.run(["prompt", "--model", model.path, "--messages", conversation.path, "--json", "--tools"])
        let output = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect((output?["text"] as? String)?.contains("tasks_add") == true, "--tools declares slm-tui's tools")
        #expect(((output?["ids"] as? [Int])?.count ?? 0) > 10)
        let broken = folder.appendingPathComponent("broken.json")
        try #"{"nope": 1}"#.write(to: broken, atomically: true, encoding: .utf8)
        let bad = try CommandLineTests.run(["prompt", "--model", model.path, "--messages", broken.path])
        #expect(bad.status == 1 && bad.stderr.contains("messages"))
    }
}
