import Foundation
import SLMAgent
import SLMEngine
import SLMStore
import SLMTUI

/// The `slm-tui` command: parses the first words and hands over to a subcommand.
enum SLMCommandLine {
    static let version = "0.1.0"

    static let usage = """
        slm-tui \(version): an offline terminal assistant for small language models

        Usage:
          slm-tui [--model NAME|PATH] [--db PATH] [--ctx N] [--threads N] [--cache-type f16|q8_0|f32]
                                                  the full-screen app (F1 there lists every key)
          slm-tui --help | --version
          slm-tui chat [--model NAME|PATH] [--system S] [--temp T] [--top-k K] [--top-p P] [--seed N]
                       [--max-tokens N] [--ctx N] [--threads N] [--cache-type T] [--raw] [--json]
                       [--db PATH] [--no-save] [PROMPT]
                                                  stream an answer (prompt from stdin when not given) and
                                                  save the exchange in the history
          slm-tui chat --agent NAME|auto [--conversation ID] [--yes] [same options] [PROMPT]
                                                  the agent loop: routing (auto, or assistant, planner,
                                                  writer), tool calls on stderr (--json: events on stdout);
                                                  --yes allows destructive calls without asking
          slm-tui tasks [--all|--done|--due] [--json]
                                                  tasks (open ones by default; --due: due now or overdue)
          slm-tui tasks add TEXT [--due WHEN] [--priority 0-3] [--notes T] [--json]
                                                  WHEN: tomorrow 5pm, friday, in 2 hours, on the 3rd, 2026-12-04
          slm-tui tasks done|reopen|rm ID         complete, reopen or delete task ID
          slm-tui tasks edit ID [--title T] [--due WHEN] [--priority N] [--notes T] [--json]
                                                  change a task (--due "" clears the due day)
          slm-tui drafts [--json]                 the email drafts
          slm-tui drafts show ID [--json]         one draft in full
          slm-tui drafts export ID [-o FILE]      as an RFC 5322 .eml file (default drafts/draft-ID.eml)
          slm-tui drafts sent ID [--not] | rm ID  mark a draft sent (or not), or delete it
          slm-tui notes [TEXT] [--json]           notes, or those containing TEXT
          slm-tui notes add TEXT | edit ID TEXT | rm ID
          slm-tui changes [--limit N] [--json]    what the agent and you changed, newest first
          slm-tui undo [ID]                       revert the newest change, or change ID
          slm-tui eval [--model NAME|PATH] [--json] [--limit N] [--seed N] [--category C,...]
                                                  the committed requests through the agent loop, scored
                                                  by what the store holds afterwards (seed 42 by default)
          slm-tui history [--json] [--limit N] [--db PATH] [--move-aside]
                                                  saved conversations, most recent first
          slm-tui export ID [--format md|json] [-o FILE] [--db PATH]
                                                  a conversation as Markdown or JSON
          slm-tui search TEXT [--json] [--limit N] [--db PATH]
                                                  full-text search over saved messages
          slm-tui tokenize [--model NAME|PATH] [--json] [TEXT]  (else standard input)
                                                  token ids (BOS added) and pieces
          slm-tui prompt [--model NAME|PATH] [--messages FILE.json] [--tools] [--json]
                                                  the prompt a conversation (OpenAI-style messages, from FILE
                                                  or standard input) renders to with the model's own chat
                                                  template; --tools adds slm-tui's tools; --json: text and ids
          slm-tui models list [--json]            models on disk (slm-tui's folder, settings folders,
                                                  Ollama, LM Studio, Hugging Face cache) and in the catalog
          slm-tui models info NAME|PATH [--json]  describe a GGUF model (a name from the list, or a file)
          slm-tui models pull [NAME]              fetch a catalog model (default: gemma3-270m); resumes
          slm-tui models rm NAME [--yes]          remove a model slm-tui downloaded (asks first)
          slm-tui models path                     print the models directory
          slm-tui bench [--model NAME|PATH] [-p 512] [-n 128] [-t N] [-r 5] [-d DEPTH] [--ctx N]
                        [--cache-type T] [--json]
                                                  prompt (pp) and generation (tg) tokens/s, as llama-bench
                                                  (-d: tokens already in the KV cache)
          slm-tui bench --kernels [--path P] [--type T,...] [--batch B] [--json]
                                                  weight GB/s of each quant kernel (4096x4096),
                                                  or with B activation rows multiply-adds/s (1024x4096)
          slm-tui bench --store [--json]          store append / list / search times
          slm-tui bench --grammar [--model NAME|PATH] [-n 128] [-t N] [-r 5] [--json]
                                                  decode t/s with and without a JSON grammar
          slm-tui bench --lookup [--model NAME|PATH] [--prompt TEXT] [-n 128] [-t N] [-r 3]
                        [--cache-type T] [--json]
                                                  greedy decode t/s of a rewrite (or TEXT) with and
                                                  without prompt lookup; exit 1 if the answers differ

        Environment:
          SLM_TUI_HOME   data folder (default $XDG_DATA_HOME/slm-tui or ~/.local/share/slm-tui),
                         holding slm-tui.sqlite3 (the history), models/ and drafts/
          SLM_KERNELS    force a kernel path: scalar, avx2, avx512-vnni, neon, neon-dotprod
        """

