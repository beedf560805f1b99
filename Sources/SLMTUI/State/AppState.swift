import Foundation
import SLMAgent

/// Everything the screen shows. Views draw from it; only the app changes it.
public struct AppState: Sendable {
    /// The panes that become tabs on a narrow terminal.
    public enum Tab: Sendable, Equatable { case chat, trace, resources }

    /// A dialog over the main screen.
    public enum Modal: Sendable {
        case help
        case models(ModelPicker)
        case conversations(ConversationPicker)
        case approval(ApprovalRequest)
        case confirm(Confirmation)
        case prompt(Prompt)
        case listing(Listing)
        case search(SearchPanel)
        case records(RecordBrowser)
    }

    /// Where keys go on the main screen: the message box, or the messages (↑↓ choose one,
    /// ←→ its branches, c copies, e edits, r regenerates).
    public enum Focus: Sendable, Equatable { case input, messages }

    /// Lines to read in a dialog, scrolled with ↑↓ and PgUp/PgDn; long lines wrap.
    public struct Listing: Sendable, Equatable {
        public var title: String
        public var lines: [String]
        /// Wrapped lines scrolled past.
        public var offset = 0

        public init(title: String, lines: [String]) {
            self.title = title
            self.lines = lines
        }
    }

    /// A question answered with y or n.
    public struct Confirmation: Sendable {
        public enum Action: Sendable { case deleteConversation(Int) }
        public var message: String
        public var action: Action
    }

    /// A line of text to type (a new title).
    public struct Prompt: Sendable {
        public enum Action: Sendable { case rename(Int) }
        public var title: String
        public var editor: InputEditor
        public var action: Action
    }

    /// A message in the status bar, until it expires (errors stay longer) or is replaced.
    public struct Notice: Sendable, Equatable {
        public var text: String
        public var isError: Bool
        public var expires: ContinuousClock.Instant

        /// `lasting` overrides the default stay (4 s, errors 8 s): a reminder stays a minute,
        /// since it may come while the user is looking away.
        public init(text: String, isError: Bool, lasting: Duration? = nil) {
            self.text = text
            self.isError = isError
            expires = .now + (lasting ?? .seconds(isError ? 8 : 4))
        }
    }

    /// Sampling choices made with `/set`.
    public struct SamplingChoices: Sendable, Equatable {
        public var temperature: Float?
        public var topP: Float?
        public var topK: Int?
        public var maxTokens: Int?
    }

    public var conversationID: Int?
    public var title = "New conversation"
    public var entries: [ChatEntry] = []
    /// The chat's wrapped lines, kept between frames.
    public let chatLayout = ChatLayoutCache()
    public var trace: [TraceEntry] = []
    public var resources = ResourceFigures()
    public var input = InputEditor()
    /// Lines the chat is scrolled up from its end; 0 follows new text.
    public var chatScroll = 0
    public var focus = Focus.input
    /// The entry chosen while the messages have the focus.
    public var selectedEntry: Int?
    /// The saved user message being rewritten: Enter sends the input as a branch beside it.
    public var editing: Int?
    /// Whether each answer shows its quiet line of figures.
    public var showFigures = true
    /// Whether thinking models think before answering (`/think on|off`).
    public var thinking = true
    /// Whether the app takes the mouse (the wheel scrolls); off, the terminal selects text.
    public var mouseCaptured = true
    public var tab = Tab.chat
    public var modal: Modal?
    public var generating = false
    /// The agent chosen with `/agent`; nil routes each message.
    public var agent: String?
    public var modelName: String?
    public var themeName = "dark"
    public var notice: Notice?
    public var sampling = SamplingChoices()
    /// Set when the user asked to quit.
    public var quitting = false

    public init() {}
}

/// The model picker's contents and where the user is in it.
public struct ModelPicker: Sendable {
    public var choices: [ModelChoice]
    /// The quants recommended for this machine's memory, in words.
    public var advice: String?
    public var filter = ""
    public var selection = 0
    /// A pull or load in progress: what and how far (0…1, nil when unknown).
    public var progress: (label: String, fraction: Double?)?
    public var error: String?

    public init(choices: [ModelChoice]) { self.choices = choices }

    /// Choices whose name or detail contains every word of the filter.
    public var visible: [ModelChoice] {
        let words = filter.lowercased().split(separator: " ")
        return choices.filter { choice in
            words.allSatisfy { (choice.name + " " + choice.detail).lowercased().contains($0) }
        }
    }
}

/// A model the picker offers.
public struct ModelChoice: Sendable, Equatable {
    public var name: String
    /// Architecture, parameters, quant, size, whether it fits, where it came from.
    public var detail: String
    public var isInstalled: Bool
    public var isCurrent: Bool
    /// Why it cannot be used, for files that are not valid models.
    public var unusable: String?
    /// Its quant is the one recommended for this machine.
    public var isRecommended: Bool

    public init(name: String, detail: String, isInstalled: Bool, isCurrent: Bool, unusable: String? = nil,
                isRecommended: Bool = false) {
        self.name = name
        self.detail = detail
        self.isInstalled = isInstalled
        self.isCurrent = isCurrent
        self.unusable = unusable
        self.isRecommended = isRecommended
    }
}

/// The conversation list: typing filters it, as in the model picker.
public struct ConversationPicker: Sendable {
    public var conversations: [ConversationInfo]
    public var filter = ""
    /// Index into `visible`.
    public var selection = 0

    public init(conversations: [ConversationInfo]) { self.conversations = conversations }

    /// Conversations whose title contains every word of the filter, in list order.
    public var visible: [ConversationInfo] {
        let words = filter.lowercased().split(separator: " ")
        return conversations.filter { conversation in
            let title = conversation.title.lowercased()
            return words.allSatisfy { title.contains($0) }
        }
    }
}
