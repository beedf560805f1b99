/// Sums and products of sizes that remember whether any step overflowed, so a long size
/// formula reads as arithmetic and is checked once at the end.
struct CheckedSize {
    /// Whether any result so far did not fit an `Int`.
    private(set) var overflowed = false

    mutating func product(_ factors: Int...) -> Int {
        var result = 1
        for factor in factors {
            let (value, overflow) = result.multipliedReportingOverflow(by: factor)
            guard !overflow, factor >= 0 else {
                overflowed = true
                return Int.max
            }
            result = value
        }
        return result
    }

    mutating func sum(_ terms: Int...) -> Int {
        var result = 0
        for term in terms {
            let (value, overflow) = result.addingReportingOverflow(term)
            guard !overflow, term >= 0 else {
                overflowed = true
                return Int.max
            }
            result = value
        }
        return result
    }
}
