import Foundation
import SLMEngine
import SLMStore

/// The writer's email-draft tools: create, revise, list, show and export to `.eml`.
enum DraftTools {
    static let all: [any Tool] = [Create(), Revise(), List(), Show(), Export()]

    static let recipients = JSONSchema.text(1...200)
    static let subject = JSONSchema.text(1...150)
    static let body = JSONSchema.text(1...2000)
    static let id = JSONSchema.Property("id", .integer(minimum: 1), description: "the draft's number")

    /// Fails, as the model reads it, when the call names a draft that does not exist.
    static func mustExist(_ arguments: JSONValue, _ context: ToolContext) async throws(ToolError) {
        do {
            _ = try await context.store.draft(arguments.int("id") ?? 0)
        } catch {
            throw .store(error)
        }
    }

    static func json(_ draft: DraftRecord, withBody: Bool = true) -> JSONValue {
        var members: [JSONValue.Member] = [
            .init("id", .number(Double(draft.id))), .init("to", .string(draft.recipients)),
        ]
        if !draft.cc.isEmpty { members.append(.init("cc", .string(draft.cc))) }
        members.append(.init("subject", .string(draft.subject)))
        if withBody { members.append(.init("body", .string(draft.body))) }
        members.append(.init("status", .string(draft.status.rawValue)))
        return .object(members)
    }

    struct Create: Tool {
        let name = "drafts_create"
        let description = "Write a new email draft."
        let hints = ["draft", "write", "email", "compose", "letter", "ask", "tell", "thank"]
        let permission = ToolPermission.write
        let requestArguments: [String: RequestField] = ["to": .recipients, "cc": .copied, "subject": .subject]
        let arguments = JSONSchema.object([
            .init("to", DraftTools.recipients, description: "recipient addresses or names"),
            .init("cc", DraftTools.recipients, required: false),
            .init("subject", DraftTools.subject),
            .init("body", DraftTools.body, description: "the whole email text"),
        ])

        func summary(of result: JSONValue) -> String {
            let draft = result["created"]
            return "Drafted email \(draft?["id"]?.intValue ?? 0) to \(draft?["to"]?.stringValue ?? ""): “\(draft?["subject"]?.stringValue ?? "")”.\n\n\(draft?["body"]?.stringValue ?? "")"
        }

        func call(_ arguments: JSONValue, context: ToolContext) async throws(ToolError) -> JSONValue {
            do {
                let draft = try await context.store.createDraft(
                    recipients: arguments.string("to") ?? "", cc: arguments.string("cc") ?? "",
                    subject: arguments.string("subject") ?? "", body: arguments.string("body") ?? "", origin: context.origin)
                return .object(["created": DraftTools.json(draft)])
            } catch {
                throw .store(error)
            }
        }
    }

    struct Revise: Tool {
        let name = "drafts_revise"
        let description = "Change a draft's recipients, subject or text."
        let requestArguments: [String: RequestField] = [
            "id": .recordNumber, "to": .recipients, "cc": .copied, "subject": .newValue(["subject", "title"]),
        ]

        func precheck(_ arguments: JSONValue, context: ToolContext) async throws(ToolError) {
            try await DraftTools.mustExist(arguments, context)
        }
        let hints = ["revise", "change", "edit", "update", "shorter", "longer", "fix"]
        let permission = ToolPermission.write
        let arguments = JSONSchema.object([
            DraftTools.id,
            .init("to", DraftTools.recipients, required: false),
            .init("cc", DraftTools.recipients, required: false),
            .init("subject", DraftTools.subject, required: false),
            .init("body", DraftTools.body, required: false),
        ])

        func call(_ arguments: JSONValue, context: ToolContext) async throws(ToolError) -> JSONValue {
            do {
                let draft = try await context.store.reviseDraft(
                    arguments.int("id") ?? 0, recipients: arguments.string("to"), cc: arguments.string("cc"),
                    subject: arguments.string("subject"), body: arguments.string("body"), status: .draft,
                    origin: context.origin)
                return .object(["revised": DraftTools.json(draft)])
            } catch {
                throw .store(error)
            }
        }
    }

    struct List: Tool {
        let name = "drafts_list"
        let description = "List the email drafts, newest first."
        let hints = ["drafts", "my drafts", "email drafts", "list", "show", "what", "which"]
        let permission = ToolPermission.read
        let arguments = JSONSchema.object([])

