/// The merge loop both tokenizers share: adjacent symbols of a word are joined, the best
/// pair first (leftmost on ties), until no pair qualifies. The symbols form a linked list
/// and candidate pairs wait in a `MergeQueue`, so a word of n symbols costs O(n log n).
enum PairMerger {
    /// The merged symbols of `symbols`. `priority` ranks joining a left and a right text
    /// (smaller is better) or says nil when the pair never merges.
    static func merge<Priority: Comparable>(_ symbols: [String], priority: (String, String) -> Priority?) -> [String] {
        guard symbols.count > 1 else { return symbols }
        var parts = symbols.indices.map { Symbol(text: symbols[$0], previous: $0 - 1, next: $0 + 1 < symbols.count ? $0 + 1 : -1) }
        var queue = MergeQueue<Candidate<Priority>> { ($0.priority, $0.left) < ($1.priority, $1.left) }
        func consider(_ left: Int, _ right: Int) {
            guard left >= 0, right >= 0, let rank = priority(parts[left].text, parts[right].text) else { return }
            queue.push(Candidate(left: left, right: right, priority: rank,
                                 length: parts[left].text.utf8.count + parts[right].text.utf8.count))
        }
        for index in 1..<parts.count { consider(index - 1, index) }
        while let pair = queue.pop() {
            let left = parts[pair.left], right = parts[pair.right]
            // a pair whose sides merged with something else since it was queued is stale
            guard !left.text.isEmpty, !right.text.isEmpty, left.next == pair.right,
                left.text.utf8.count + right.text.utf8.count == pair.length
            else { continue }
            parts[pair.left].text = left.text + right.text
            parts[pair.left].next = right.next
            if right.next >= 0 { parts[right.next].previous = pair.left }
            parts[pair.right].text = ""
            consider(parts[pair.left].previous, pair.left)
            consider(pair.left, parts[pair.left].next)
        }
        var merged: [String] = []
        var index = 0
        while index >= 0 {
            merged.append(parts[index].text)
            index = parts[index].next
        }
        return merged
    }

    private struct Symbol {
        var text: String
        var previous: Int
        var next: Int
    }

    private struct Candidate<Priority> {
        let left: Int
        let right: Int
        let priority: Priority
        /// Bytes of both sides when queued; a different sum later means the pair is stale.
        let length: Int
    }
}
