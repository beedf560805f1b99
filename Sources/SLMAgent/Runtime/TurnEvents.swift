import Foundation
import SLMSync

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
final class TokenPacer: Sendable {
    private struct State {
        var takenCount = 0
        var waiter: (count: Int, continuation: CheckedContinuation<Void, Never>)?
    }

    private let state = Locked(State())

    /// The consumer took a piece.
    func taken() {
        let ready = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.takenCount += 1
            guard let waiter = state.waiter, state.takenCount >= waiter.count else { return nil }
            state.waiter = nil
            return waiter.continuation
        }
        ready?.resume()
    }

    /// Returns once the consumer has taken `count` pieces, or at once when the task is
    /// cancelled (a consumer that stops reading cancels the turn).
    func waitUntilTaken(_ count: Int) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { state in
                    if state.takenCount >= count || Task.isCancelled { return true }
                    state.waiter = (count, continuation)
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            let pending = state.withLock { state in
                defer { state.waiter = nil }
                return state.waiter?.continuation
            }
            pending?.resume()
        }
    }
}