        func call(_ arguments: JSONValue, context: ToolContext) async throws(ToolError) -> JSONValue {
            do {
                let drafts = try await context.store.drafts()
                return .object(["count": .number(Double(drafts.count)),
                                "drafts": .array(drafts.prefix(30).map { DraftTools.json($0, withBody: false) })])
            } catch {
                throw .store(error)
            }
        }
    }

    struct Show: Tool {
        let name = "drafts_show"
        let description = "Show one draft in full."
        let requestArguments: [String: RequestField] = ["id": .recordNumber]

        func precheck(_ arguments: JSONValue, context: ToolContext) async throws(ToolError) {
            try await DraftTools.mustExist(arguments, context)
        }
        let hints = ["show draft", "open", "read", "display"]
        let permission = ToolPermission.read
        let arguments = JSONSchema.object([DraftTools.id])

        func call(_ arguments: JSONValue, context: ToolContext) async throws(ToolError) -> JSONValue {
            do {
                return DraftTools.json(try await context.store.draft(arguments.int("id") ?? 0))
            } catch {
                throw .store(error)
            }
        }
    }

    struct Export: Tool {
        let name = "drafts_export"
        let description = "Save a draft as an .eml file in the drafts folder, ready for a mail program."
        let requestArguments: [String: RequestField] = ["id": .recordNumber]

        func precheck(_ arguments: JSONValue, context: ToolContext) async throws(ToolError) {
            try await DraftTools.mustExist(arguments, context)
        }
        let hints = ["export", "export draft", "save", "file", "eml"]
        let permission = ToolPermission.write
        let arguments = JSONSchema.object([
            DraftTools.id,
            .init("file", .text(1...100), required: false, description: "file name, draft-<id>.eml by default"),
        ])

        static func fileName(_ arguments: JSONValue) -> String {
            var name = arguments.string("file") ?? "draft-\(arguments.int("id") ?? 0).eml"
            if !name.lowercased().hasSuffix(".eml") { name += ".eml" }
            return name
        }

        func approvalReason(for arguments: JSONValue, context: ToolContext) async -> String? {
            let name = Self.fileName(arguments)
            return context.drafts.exists(name) ? "overwrites \(name) in \(context.drafts.url.path)" : nil
        }

        func summary(of result: JSONValue) -> String {
            "Saved draft \(result["exported"]?.intValue ?? 0) as \(result["path"]?.stringValue ?? "")."
        }

        func call(_ arguments: JSONValue, context: ToolContext) async throws(ToolError) -> JSONValue {
            let draft: DraftRecord
            do {
                draft = try await context.store.draft(arguments.int("id") ?? 0)
            } catch {
                throw .store(error)
            }
            let file = try context.drafts.write(
                EmailMessage(draft: draft, date: context.now(), timeZone: context.timeZone).text, to: Self.fileName(arguments))
            do {
                _ = try await context.store.reviseDraft(draft.id, status: .exported, origin: context.origin)
            } catch {
                throw .store(error)
            }
            return .object(["exported": .number(Double(draft.id)), "path": .string(file.path)])
        }
    }
}

/// A draft as an RFC 5322 message: header values kept to one line, non-ASCII subjects
/// encoded, CRLF line ends.
struct EmailMessage {
    let draft: DraftRecord
    let date: Date
    let timeZone: TimeZone

    var text: String {
        var lines = ["To: \(Self.oneLine(draft.recipients))"]
        if !draft.cc.isEmpty { lines.append("Cc: \(Self.oneLine(draft.cc))") }
        lines += [
            "Subject: \(Self.encodedWord(Self.oneLine(draft.subject)))",
            "Date: \(dateHeader)",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: 8bit",
            "X-Mailer: slm-tui",
            "",
        ]
        let body = draft.body.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        return (lines + body.map(String.init)).joined(separator: "\r\n") + "\r\n"
    }

    private var dateHeader: String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter.string(from: date)
    }

    /// Header text cannot carry line breaks (they would start new headers).
    static func oneLine(_ text: String) -> String {
        text.components(separatedBy: .newlines).joined(separator: " ").trimmingCharacters(in: .whitespaces)
    }

    /// RFC 2047: non-ASCII header text as `=?UTF-8?B?…?=`.
    static func encodedWord(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { !$0.isASCII }) else { return text }
        return "=?UTF-8?B?\(Data(text.utf8).base64EncodedString())?="
    }
}
