import SLMAgent

/// The fields of a task, draft or note being added or edited, each a small editor with
/// the input line's keys; one has the focus. Multi-line fields take Enter as a new line.
public struct RecordForm: Sendable, Equatable {
    public struct Field: Sendable, Equatable {
        public var label: String
        public var editor: InputEditor
        public var isMultiline: Bool
        /// What to type, shown while the field is empty.
        public var hint: String

        init(_ label: String, _ text: String, multiline: Bool = false, hint: String = "") {
            self.label = label
            editor = InputEditor()
            editor.setText(text)
            isMultiline = multiline
            self.hint = hint
        }
    }

    /// The record the form saves to; nil adds a new one.
    public var recordID: Int?
    public var fields: [Field]
    public var focus = 0
    /// Why the last save failed; the form stays open with what was typed.
    public var error: String?

    public var title: String

    /// The text of the field labelled `label`.
    public func value(_ label: String) -> String {
        fields.first { $0.label == label }?.editor.text ?? ""
    }

    public mutating func moveFocus(by step: Int) {
        focus = (focus + step + fields.count) % fields.count
    }

    /// A task: title, due (a phrase or date), priority, notes.
    static func task(_ task: TaskItem?) -> RecordForm {
        RecordForm(recordID: task?.id, fields: [
            Field("Title", task?.title ?? ""),
            Field("Due", task?.dueText ?? "", hint: "tomorrow 5pm · friday · in 3 days · on the 3rd · 2026-12-04"),
            Field("Priority", task.map { $0.priority > 0 ? String($0.priority) : "" } ?? "", hint: "0 none … 3 highest"),
            Field("Notes", task?.notes ?? "", multiline: true),
        ], title: task.map { "Task \($0.id)" } ?? "New task")
    }

    /// A draft: to, cc, subject and the body.
    static func draft(_ draft: DraftItem?) -> RecordForm {
        RecordForm(recordID: draft?.id, fields: [
            Field("To", draft?.recipients ?? ""), Field("Cc", draft?.cc ?? ""), Field("Subject", draft?.subject ?? ""),
            Field("Body", draft?.body ?? "", multiline: true),
        ], title: draft.map { "Draft \($0.id)" + ($0.status == "draft" ? "" : " (\($0.status))") } ?? "New draft")
    }

    static func note(_ note: NoteItem?) -> RecordForm {
        RecordForm(recordID: note?.id, fields: [Field("Text", note?.text ?? "", multiline: true)],
                   title: note.map { "Note \($0.id)" } ?? "New note")
    }
}
