/// Token texts to ids in one array of 32-bit slots (open addressing, linear probing): a
/// slot holds an id + 1 (0 is empty) and a lookup compares the candidate's text with
/// `==`, as a `[String: Int]` would. For a 152k-token vocabulary that is 1 MB where the
/// dictionary took 6.3 MB (a 16-byte key and an 8-byte value per bucket).
struct TokenIndex: Sendable {
    private let slots: [Int32]
    private let mask: Int

    /// Indexes `tokens`; a text that appears twice keeps its first id.
    init(_ tokens: [String]) {
        var capacity = 16
        while capacity < 2 * tokens.count { capacity *= 2 }
        let mask = capacity - 1
        var slots = [Int32](repeating: 0, count: capacity)
        for (id, text) in tokens.enumerated() {
            var slot = text.hashValue & mask
            while slots[slot] != 0, tokens[Int(slots[slot]) - 1] != text { slot = (slot + 1) & mask }
            if slots[slot] == 0 { slots[slot] = Int32(id + 1) }
        }
        self.slots = slots
        self.mask = mask
    }

    /// The id of `text` among the `tokens` this index was built from.
    func id(of text: String, in tokens: [String]) -> Int? {
        var slot = text.hashValue & mask
        while slots[slot] != 0 {
            let id = Int(slots[slot]) - 1
            if tokens[id] == text { return id }
            slot = (slot + 1) & mask
        }
        return nil
    }
}
