/// A binary heap of candidate merges between adjacent symbols, best first, for the
/// tokenizers' merge loops: each merge costs O(log n) instead of a scan of the word.
/// Entries go stale when a neighbour merges first; the caller checks them when popped.
struct MergeQueue<Candidate> {
    private var heap: [Candidate] = []
    /// Whether the first candidate is to be merged before the second.
    private let precedes: (Candidate, Candidate) -> Bool

    init(precedes: @escaping (Candidate, Candidate) -> Bool) { self.precedes = precedes }

    mutating func push(_ candidate: Candidate) {
        heap.append(candidate)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard precedes(heap[child], heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Candidate? {
        guard let top = heap.first else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var best = parent
                if left < heap.count, precedes(heap[left], heap[best]) { best = left }
                if right < heap.count, precedes(heap[right], heap[best]) { best = right }
                if best == parent { break }
                heap.swapAt(parent, best)
                parent = best
            }
        }
        return top
    }
}
