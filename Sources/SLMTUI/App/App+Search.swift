import Foundation
import SLMAgent

/// Ctrl-F and `/search`: full-text search over every conversation, as you type.
extension App {
    func openSearch(query: String) {
        var panel = SearchPanel(query: query)
        search(&panel)
        state.modal = .search(panel)
    }

    /// Starts a search for the panel's query; its results arrive as a message.
    func search(_ panel: inout SearchPanel) {
        panel.selection = 0
        let query = panel.query
        guard !query.trimmingCharacters(in: .whitespaces).isEmpty else {
            panel.results = []
            panel.searched = query
            return
        }
        background { services, inbox in
            inbox.post(.searchResults(query: query, try await services.assistant.search(query, limit: 50)))
        }
    }

    /// Opens the conversation of a result on the branch holding the message, the message chosen.
    func openSearchResult(_ result: SearchResult) {
        guard !state.generating else { return busy() }
        saveUnsentInput()
        background { services, inbox in
            let transcript = try await services.assistant.reveal(result.messageID, in: result.conversationID)
            let opened = try await Self.opened(transcript.conversation, services: services)
            inbox.post(opened)
            inbox.post(.selectMessage(result.messageID))
        }
    }
}
