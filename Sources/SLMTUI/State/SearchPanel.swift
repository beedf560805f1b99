import SLMAgent

/// In-app search over every saved conversation: the words typed, what matched, and which
/// result is chosen.
public struct SearchPanel: Sendable, Equatable {
    public var query = ""
    public var results: [SearchResult] = []
    /// The query the results are for (they arrive after the typing).
    public var searched: String?
    public var selection = 0
    /// Enter came before the results for the query: open the first one when they arrive.
    public var opensWhenReady = false

    /// The results are for the query as typed now.
    public var isCurrent: Bool { searched == query }

    public init(query: String = "") { self.query = query }
}
