import SLMEngine
import SLMStore

/// Notes the user asks the assistant to keep: add and search.
enum NoteTools {
    static let all: [any Tool] = [Add(), Search()]

    static func json(_ note: NoteRecord) -> JSONValue {
        .object(["id": .number(Double(note.id)), "text": .string(note.text)])
    }

    struct Add: Tool {
        let name = "notes_add"
        let description = "Keep a note for the user."
        let hints = ["note", "make a note", "remember", "write down", "jot"]
        let permission = ToolPermission.write
        let requestArguments: [String: RequestField] = ["text": .noteText]
        let arguments = JSONSchema.object([.init("text", .text(1...1000), description: "the note")])

        func summary(of result: JSONValue) -> String {
            "Noted: “\(result["added"]?["text"]?.stringValue ?? "")”."
        }

        func call(_ arguments: JSONValue, context: ToolContext) async throws(ToolError) -> JSONValue {
            do {
                return .object(["added": NoteTools.json(try await context.store.addNote(
                    FreeText.withoutRepetition(arguments.string("text") ?? ""), origin: context.origin))])
            } catch {
                throw .store(error)
            }
        }
    }

    struct Search: Tool {
        let name = "notes_search"
        let description = "Find the user's notes containing every given word (all notes when empty)."
        let hints = ["notes", "my notes", "notes about", "notes do i have", "find note", "search notes", "what notes",
                     "find my note", "my note about", "look up"]
        let permission = ToolPermission.read
        let arguments = JSONSchema.object([.init("query", .text(0...100), description: "words to look for")])

        func summary(of result: JSONValue) -> String {
            let notes = result["notes"]?.arrayValue ?? []
            return notes.isEmpty ? "No notes match." : notes.map { "• " + ($0["text"]?.stringValue ?? "") }.joined(separator: "\n")
        }

        func call(_ arguments: JSONValue, context: ToolContext) async throws(ToolError) -> JSONValue {
            do {
                let notes = try await context.store.notes(matching: arguments.string("query") ?? "", limit: 20)
                return .object(["count": .number(Double(notes.count)), "notes": .array(notes.map(NoteTools.json))])
            } catch {
                throw .store(error)
            }
        }
    }
}
