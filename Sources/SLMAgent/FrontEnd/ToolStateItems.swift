import Foundation
import SLMStore

/// A task the planner stored, as a front end shows it.
public struct TaskItem: Sendable, Equatable {
    public let id: Int
    public let title: String
    public let notes: String?
    /// The day it is due, `yyyy-MM-dd`.
    public let due: String?
    /// The time of day it is due, `HH:mm`.
    public let dueTime: String?
    public let priority: Int
    public let isDone: Bool

    init(_ record: TaskRecord) {
        id = record.id
        title = record.title
        notes = record.notes
        due = record.due
        dueTime = record.dueTime
        priority = record.priority
        isDone = record.status == .done
    }

    /// `2026-12-03 17:00`, `2026-12-03`, or nil.
    public var dueText: String? { due.map { day in dueTime.map { day + " " + $0 } ?? day } }

    /// Whether it is open and its day (and time) has come by `now`.
    public func isDue(at now: DueMoment) -> Bool {
        guard !isDone, let due else { return false }
        return due < now.day || (due == now.day && (dueTime ?? "00:00") <= (now.time ?? "23:59"))
    }

    /// Whether it is open and its day is past, or its time today is.
    public func isOverdue(at now: DueMoment) -> Bool {
        guard !isDone, let due else { return false }
        return due < now.day || (due == now.day && dueTime.map { $0 < (now.time ?? "00:00") } == true)
    }
}

/// An email draft the writer stored.
public struct DraftItem: Sendable, Equatable {
    public let id: Int
    public let recipients: String
    public let cc: String
    public let subject: String
    public let body: String
    /// `draft`, `exported` or `sent`.
    public let status: String

    init(_ record: DraftRecord) {
        id = record.id
        recipients = record.recipients
        cc = record.cc
        subject = record.subject
        body = record.body
        status = record.sentAt == nil ? record.status.rawValue : "sent"
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

/// A change to a task, draft or note, as the journal shows it.
public struct ChangeItem: Sendable, Equatable {
    public let id: Int
    /// `deleted task 3 “Pay rent”`
    public let summary: String
    /// Whether the agent made it (else the user did).
    public let byAgent: Bool
    /// The tool call that made it.
    public let toolCallID: Int?
    public let createdAt: Date
    public let isUndone: Bool

    init(_ record: ChangeRecord) {
        id = record.id
        summary = record.summary
        byAgent = record.origin.source == .agent
        toolCallID = record.origin.toolCallID
        createdAt = record.createdAt
        isUndone = record.undoneAt != nil
    }
}
