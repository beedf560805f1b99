import Foundation
import SLMAgent

/// One message as the chat pane shows it.
public struct ChatEntry: Sendable, Equatable {
    public enum Speaker: Sendable, Equatable {
        case user
        case assistant(agent: String)
        /// A note from the app itself (an error, a listing).
        case notice(isError: Bool)
    }

    /// How an answer ended, shown beside it.
    public enum State: Sendable, Equatable {
        case complete, streaming, cancelled, interrupted, failed
    }

    public var speaker: Speaker
    public var text: String
    public var time: Date
    public var state: State
    /// The saved message, once known.
    public var messageID: Int?
    /// Where it stands among its alternatives ("2/3"); nil when it has none.
    public var branch: BranchPosition?
    /// An answer's tokens, speed and why it stopped.
    public var figures: AnswerFigures?
    /// What a thinking model thought first; shown collapsed unless opened.
    public var thinking = ""
    /// How long it thought, once known.
    public var thinkingSeconds: Double?
    public var showsThinking = false

    public init(speaker: Speaker, text: String, time: Date = Date(), state: State = .complete, messageID: Int? = nil,
                branch: BranchPosition? = nil, figures: AnswerFigures? = nil) {
        self.speaker = speaker
        self.text = text
        self.time = time
        self.state = state
        self.messageID = messageID
        self.branch = branch
        self.figures = figures
    }

    /// A saved message as the chat shows it.
    public init(_ message: Transcript.Message) {
        switch message.speaker {
        case .user:
            self.init(speaker: .user, text: message.text, time: message.time, messageID: message.id, branch: message.branch)
        case .assistant(let agent):
            let state: State = switch message.status {
            case .cancelled: .cancelled
            case .interrupted: .interrupted
            case .failed: .failed
            case .complete: .complete
            }
            self.init(speaker: .assistant(agent: agent), text: message.text, time: message.time, state: state,
                      messageID: message.id, branch: message.branch, figures: message.figures)
            thinking = message.thinking ?? ""
        }
    }

    public var isAnswer: Bool { if case .assistant = speaker { true } else { false } }
}

/// One line of the tool-trace timeline.
public struct TraceEntry: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case route, model, call, result(ok: Bool), approval(granted: Bool?), context, error, info
    }

    public var time: Date
    public var kind: Kind
    public var text: String

    public init(time: Date = Date(), kind: Kind, text: String) {
        self.time = time
        self.kind = kind
        self.text = text
    }
}

/// The figures the resource pane shows.
public struct ResourceFigures: Sendable, Equatable {
    public var decodeRate: Double?
    /// Decode t/s of recent answers, oldest first.
    public var recentRates: [Double] = []
    public var prefillRate: Double?
    /// Prompt tokens of the last step found in the cache, not evaluated again.
    public var reusedTokens: Int?
    public var firstTokenMilliseconds: Double?
    public var residentBytes: Int?
    public var budgetBytes: Int?
    public var cachedTokens: Int?
    public var contextLength: Int?
    public var cpuPercent: Double?
    public var modelName: String?
    /// Architecture, quant, parameters, context, e.g. `gemma3 · Q4_K · 268M`.
    public var modelDetail: String?
    /// Open tasks due now or overdue.
    public var dueTasks = 0
    /// The server that runs the model, when it is not this machine: memory and cache are its.
    public var server: String?

    public init() {}
}
