import Foundation

/// A turn's events as its consumer reads them. The turn shows answer text at the pace the
/// consumer takes it — at most one piece ahead — so when the consumer cancels (Esc in
/// the app), at most one more piece arrives, however busy the machine is.
public struct TurnEvents: AsyncSequence, Sendable {
    public typealias Element = AgentEvent

    let stream: AsyncStream<AgentEvent>
    let pacer: TokenPacer

    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: AsyncStream<AgentEvent>.AsyncIterator
        let pacer: TokenPacer

        public mutating func next() async -> AgentEvent? {
            let event = await base.next()
            if case .token = event { pacer.taken() }
            return event
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: stream.makeAsyncIterator(), pacer: pacer)
    }
}

/// Counts the answer pieces a turn's consumer has taken and lets the turn wait for it.
final class TokenPacer: @unchecked Sendable {
    private let lock = NSLock()
    private var takenCount = 0
    private var waiter: (count: Int, continuation: CheckedContinuation<Void, Never>)?

    /// The consumer took a piece.
    func taken() {
        lock.lock()
        takenCount += 1
        var ready: CheckedContinuation<Void, Never>?
        if let waiter, takenCount >= waiter.count {
            ready = waiter.continuation
            self.waiter = nil
        }
        lock.unlock()
        ready?.resume()
    }

    /// Returns once the consumer has taken `count` pieces, or at once when the task is
    /// cancelled (a consumer that stops reading cancels the turn).
    func waitUntilTaken(_ count: Int) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                lock.lock()
                if takenCount >= count || Task.isCancelled {
                    lock.unlock()
                    continuation.resume()
                } else {
                    waiter = (count, continuation)
                    lock.unlock()
                }
            }
        } onCancel: {
            lock.lock()
            let pending = waiter?.continuation
            waiter = nil
            lock.unlock()
            pending?.resume()
        }
    }
}
