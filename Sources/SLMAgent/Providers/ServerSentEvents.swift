import Foundation

/// Reads a `text/event-stream` body as it arrives, in pieces cut anywhere: lines end with
/// LF, CRLF or CR; `data:` lines of one event are joined with newlines; a blank line ends
/// the event; comments (`:` lines) and other fields are skipped. Bytes are kept until a
/// line is whole, so a character split between pieces is read whole.
struct ServerSentEvents {
    private var pending: [UInt8] = []
    private var data: [String] = []
    private var hasData = false
    /// A CR ended the last piece: an LF starting the next belongs to it.
    private var afterCarriageReturn = false

    /// A line longer than this (a server that never ends one) is an error, not memory
    /// spent without end.
    static let maxLine = 4_000_000

    struct LineTooLong: Error {}

    /// The data of each event `bytes` completes.
    mutating func push(_ bytes: Data) throws(LineTooLong) -> [String] {
        var events: [String] = []
        for byte in bytes {
            if afterCarriageReturn {
                afterCarriageReturn = false
                if byte == 0x0A { continue }
            }
            if byte == 0x0A || byte == 0x0D {
                afterCarriageReturn = byte == 0x0D
                if let event = endLine() { events.append(event) }
            } else {
                pending.append(byte)
                if pending.count > Self.maxLine { throw LineTooLong() }
            }
        }
        return events
    }

    /// The last event when the stream ends without its blank line.
    mutating func finish() -> String? {
        if !pending.isEmpty, let event = endLine() { return event }
        return dispatch()
    }

    private mutating func endLine() -> String? {
        let line = String(decoding: pending, as: UTF8.self)
        pending.removeAll(keepingCapacity: true)
        if line.isEmpty { return dispatch() }
        if line.hasPrefix(":") { return nil }
        let field: Substring, value: Substring
        if let colon = line.firstIndex(of: ":") {
            field = line[..<colon]
            let rest = line[line.index(after: colon)...]
            value = rest.first == " " ? rest.dropFirst() : rest
        } else {
            (field, value) = (line[...], "")
        }
        if field == "data" {
            data.append(String(value))
            hasData = true
        }
        return nil
    }

    private mutating func dispatch() -> String? {
        defer { data.removeAll(); hasData = false }
        return hasData ? data.joined(separator: "\n") : nil
    }
}
