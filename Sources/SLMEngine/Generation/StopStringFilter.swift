/// Holds back streamed text that might be the start of a stop string, and cuts the
/// stream where one appears.
public struct StopStringFilter: Sendable {
    public let stopStrings: [String]
    private var held = ""

    public init(stopStrings: [String]) { self.stopStrings = stopStrings.filter { !$0.isEmpty } }

    /// Text that is safe to emit now, and whether a stop string was reached.
    public mutating func push(_ text: String) -> (emit: String, stopped: Bool) {
        held += text
        if let range = stopStrings.compactMap({ held.range(of: $0) }).min(by: { $0.lowerBound < $1.lowerBound }) {
            let before = String(held[..<range.lowerBound])
            held = ""
            return (before, true)
        }
        let keep = longestStopPrefixSuffix()
        let emit = String(held.dropLast(keep))
        held = String(held.suffix(keep))
        return (emit, false)
    }

    /// What is still held back, released when generation ends for another reason.
    public mutating func flush() -> String {
        defer { held = "" }
        return held
    }

    /// Characters at the end of the held text that could begin a stop string.
    private func longestStopPrefixSuffix() -> Int {
        var best = 0
        for stop in stopStrings {
            for length in stride(from: min(stop.count - 1, held.count), to: best, by: -1)
            where held.hasSuffix(stop.prefix(length)) {
                best = length
                break
            }
        }
        return best
    }
}
