import SLMAgent

/// In-app search over every saved conversation: the words typed, what matched, and which
/// result is chosen.
public struct SearchPanel: Sendable, Equatable {
    public var query = ""
    public var results: [SearchResult] = []
    /// The query the results are for (they arrive after the typing).
    public var searched: String?
    public var selection = 0

    public init(query: String = "") { self.query = query }
}
