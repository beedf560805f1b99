import Foundation
import SLMAgent
import SLMEngine
import SLMStore
import SLMTestSupport
import Testing

/// The built-in tools against a real store, a temporary drafts folder and a fixed clock
/// (Wednesday 25 November 2026, 14:30 in Lisbon).
@Suite("Tools")
struct ToolTests {
    static let now = Date(timeIntervalSince1970: 1_795_617_000)
    static let lisbon = TimeZone(identifier: "Europe/Lisbon")!

    static func context() throws -> ToolContext {
        let folder = try Fixtures.temporaryDirectory("tools")
        let store = try Store(path: folder.appendingPathComponent("slm-tui.sqlite3").path)
        return ToolContext(store: store, drafts: DraftsFolder(url: folder.appendingPathComponent("drafts")),
                           timeZone: lisbon, now: { now })
    }

    static func call(_ name: String, _ arguments: String, _ context: ToolContext) async throws -> JSONValue {
        let tool = try #require(ToolRegistry.builtIn[name])
        let values = try JSONValue.parse(arguments)
        #expect(tool.arguments.problems(with: values).isEmpty, "\(arguments)")
        return try await tool.call(values, context: context)
    }

    @Test("every tool has a description, an object schema and a unique name")
    func registry() {
        let names = ToolRegistry.builtIn.tools.map(\.name)
        #expect(Set(names).count == names.count)
        #expect(names.count == 17)
        for tool in ToolRegistry.builtIn.tools {
            #expect(!tool.description.isEmpty)
            guard case .object = tool.arguments else { Issue.record("\(tool.name) arguments are not an object"); continue }
        }
        #expect(ToolRegistry.builtIn["tasks_delete"]?.permission == .destructive)
        #expect(ToolRegistry.builtIn["tasks_list"]?.permission == .read)
    }

