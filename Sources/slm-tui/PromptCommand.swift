import Foundation
import SLMAgent
import SLMEngine

/// `slm-tui prompt`: the prompt a conversation renders to with a model's own chat template
/// (or its family's built-in format, saying why), for debugging a model and for tests.
enum PromptCommand {
    static func run(_ words: [String]) throws -> Int32 {
        let arguments = try Arguments(words, flags: ["--json", "--tools"], options: ["--model", "--messages"])
        guard arguments.positionals.isEmpty else { throw UsageError("prompt reads the conversation from --messages FILE or standard input") }
        let document: String
        if let path = arguments.options["--messages"] {
            guard let data = FileManager.default.contents(atPath: path) else { throw CommandError("cannot read \(path)") }
            document = String(decoding: data, as: UTF8.self)
        } else {
            document = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        }
        var conversation: ChatConversation
        do {
            conversation = try ChatConversation(json: document)
        } catch {
            throw CommandError("the conversation: \(error)")
        }
        if arguments.has("--tools") {
            conversation.tools += ToolRegistry.builtIn.tools.map { tool in
                ChatConversation.Tool(name: tool.name, description: tool.description, parameters: tool.arguments.json.text)
            }
        }
        let file = try GGUFFile(path: ModelResolution.path(for: arguments.options["--model"]))
        let tokenizer = try Tokenizer(file: file)
        let renderer = PromptRenderer(chatTemplate: file["tokenizer.chat_template"]?.stringValue,
                                      architecture: file["general.architecture"]?.stringValue ?? "",
                                      vocabulary: tokenizer.vocabulary)
        let (pieces, notice) = renderer.render(conversation)
        if let notice = notice ?? renderer.fallbackReason { Console.error("note: \(notice)") }
        let text = pieces.map { piece in
            switch piece {
            case .text(let text), .markup(let text), .special(let text): text
            }
        }.joined()
        if arguments.has("--json") {
            struct Output: Encodable { let text: String; let ids: [Int] }
            try Console.printJSON(Output(text: text, ids: renderer.builtIn.tokens(for: pieces, tokenizer: tokenizer)))
        } else {
            // exact into a pipe or file (tests compare it byte for byte), sanitised on a terminal
            let output = text.hasSuffix("\n") ? text : text + "\n"
            if Console.outputIsTerminal { Console.write(output) } else { Console.writeExact(Data(output.utf8)) }
        }
        return 0
    }
}
