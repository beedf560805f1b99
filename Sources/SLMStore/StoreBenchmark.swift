import Foundation

/// Measures the store on a throwaway database: the median time to append a message, to list
/// 10,000 conversations, and to search 100,000 messages. Figures only; nothing asserts them.
public struct StoreBenchmark: Sendable {
    public struct Result: Sendable, Equatable, Codable {
        public let medianAppendMilliseconds: Double
        public let listMilliseconds: Double
        public let searchMilliseconds: Double
        public let conversations: Int
        public let messages: Int
    }

    public let conversations: Int
    public let messages: Int

    public init(conversations: Int = 10_000, messages: Int = 100_000) {
        self.conversations = conversations
        self.messages = messages
    }

    public func run(in folder: URL) async throws -> Result {
        let store = try Store(path: folder.appendingPathComponent("bench.sqlite3").path)
        let clock = ContinuousClock()
        func milliseconds(_ duration: Duration) -> Double { duration / .milliseconds(1) }
        var ids: [Int] = []
        for index in 0..<conversations {
            ids.append(try await store.createConversation(title: "Conversation \(index)").id)
        }
        // messages spread over the conversations, words from a small vocabulary
        let words = ["invoice", "friday", "report", "garden", "train", "budget", "meeting", "recipe", "travel", "music",
                     "printer", "holiday", "doctor", "insurance", "birthday", "letter"]
        var appendTimes: [Double] = []
        var generator = SystemRandomNumberGenerator()
        for index in 0..<messages {
            let text = (0..<12).map { _ in words.randomElement(using: &generator)! }.joined(separator: " ") + " \(index)"
            let start = clock.now
            _ = try await store.appendMessage(to: ids[index % ids.count], role: .assistant, content: text)
            appendTimes.append(milliseconds(clock.now - start))
        }
        appendTimes.sort()
        let listStart = clock.now
        let listed = try await store.conversations(limit: conversations)
        let list = milliseconds(clock.now - listStart)
        var searchTimes: [Double] = []
        for word in words {
            let start = clock.now
            _ = try await store.search("\(word) budget", limit: 20)
            searchTimes.append(milliseconds(clock.now - start))
        }
        searchTimes.sort()
        return Result(medianAppendMilliseconds: appendTimes[appendTimes.count / 2], listMilliseconds: list,
                      searchMilliseconds: searchTimes[searchTimes.count / 2], conversations: listed.count,
                      messages: messages)
    }
}