    @Test("tasks: add with a day phrase, list, update, complete, delete")
    func tasks() async throws {
        let context = try Self.context()
        let added = try await Self.call("tasks_add", #"{"title": "Send the invoice", "due": "next friday", "priority": 2}"#, context)
        #expect(added["added"]?["due"]?.stringValue == "2026-12-04")
        #expect(added["added"]?["id"]?.intValue == 1)
        _ = try await Self.call("tasks_add", #"{"title": "Water plants", "due": "tomorrow"}"#, context)
        let listed = try await Self.call("tasks_list", #"{"due_before": "in 3 days"}"#, context)
        #expect(listed["count"]?.intValue == 1)
        #expect(listed["tasks"]?.arrayValue?.first?["title"]?.stringValue == "Water plants")
        let updated = try await Self.call("tasks_update", #"{"id": 1, "due": "2026-12-01"}"#, context)
        #expect(updated["updated"]?["due"]?.stringValue == "2026-12-01")
        #expect(updated["updated"]?["title"]?.stringValue == "Send the invoice")
        _ = try await Self.call("tasks_complete", #"{"id": 2}"#, context)
        let open = try await Self.call("tasks_list", "{}", context)
        #expect(open["count"]?.intValue == 1)
        let done = try await Self.call("tasks_list", #"{"status": "done"}"#, context)
        #expect(done["tasks"]?.arrayValue?.first?["status"]?.stringValue == "done")
        _ = try await Self.call("tasks_delete", #"{"id": 1}"#, context)
        await #expect(throws: ToolError.self) { try await Self.call("tasks_complete", #"{"id": 1}"#, context) }
        let remaining = try await context.store.tasks()
        #expect(remaining.map(\.title) == ["Water plants"])
    }

    @Test("a destructive call always asks; a write asks only when it would overwrite")
    func approvals() async throws {
        let context = try Self.context()
        let delete = try #require(ToolRegistry.builtIn["tasks_delete"])
        #expect(await delete.approvalReason(for: try JSONValue.parse(#"{"id": 1}"#), context: context) != nil)
        let export = try #require(ToolRegistry.builtIn["drafts_export"])
        _ = try await Self.call("drafts_create", #"{"to": "ana@example.com", "subject": "Hi", "body": "Hello"}"#, context)
        let arguments = try JSONValue.parse(#"{"id": 1}"#)
        #expect(await export.approvalReason(for: arguments, context: context) == nil)
        _ = try await export.call(arguments, context: context)
        let reason = try #require(await export.approvalReason(for: arguments, context: context))
        #expect(reason.contains("overwrites draft-1.eml"))
    }

    @Test("drafts: create, revise, list, show and export a well-formed .eml")
    func drafts() async throws {
        let context = try Self.context()
        _ = try await Self.call("drafts_create", #"""
            {"to": "ana@example.com\nBcc: evil@example.com", "subject": "Café tomorrow", "body": "Hi Ana,\nSee you at 10.\nJo"}
            """#, context)
        let revised = try await Self.call("drafts_revise", #"{"id": 1, "cc": "bo@example.com"}"#, context)
        #expect(revised["revised"]?["cc"]?.stringValue == "bo@example.com")
        let list = try await Self.call("drafts_list", "{}", context)
        #expect(list["drafts"]?.arrayValue?.first?["body"] == nil)
        let shown = try await Self.call("drafts_show", #"{"id": 1}"#, context)
        #expect(shown["body"]?.stringValue == "Hi Ana,\nSee you at 10.\nJo")
        let exported = try await Self.call("drafts_export", #"{"id": 1, "file": "cafe"}"#, context)
        let path = try #require(exported["path"]?.stringValue)
        #expect(path.hasSuffix("/drafts/cafe.eml"))
        let eml = try String(contentsOfFile: path, encoding: .utf8)
        #expect(eml.hasPrefix("To: ana@example.com Bcc: evil@example.com\r\nCc: bo@example.com\r\n"))
        #expect(!eml.contains("\r\nBcc:"))
        #expect(eml.contains("Subject: =?UTF-8?B?\(Data("Café tomorrow".utf8).base64EncodedString())?=\r\n"))
        #expect(eml.contains("Date: Wed, 25 Nov 2026 14:30:00 +0000\r\n"))
        #expect(eml.hasSuffix("\r\n\r\nHi Ana,\r\nSee you at 10.\r\nJo\r\n"))
        #expect(try await context.store.draft(1).status == .exported)
    }

    @Test("file names stay inside the drafts folder", arguments: [
        "../escape.eml", "/etc/passwd", "sub/dir.eml", ".hidden.eml", "..", "a\\b.eml", "link/\u{301}x.eml",
        "a\u{2215}b.eml", "a\u{2044}b.eml", "a\u{FF0F}b.eml", "a\u{29F8}b.eml", "line\nbreak.eml", "bell\u{07}.eml",
        "esc\u{1B}[31m.eml", "rtl\u{202E}lme.exe", "zero\u{200B}width.eml", "nul\u{0}.eml", ".\u{301}hidden.eml",
        "c1\u{9B}.eml",
    ])
    func confinement(name: String) async throws {
        let context = try Self.context()
        _ = try await Self.call("drafts_create", #"{"to": "a", "subject": "s", "body": "b"}"#, context)
        let export = try #require(ToolRegistry.builtIn["drafts_export"])
        let arguments = JSONValue.object(["id": .number(1), "file": .string(name)])
        await #expect(throws: ToolError.self) { try await export.call(arguments, context: context) }
        #expect(!FileManager.default.fileExists(atPath: context.drafts.url.deletingLastPathComponent().appendingPathComponent("escape.eml").path))
    }

    @Test("a link in the drafts folder is never written through")
    func links() async throws {
        let context = try Self.context()
        let outside = context.drafts.url.deletingLastPathComponent().appendingPathComponent("outside.txt")
        try Data("keep".utf8).write(to: outside)
        try FileManager.default.createDirectory(at: context.drafts.url, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: context.drafts.url.appendingPathComponent("link.eml"), withDestinationURL: outside)
        _ = try await Self.call("drafts_create", #"{"to": "a", "subject": "s", "body": "b"}"#, context)
        let export = try #require(ToolRegistry.builtIn["drafts_export"])
        await #expect(throws: ToolError.self) {
            try await export.call(JSONValue.object(["id": .number(1), "file": .string("link.eml")]), context: context)
        }
        #expect(try String(contentsOf: outside, encoding: .utf8) == "keep")
    }

    @Test("a slash joined to a combining mark is still a slash: a link in the folder never leads the write out")
    func combiningSlash() async throws {
        let context = try Self.context()
        let outside = try Fixtures.temporaryDirectory("outside")
        try FileManager.default.createDirectory(at: context.drafts.url, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: context.drafts.url.appendingPathComponent("link"),
                                                   withDestinationURL: outside)
        _ = try await Self.call("drafts_create", #"{"to": "a", "subject": "s", "body": "b"}"#, context)
        let export = try #require(ToolRegistry.builtIn["drafts_export"])
        let name = "link/\u{301}x.eml"
        #expect(await export.approvalReason(for: .object(["id": .number(1), "file": .string(name)]), context: context) == nil)
        await #expect(throws: ToolError.self) {
            try await export.call(.object(["id": .number(1), "file": .string(name)]), context: context)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path).isEmpty)
    }

    @Test("an existing file is replaced only whole, after approval; a data home reached through a link works")
    func overwriteThroughLinkedHome() async throws {
        let real = try Fixtures.temporaryDirectory("real-home")
        let linked = real.deletingLastPathComponent().appendingPathComponent("linked-\(UUID().uuidString)")
        try FileManager.default.createSymbolicLink(at: linked, withDestinationURL: real)
        defer { try? FileManager.default.removeItem(at: linked) }
        let store = try Store(path: real.appendingPathComponent("slm-tui.sqlite3").path)
        let context = ToolContext(store: store, drafts: DraftsFolder(url: linked.appendingPathComponent("drafts")),
                                  timeZone: Self.lisbon, now: { Self.now })
        _ = try await Self.call("drafts_create", #"{"to": "a", "subject": "First", "body": "one"}"#, context)
        let export = try #require(ToolRegistry.builtIn["drafts_export"])
        let arguments = JSONValue.object(["id": .number(1), "file": .string("note.eml")])
        #expect(await export.approvalReason(for: arguments, context: context) == nil)
        _ = try await export.call(arguments, context: context)
        let written = real.appendingPathComponent("drafts/note.eml")
        #expect(try String(contentsOf: written, encoding: .utf8).contains("Subject: First"))
        let reason = await export.approvalReason(for: arguments, context: context)
        #expect(reason?.contains("overwrites note.eml") == true)
        _ = try await Self.call("drafts_revise", #"{"id": 1, "subject": "Second"}"#, context)
        _ = try await export.call(arguments, context: context)
        #expect(try String(contentsOf: written, encoding: .utf8).contains("Subject: Second"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: real.appendingPathComponent("drafts").path)
        #expect(leftovers == ["note.eml"], "no temporary file is left behind")
    }

    @Test("a drafts folder that is itself a link is refused")
    func linkedDraftsFolder() async throws {
        let context = try Self.context()
        let outside = try Fixtures.temporaryDirectory("outside")
        try FileManager.default.createSymbolicLink(at: context.drafts.url, withDestinationURL: outside)
        _ = try await Self.call("drafts_create", #"{"to": "a", "subject": "s", "body": "b"}"#, context)
        let export = try #require(ToolRegistry.builtIn["drafts_export"])
        await #expect(throws: ToolError.self) {
            try await export.call(.object(["id": .number(1)]), context: context)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path).isEmpty)
    }

    @Test("notes, clock, calculator and history search")
    func readTools() async throws {
        let context = try Self.context()
        _ = try await Self.call("notes_add", #"{"text": "Door code is 4512"}"#, context)
        _ = try await Self.call("notes_add", #"{"text": "Bike lock 0912"}"#, context)
        let found = try await Self.call("notes_search", #"{"query": "door"}"#, context)
        #expect(found["notes"]?.arrayValue?.map { $0["text"]?.stringValue } == ["Door code is 4512"])
        let now = try await Self.call("clock_now", "{}", context)
        #expect(now == .object(["date": .string("2026-11-25"), "time": .string("14:30"), "weekday": .string("Wednesday"),
                                "time_zone": .string("Europe/Lisbon")]))
        let resolved = try await Self.call("clock_resolve", #"{"phrase": "next friday"}"#, context)
        #expect(resolved["date"]?.stringValue == "2026-12-04")
        #expect(resolved["weekday"]?.stringValue == "Friday" && resolved["time"] == nil)
        let timed = try await Self.call("clock_resolve", #"{"phrase": "tomorrow at 5pm"}"#, context)
        #expect(timed["date"]?.stringValue == "2026-11-26" && timed["time"]?.stringValue == "17:00")
        await #expect(throws: ToolError.self) { try await Self.call("clock_resolve", #"{"phrase": "someday"}"#, context) }
        let sum = try await Self.call("calculator", #"{"expression": "(12 + 7) * 3"}"#, context)
        #expect(sum["result"] == .number(57))
        await #expect(throws: ToolError.self) { try await Self.call("calculator", #"{"expression": "1/0"}"#, context) }
        let conversation = try await context.store.createConversation(title: "Trip")
        _ = try await context.store.appendMessage(to: conversation.id, role: .user, content: "Book the ferry to Porto")
        let hits = try await Self.call("history_search", #"{"query": "ferry"}"#, context)
        #expect(hits["results"]?.arrayValue?.first?["title"]?.stringValue == "Trip")
    }
}
