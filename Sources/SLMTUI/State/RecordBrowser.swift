import SLMAgent

/// The tasks, drafts or notes view: the records, a filter typed over them, the chosen one,
/// and an open form or a delete waiting for y/n.
public struct RecordBrowser: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable { case tasks, drafts, notes }

    public var kind: Kind
    public var tasks: [TaskItem] = []
    public var drafts: [DraftItem] = []
    public var notes: [NoteItem] = []
    public var filter = ""
    /// Index into `rows`.
    public var selection = 0
    /// Tasks: done ones listed too.
    public var showsDone = false
    /// The day and time it is, for due and overdue marks.
    public var now: DueMoment
    public var form: RecordForm?
    /// The record whose deletion waits for y/n.
    public var confirmingDelete: Int?

    public init(kind: Kind, now: DueMoment) {
        self.kind = kind
        self.now = now
    }

    /// One line of the list.
    public struct Row: Sendable, Equatable {
        public let id: Int
        /// The record's name: a task's title, a draft's subject, a note's first line.
        public let label: String
        public let text: String
        public let detail: String
        public let isDone: Bool
        public let isOverdue: Bool
        public let isDue: Bool
    }

    /// The records the filter keeps (every word of it, in any field), in list order.
    public var rows: [Row] {
        let all: [Row] = switch kind {
        case .tasks:
            tasks.filter { showsDone || !$0.isDone }.map { task in
                let priority = task.priority > 0 ? String(repeating: "!", count: task.priority) + " " : ""
                return Row(id: task.id, label: task.title, text: (task.isDone ? "[x] " : "[ ] ") + task.title,
                           detail: priority + (task.dueText.map { "due " + $0 } ?? ""), isDone: task.isDone,
                           isOverdue: task.isOverdue(at: now), isDue: task.isDue(at: now))
            }
        case .drafts:
            drafts.map { draft in
                Row(id: draft.id, label: draft.subject, text: draft.subject.isEmpty ? "(no subject)" : draft.subject,
                    detail: "to " + draft.recipients + " · " + draft.status, isDone: draft.status == "sent", isOverdue: false,
                    isDue: false)
            }
        case .notes:
            notes.map { note in
                let first = note.text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
                return Row(id: note.id, label: first, text: first,
                    detail: "", isDone: false, isOverdue: false, isDue: false)
            }
        }
        let words = filter.lowercased().split(separator: " ")
        guard !words.isEmpty else { return all }
        return all.filter { row in
            let haystack = (row.text + " " + row.detail + " " + fullText(row.id)).lowercased()
            return words.allSatisfy { haystack.contains($0) }
        }
    }

    /// The chosen record's id, if the list has one.
    public var selectedID: Int? {
        let rows = rows
        return rows.isEmpty ? nil : rows[min(selection, rows.count - 1)].id
    }

    /// The notes and body text a filter also looks in.
    private func fullText(_ id: Int) -> String {
        switch kind {
        case .tasks: tasks.first { $0.id == id }?.notes ?? ""
        case .drafts: drafts.first { $0.id == id }.map { $0.body + " " + $0.cc } ?? ""
        case .notes: notes.first { $0.id == id }?.text ?? ""
        }
    }

    public mutating func select(step: Int) {
        selection = max(0, min(rows.count - 1, selection + step))
    }

    /// The list's title: what it holds and how many.
    public var title: String {
        switch kind {
        case .tasks:
            let open = tasks.filter { !$0.isDone }.count
            let due = tasks.filter { $0.isDue(at: now) }.count
            return "Tasks · \(open) open" + (due > 0 ? " · \(due) due" : "") + (showsDone ? " · done shown" : "")
        case .drafts: return "Drafts · \(drafts.count)"
        case .notes: return "Notes · \(notes.count)"
        }
    }

    /// The keys that work in the list, in one line.
    public var keys: String {
        switch kind {
        case .tasks: "Enter edit · ^N new · ^D done · Del delete · ^A show done · ^Z undo · Esc close"
        case .drafts: "Enter open · ^N new · ^E export .eml · ^Y copy body · ^S sent · Del delete · ^Z undo · Esc"
        case .notes: "Enter edit · ^N new · Del delete · ^Z undo · Esc close"
        }
    }
}
