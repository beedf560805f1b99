import Foundation
import SLMSync
import Testing

@Suite("Locked")
struct LockedTests {
    @Test("changes from many threads at once are all kept")
    func concurrentChanges() {
        let count = Locked(0)
        DispatchQueue.concurrentPerform(iterations: 10_000) { _ in count.withLock { $0 += 1 } }
        #expect(count.value == 10_000)
    }

    @Test("withLock returns what its body returns and passes errors on")
    func results() throws {
        let names = Locked(["a"])
        #expect(names.withLock { names -> Int in
            names.append("b")
            return names.count
        } == 2)
        struct Refused: Error {}
        #expect(throws: Refused.self) { try names.withLock { _ in throw Refused() } }
        #expect(names.value == ["a", "b"])
    }
}
