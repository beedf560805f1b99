import Foundation
import SLMAgent
import SLMStore

// A test helper: streams answers into a store the way `slm-tui chat` does, so tests can
// kill it mid-answer or run two at once.
//
//   store-writer DB EXCHANGES WORDS [TAG]
//
// For each exchange: a user message, then an answer of WORDS words ("TAG-w0 TAG-w1 …")
// streamed one word per millisecond with saves every 20 ms, then completed. After each
// completed exchange it prints "completed N" and flushes.
let arguments = CommandLine.arguments
guard arguments.count >= 4, let exchanges = Int(arguments[2]), let words = Int(arguments[3]) else {
    FileHandle.standardError.write(Data("usage: store-writer DB EXCHANGES WORDS [TAG]\n".utf8))
    exit(2)
}
let tag = arguments.count > 4 ? arguments[4] : "a"
let done = DispatchSemaphore(value: 0)
nonisolated(unsafe) var failure: Error?
Task.detached {
    do {
        let store = try Store(path: arguments[1])
        for exchange in 0..<exchanges {
            let journal = TurnJournal(store: store, saveInterval: .milliseconds(20))
            try await journal.open(conversation: nil, userText: "\(tag) question \(exchange)", agent: "assistant",
                                   model: "test")
            for word in 0..<words {
                try await journal.appendAnswer("\(tag)-w\(word) ", agent: "assistant")
                try await Task.sleep(for: .milliseconds(1))
            }
            try await journal.finishAnswer(.complete, agent: "assistant")
            FileHandle.standardOutput.write(Data("completed \(exchange)\n".utf8))
        }
    } catch {
        failure = error
    }
    done.signal()
}
done.wait()
if let failure {
    FileHandle.standardError.write(Data("store-writer: \(failure)\n".utf8))
    exit(1)
}
