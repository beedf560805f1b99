import Foundation
import SLMStore

/// A task the planner stored, as a front end shows it.
public struct TaskItem: Sendable, Equatable {
    public let id: Int
    public let title: String
    public let notes: String?
    /// An ISO 8601 date or date-time.
    public let due: String?
    public let priority: Int
    public let isDone: Bool

    init(_ record: TaskRecord) {
        id = record.id
        title = record.title
        notes = record.notes
        due = record.due
        priority = record.priority
        isDone = record.status == .done
    }
}

/// An email draft the writer stored.
public struct DraftItem: Sendable, Equatable {
    public let id: Int
    public let recipients: String
    public let cc: String
    public let subject: String
    public let body: String
    /// `draft` or `exported`.
    public let status: String

    init(_ record: DraftRecord) {
        id = record.id
        recipients = record.recipients
        cc = record.cc
        subject = record.subject
        body = record.body
        status = record.status.rawValue
    }
}

/// A note the assistant kept.
public struct NoteItem: Sendable, Equatable {
    public let id: Int
    public let text: String
    public let createdAt: Date

    init(_ record: NoteRecord) {
        id = record.id
        text = record.text
        createdAt = record.createdAt
    }
}