    /// Runs a command line and returns the exit status: 0 done, 1 failed, 2 bad usage.
    static func run(_ words: [String]) -> Int32 {
        let command = words.first.flatMap { commands.contains($0) ? $0 : nil }
        if let command, words.dropFirst().contains(where: { $0 == "--help" || $0 == "-h" }) {
            Console.print(usage(of: command))
            return 0
        }
        do {
            return try dispatch(words)
        } catch let error as UsageError {
            // one line and where to read more, not the whole usage
            Console.error("slm-tui: \(error.message)\nsee `slm-tui \(command.map { $0 + " " } ?? "")--help`")
            return 2
        } catch {
            Console.error("slm-tui: \(Console.safe(String(describing: error)))")
            return 1
        }
    }

    /// The subcommands, as `usage` lists them.
    static let commands = ["chat", "tasks", "drafts", "notes", "changes", "undo", "eval", "history", "export", "search", "tokenize", "prompt",
                           "models", "bench"]

    /// The part of `usage` about `command`: its lines and their continuations.
    static func usage(of command: String) -> String {
        var lines: [String] = []
        var inCommand = false
        for line in usage.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("  slm-tui ") {
                inCommand = line.hasPrefix("  slm-tui \(command) ") || line == "  slm-tui \(command)"
            } else if !line.hasPrefix("      ") {
                inCommand = false
            }
            if inCommand { lines.append(String(line)) }
        }
        return "Usage:\n" + lines.joined(separator: "\n")
    }

    private static func dispatch(_ words: [String]) throws -> Int32 {
        guard let first = words.first else { return try AppCommand.run([]) }
        let rest = Array(words.dropFirst())
        switch first {
        case "--help", "-h", "help":
            Console.print(usage)
            return 0
        case "--version", "-V":
            Console.print("slm-tui \(version) (kernels \(KernelPath.active), sqlite \(SQLiteLibrary.version), \(NcursesLibrary.version))")
            return 0
        case "models":
            return try ModelsCommand.run(rest)
        case "chat":
            return try ChatCommand.run(rest)
        case "tokenize":
            return try TokenizeCommand.run(rest)
        case "prompt":
            return try PromptCommand.run(rest)
        case "history":
            return try HistoryCommands.history(rest)
        case "export":
            return try HistoryCommands.export(rest)
        case "search":
            return try HistoryCommands.search(rest)
        case "bench":
            return try BenchCommand.run(rest)
        case "tasks":
            return try ToolStateCommands.tasks(rest)
        case "drafts":
            return try ToolStateCommands.drafts(rest)
        case "notes":
            return try ToolStateCommands.notes(rest)
        case "changes":
            return try ToolStateCommands.changes(rest)
        case "undo":
            return try ToolStateCommands.undo(rest)
        case "eval":
            return try EvalCommand.run(rest)
        case "--model", "--db", "--ctx", "--threads", "--cache-type":
            return try AppCommand.run(words)
        default:
            throw UsageError(first.hasPrefix("-") ? "unknown option \(first)" : "unknown command \(first)")
        }
    }
}
