import Foundation

/// A value behind a lock: the one lock type of slm-tui, for the few places where state is
/// shared with code that cannot await an actor (a generator's own thread, the UI loop, a
/// synchronous command waiting for a task). Everything else shares state through actors.
///
/// ```swift
/// let count = Locked(0)
/// count.withLock { $0 += 1 }
/// let now = count.value
/// ```
public final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value

    public init(_ value: Value) { stored = value }

    /// Runs `body` with the value, holding the lock; what it returns is returned.
    public func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&stored)
    }

    /// The value now (a copy, read under the lock).
    public var value: Value { withLock { $0 } }
}
