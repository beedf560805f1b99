import Foundation
import SLMTestSupport
import Testing

/// `--model NAME@SERVER` through the built binary, against a real llama-server on loopback
/// configured in config.json (the key read from the environment variable it names).
@Suite("Servers on the command line", .serialized,
       .enabled(if: LlamaServer.binary != nil, Comment(rawValue: LlamaServer.missing)))
struct ServerCommandLineTests {
    typealias CLI = CommandLineTests

    /// A settings folder whose config.json names the server as `local`, and one that is down.
    static func home(_ server: LlamaServer) throws -> String {
        let folder = try Fixtures.temporaryDirectory("server-cli")
        let config = #"{"servers": [{"name": "local", "url": "\#(server.url)", "api_key_env": "SLM_TEST_SERVER_KEY"},"#
            + #" {"name": "gone", "url": "http://127.0.0.1:\#(LoopbackPort.free())"}]}"#
        try Data(config.utf8).write(to: folder.appendingPathComponent("config.json"))
        return folder.path
    }

    @Test("chat --model gemma3-270m@local streams an answer and history records the server's model; models list shows it")
    func chat() throws {
        let server = try LlamaServer(model: try DefaultModel.path(), alias: "gemma3-270m", apiKey: "k-123")
        let home = try Self.home(server)
        let environment = ["SLM_TUI_HOME": home, "SLM_TEST_SERVER_KEY": "k-123"]
        let database = home + "/db.sqlite3"
        let answer = try CLI.run(["chat", "--model", "gemma3-270m@local", "--max-tokens", "12", "--temp", "0", "--db", database,
                                  "Say hello to Ana."], environment: environment)
        #expect(answer.status == 0, "\(answer.stderr)")
        #expect(!answer.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
        #expect(!answer.stdout.contains("k-123") && !answer.stderr.contains("k-123"))
        let history = try CLI.run(["history", "--json", "--db", database], environment: environment)
        #expect(history.stdout.contains("gemma3-270m@local"))

        let list = try CLI.run(["models", "list"], environment: environment)
        #expect(list.status == 0)
        #expect(list.stdout.contains("gemma3-270m@local\tserver local"))
        #expect(list.stdout.contains("@gone\tserver\tunreachable"))

        let wrongKey = try CLI.run(["chat", "--model", "gemma3-270m@local", "--db", database, "Hi"],
                                   environment: ["SLM_TUI_HOME": home, "SLM_TEST_SERVER_KEY": "wrong"])
        #expect(wrongKey.status != 0 && wrongKey.stderr.contains("server local refused the API key"), "\(wrongKey.stderr)")
        #expect(!wrongKey.stderr.contains("wrong"))
        let down = try CLI.run(["chat", "--model", "anything@gone", "--db", database, "Hi"], environment: environment)
        #expect(down.status != 0 && down.stderr.contains("cannot reach server gone"), "\(down.stderr)")
        let bench = try CLI.run(["bench", "--model", "gemma3-270m@local"], environment: environment)
        #expect(bench.status != 0 && bench.stderr.contains("runs on server local"), "\(bench.stderr)")
    }
}
