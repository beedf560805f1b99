import SLMEngine
import SLMStore

/// Notes the user asks the assistant to keep: add, search and delete.
enum NoteTools {
    static let all: [any Tool] = [Add(), Search(), Delete()]

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
                     "find my note", "my note about", "look up", "noted", "what did i note"]
        let permission = ToolPermission.read
        let arguments = JSONSchema.object([.init("query", .text(0...100), description: "words to look for")])
        let requestArguments: [String: RequestField] = ["query": .topic]

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

    /// Deletes the one note containing the words given (a small model cannot know a note's
    /// number; the request names what it is about).
    struct Delete: Tool {
        let name = "notes_delete"
        let description = "Delete the user's note that contains the given words."
        let hints = ["delete the note", "remove the note", "delete my note", "remove my note", "forget the note", "delete note",
                     "remove note"]
        let permission = ToolPermission.destructive
        let arguments = JSONSchema.object([.init("about", .text(1...100), description: "words the note contains")])
        let requestArguments: [String: RequestField] = ["about": .topic]

        /// The one note the words name, or the error the model reads.
        static func note(_ arguments: JSONValue, _ context: ToolContext) async throws(ToolError) -> NoteRecord {
            let about = arguments.string("about") ?? ""
            let notes: [NoteRecord]
            do {
                notes = try await context.store.notes(matching: about, limit: 10)
            } catch {
                throw .store(error)
            }
            guard notes.count == 1, let note = notes.first else {
                throw ToolError(notes.isEmpty ? "no note contains “\(about)”"
                    : "\(notes.count) notes contain “\(about)” (notes \(notes.map { String($0.id) }.joined(separator: ", "))); say which")
            }
            return note
        }

        func precheck(_ arguments: JSONValue, context: ToolContext) async throws(ToolError) {
            _ = try await Self.note(arguments, context)
        }

        func approvalReason(for arguments: JSONValue, context: ToolContext) async -> String? {
            guard let note = try? await Self.note(arguments, context) else { return "Delete a note?" }
            let first = note.text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            return "Delete note \(note.id) “\(first.count > 60 ? String(first.prefix(59)) + "…" : first)”?"
        }

        func summary(of result: JSONValue) -> String {
            "Deleted note \(result["deleted"]?["id"]?.intValue ?? 0) “\(result["deleted"]?["text"]?.stringValue ?? "")”."
        }

        func call(_ arguments: JSONValue, context: ToolContext) async throws(ToolError) -> JSONValue {
            let note = try await Self.note(arguments, context)
            do {
                return .object(["deleted": NoteTools.json(try await context.store.deleteNote(note.id, origin: context.origin))])
            } catch {
                throw .store(error)
            }
        }
    }
}
