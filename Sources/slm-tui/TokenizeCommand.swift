import Foundation
import SLMEngine

/// `slm-tui tokenize`: the token ids (BOS added) and pieces of a text, given as the one
/// argument or on standard input (for texts longer than a command line takes).
enum TokenizeCommand {
    static func run(_ words: [String]) throws -> Int32 {
        let arguments = try Arguments(words, flags: ["--json"], options: ["--model"])
        guard arguments.positionals.count <= 1 else { throw UsageError("tokenize takes one text (quote it)") }
        let text = arguments.positionals.first
            ?? String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        let file = try GGUFFile(path: ModelResolution.path(for: arguments.options["--model"]))
        let tokenizer = try Tokenizer(file: file)
        let ids = tokenizer.encode(text)
        if arguments.has("--json") {
            struct Output: Encodable { let ids: [Int] }
            try Console.printJSON(Output(ids: ids))
        } else {
            for id in ids {
                Console.print("\(id)\t\(Console.safe(tokenizer.piece(id)).debugDescription)")
            }
        }
        return 0
    }
}
