/// A vocabulary's BPE merges ("left right", in priority order) as ranks keyed by the token
/// ids of each pair's sides: 12 bytes a bucket where a `[String: Int]` of the merge texts
/// took 24, plus an allocation for every text past 15 bytes. A merge that is not two tokens
/// joined by one space keeps its text as the key, so any list ranks pairs exactly as a
/// lookup of `left + " " + right` among the texts does (the first of duplicates wins).
struct MergeRanks: Sendable {
    private let byTokens: [UInt64: Int32]
    private let byText: [String: Int]
    /// The number of merges in the list.
    let count: Int

    init(_ merges: [String], index: TokenIndex, tokens: [String]) {
        var byTokens: [UInt64: Int32] = [:]
        var byText: [String: Int] = [:]
        byTokens.reserveCapacity(merges.count)
        for (rank, merge) in merges.enumerated() {
            let sides = merge.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
            // a rank past 32 bits (a list no real file holds) keeps its text as the key too
            if sides.count == 2, let rank32 = Int32(exactly: rank), let left = index.id(of: String(sides[0]), in: tokens),
                let right = index.id(of: String(sides[1]), in: tokens)
            {
                let key = Self.key(left, right)
                if byTokens[key] == nil { byTokens[key] = rank32 }
            } else if byText[merge] == nil {
                byText[merge] = rank
            }
        }
        self.byTokens = byTokens
        self.byText = byText
        count = merges.count
    }

    /// The rank of joining `left` and `right` (smaller merges first), nil if they never merge.
    /// Two tokens are looked up by their ids; a text key can only match where a side is not
    /// a token or holds a space.
    func rank(_ left: String, _ right: String, index: TokenIndex, tokens: [String]) -> Int? {
        if let leftID = index.id(of: left, in: tokens), let rightID = index.id(of: right, in: tokens),
            let rank = byTokens[Self.key(leftID, rightID)]
        {
            return Int(rank)
        }
        return byText.isEmpty ? nil : byText[left + " " + right]
    }

    private static func key(_ left: Int, _ right: Int) -> UInt64 { UInt64(left) << 32 | UInt64(right) }
}
