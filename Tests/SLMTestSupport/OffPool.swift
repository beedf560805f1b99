import Dispatch

/// Runs long synchronous test work on a dispatch thread of its own instead of one of Swift
/// concurrency's few cooperative threads (as many as cores): a CPU-bound test holding one
/// for tens of seconds starves the suite's asynchronous tests (the app's event loop, turns
/// waiting for their reader) running beside it.
public func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global(qos: .utility).async {
            continuation.resume(with: Result { try work() })
        }
    }
}
