import Foundation
@testable import SLMAgent
import SLMEngine
import SLMTestSupport
import Testing

/// Reading what servers stream: server-sent events cut anywhere, chat-completion chunks of
/// llama-server, vLLM and Ollama (their documented formats), and calls written as text.
@Suite("Server streams")
struct ServerStreamTests {
    static func fixture(_ name: String) throws -> Data { try Data(contentsOf: Fixtures.url("servers/" + name)) }

    /// The events of `bytes` pushed in pieces of `size`.
    static func events(_ bytes: Data, pieces size: Int) -> [String] {
        var parser = ServerSentEvents()
        var events: [String] = []
        var start = 0
        while start < bytes.count {
            let end = min(start + size, bytes.count)
            events += (try? parser.push(bytes.subdata(in: start..<end))) ?? []
            start = end
        }
        if let last = parser.finish() { events.append(last) }
        return events
    }

    @Test("events are the same however the bytes are cut; CRLF, CR, comments, other fields and multi-line data")
    func sseCuts() throws {
        let text = ": keep-alive\r\nevent: message\r\nid: 7\r\ndata: {\"a\": \"é€\"}\r\n\r\ndata:first\rdata: second\r\rretry: 10\n\n"
            + "data: [DONE]\n\n:trailing comment\n"
        let bytes = Data(text.utf8)
        let whole = Self.events(bytes, pieces: bytes.count)
        #expect(whole == [#"{"a": "é€"}"#, "first\nsecond", "[DONE]"])
        for size in [1, 2, 3, 5, 7] { #expect(Self.events(bytes, pieces: size) == whole) }
    }

    @Test("an event the stream ends without its blank line still counts; a blank line with no data is none")
    func sseEnd() throws {
        var parser = ServerSentEvents()
        #expect(try parser.push(Data("\n\ndata: last".utf8)).isEmpty)
        #expect(parser.finish() == "last")
        #expect(parser.finish() == nil)
    }

    static func read(_ name: String) throws -> (ChatCompletionReader, [ChatCompletionReader.Piece]) {
        var reader = ChatCompletionReader()
        var pieces: [ChatCompletionReader.Piece] = []
        for event in Self.events(try fixture(name), pieces: 13) { pieces += try reader.read(event) }
        return (reader, pieces)
    }

    @Test("vLLM: a tool call's arguments put together from their pieces, and the usage chunk read")
    func vllmToolCall() throws {
        let (reader, pieces) = try Self.read("vllm-tool-call.sse")
        #expect(pieces.isEmpty)
        #expect(reader.calls == [.init(id: "chatcmpl-tool-9c1e", name: "tasks_add",
                                       arguments: #"{"title": "Call Ana", "due": "friday"}"#)])
        #expect(reader.finishReason == "tool_calls" && reader.done)
        #expect(reader.promptTokens == 412 && reader.completionTokens == 25)
    }

    @Test("Ollama: reasoning apart from the answer, the answer's pieces in order")
    func ollamaAnswer() throws {
        let (reader, pieces) = try Self.read("ollama-answer.sse")
        #expect(pieces == [.reasoning("The user greets me."), .content("Hello"), .content(", Ana!")])
        #expect(reader.finishReason == "stop" && reader.completionTokens == 9 && reader.calls.isEmpty)
    }

    @Test("llama-server (recorded): a null first content, a call's id and name first then its arguments in pieces, usage last")
    func llamaServerRecorded() throws {
        let (answer, pieces) = try Self.read("llama-server-answer.sse")
        #expect(pieces.first == .content("Say") && answer.finishReason == "length" && answer.completionTokens == 8)
        let (call, callPieces) = try Self.read("llama-server-tool-call.sse")
        #expect(callPieces.isEmpty && call.calls.count == 1 && call.calls.first?.name == "tasks_add")
        #expect(call.calls.first?.id?.isEmpty == false && call.calls.first?.arguments.hasPrefix(#"{"title": "Water the plants","#) == true)
        #expect(call.promptTokens == 239 && call.done)
    }

    /// The body `response` decodes to, fed in pieces of `size`, and whether it was whole.
    static func decode(_ response: String, pieces size: Int, closed: Bool = false) throws -> (Data, Bool, Int?) {
        var decoder = SocketHTTP.ResponseDecoder()
        let bytes = Array(response.utf8)
        var body = Data()
        var start = 0
        while start < bytes.count, !decoder.isComplete {
            let end = min(start + size, bytes.count)
            body += try decoder.push(bytes[start..<end], server: "box")
            start = end
        }
        let whole = closed ? decoder.endOfStream() : decoder.isComplete
        return (body, whole, decoder.status)
    }

    @Test("HTTP answers over the socket: chunked (sizes in hex, extensions, trailers), sized and to the close, cut anywhere")
    func httpDecoding() throws {
        let chunked = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5\r\nhello\r\n1a;ext=1\r\n abcdefghijklmnopqrstuvwxy\r\n0\r\nX-Trailer: 1\r\n\r\n"
        for size in [1, 2, 3, 7, 500] {
            let (body, whole, status) = try Self.decode(chunked, pieces: size)
            #expect(String(decoding: body, as: UTF8.self) == "hello abcdefghijklmnopqrstuvwxy" && whole && status == 200)
        }
        let sized = "HTTP/1.1 401 Unauthorized\r\ncontent-length: 5\r\n\r\nnope!extra"
        let (body, whole, status) = try Self.decode(sized, pieces: 4)
        #expect(String(decoding: body, as: UTF8.self) == "nope!" && whole && status == 401)
        let toClose = try Self.decode("HTTP/1.0 200 OK\r\n\r\nall of it", pieces: 3, closed: true)
        #expect(String(decoding: toClose.0, as: UTF8.self) == "all of it" && toClose.1)
        // a chunked body the connection ends early is not whole: the answer was cut off
        let cut = try Self.decode("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", pieces: 4, closed: true)
        #expect(String(decoding: cut.0, as: UTF8.self) == "hel" && !cut.1)
        #expect(throws: ServerError.self) { try Self.decode("SSH-2.0-OpenSSH\r\n\r\n", pieces: 100) }
        #expect(throws: ServerError.self) {
            try Self.decode("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", pieces: 100)
        }
    }

