import SLMEngine

/// Full-text search over past conversations.
struct HistorySearchTool: Tool {
    let name = "history_search"
    let description = "Search the user's past conversations for words."
        let hints = ["past chats", "past conversations", "earlier conversation", "we talked", "search my chats", "previous chat", "chats for"]
    let permission = ToolPermission.read
    let arguments = JSONSchema.object([.init("query", .text(0...100), description: "words to look for")])
    let requestArguments: [String: RequestField] = ["query": .topic]

    func call(_ arguments: JSONValue, context: ToolContext) async throws(ToolError) -> JSONValue {
        do {
            let hits = try await context.store.search(arguments.string("query") ?? "", limit: 8)
            return .object(["count": .number(Double(hits.count)), "results": .array(hits.map { hit in
                .object(["conversation": .number(Double(hit.conversationID)), "title": .string(hit.conversationTitle),
                         "text": .string(hit.snippet)])
            })])
        } catch {
            throw .store(error)
        }
    }
}