    @Test("an error streamed in place of a chunk, and a chunk that is not JSON, are errors in words")
    func streamedErrors() {
        var reader = ChatCompletionReader()
        #expect(throws: ChatCompletionReader.ServerError(message: "context length exceeded")) {
            try reader.read(#"{"error": {"code": 400, "message": "context length exceeded"}}"#)
        }
        #expect(throws: ChatCompletionReader.ServerError.self) { try reader.read("<html>") }
    }

    @Test("two calls in one answer are kept apart by index; arguments sent whole are taken whole")
    func twoCalls() throws {
        var reader = ChatCompletionReader()
        _ = try reader.read(#"{"choices":[{"delta":{"tool_calls":[{"index":1,"id":"b","function":{"name":"clock_now","arguments":{}}}]}}]}"#)
        _ = try reader.read(#"{"choices":[{"delta":{"tool_calls":[{"index":0,"id":"a","function":{"name":"notes_add","arguments":"{\"text\":"}}]}}]}"#)
        _ = try reader.read(#"{"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"x\"}"}}]},"finish_reason":"tool_calls"}]}"#)
        #expect(reader.calls == [.init(id: "a", name: "notes_add", arguments: #"{"text":"x"}"#),
                                 .init(id: "b", name: "clock_now", arguments: "{}")])
    }

    @Test("a call written as <tool_call> text is taken out of the shown answer, however the tag is cut")
    func plainCalls() {
        let answer = "Sure. <tool_call>\n{\"name\": \"clock_now\", \"arguments\": {}}\n</tool_call>"
        for size in [1, 4, 100] {
            var calls = PlainCalls(active: true)
            var shown = ""
            var index = answer.startIndex
            while index < answer.endIndex {
                let end = answer.index(index, offsetBy: size, limitedBy: answer.endIndex) ?? answer.endIndex
                shown += calls.push(String(answer[index..<end]))
                index = end
            }
            let rest = calls.finish()
            #expect(shown + rest.text == "Sure. ")
            #expect(rest.call == #"{"name": "clock_now", "arguments": {}}"#)
        }
        var plain = PlainCalls(active: true)
        #expect(plain.push("a <tool") == "a ")
        let rest = plain.finish()
        #expect(rest.text == "<tool" && rest.call == nil)
        var off = PlainCalls(active: false)
        #expect(off.push("<tool_call>{}") == "<tool_call>{}")
    }

    @Test("servers in config: names, addresses and APIs checked; model@server read at the last @")
    func serverConfig() {
        #expect(ModelServer(name: "box", url: "http://box:11434").problem == nil)
        #expect(ModelServer(name: "box", url: "https://gpu.example.com/v1/").baseURL?.absoluteString == "https://gpu.example.com")
        #expect(ModelServer(name: "my box", url: "http://box").problem?.contains("letters, digits") == true)
        #expect(ModelServer(name: "box", url: "ftp://box").problem?.contains("not an http") == true)
        #expect(ModelServer(name: "box", url: "box:11434").problem != nil)
        #expect(ModelServer(name: "box", url: "http://box", api: "grpc").problem?.contains("openai or ollama") == true)
        #expect(ModelServer(name: "box", url: "http://box:11434").listsLikeOllama)
        #expect(!ModelServer(name: "box", url: "http://box:8080").listsLikeOllama)
        #expect(ModelServer(name: "box", url: "http://box:8080", api: "ollama").listsLikeOllama)
        let servers = [ModelServer(name: "box", url: "http://box")]
        #expect(RemoteModelName("qwen3:30b@box", servers: servers) == RemoteModelName(model: "qwen3:30b", server: "box"))
        #expect(RemoteModelName("user@mail@box", servers: servers)?.model == "user@mail")
        #expect(RemoteModelName("qwen3@elsewhere", servers: servers) == nil)
        #expect(RemoteModelName("@box", servers: servers) == nil)
        let reference = ModelReference(remote: RemoteModelName(model: "qwen3:30b", server: "box"))
        #expect(reference.name == "qwen3:30b@box" && reference.remote == RemoteModelName(model: "qwen3:30b", server: "box"))
        #expect(ModelReference(path: URL(fileURLWithPath: "/m/a@box.gguf")).remote == nil)
    }

    @Test("the API key comes from the environment variable first, then the file; an empty one is none")
    func apiKey() {
        let server = ModelServer(name: "box", url: "http://box", apiKeyEnvironment: "BOX_KEY", apiKey: "from-file")
        #expect(server.key(environment: ["BOX_KEY": "from-env"]) == "from-env")
        #expect(server.key(environment: [:]) == "from-file")
        #expect(ModelServer(name: "box", url: "http://box", apiKeyEnvironment: "BOX_KEY").key(environment: ["BOX_KEY": ""]) == nil)
    }

    @Test("config.json: a bad server is left out with a sentence, the good ones kept, a second of the same name dropped")
    func settings() throws {
        let folder = try Fixtures.temporaryDirectory("servers")
        let file = folder.appendingPathComponent("config.json")
        try Data(#"""
            {"theme": "dark", "servers": [
              {"name": "box", "url": "http://box:11434", "api": "ollama", "api_key_env": "BOX_KEY"},
              {"name": "bad name", "url": "http://x"},
              {"name": "box", "url": "http://other"},
              {"name": "gpu", "url": "not a url"}]}
            """#.utf8).write(to: file)
        let (settings, problems) = UserSettings.read(from: file)
        #expect(settings.theme == "dark")
        #expect(settings.servers?.map(\.name) == ["box"])
        #expect(settings.servers?.first?.apiKeyEnvironment == "BOX_KEY")
        #expect(problems.count == 3)
        #expect(problems.contains { $0.contains("two servers are named box") })
    }
}
