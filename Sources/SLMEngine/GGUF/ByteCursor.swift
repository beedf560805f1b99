/// A little-endian reader over a region that checks every read against its end, so a
/// corrupt length can never make it read outside the mapping.
struct ByteCursor {
    let region: MappedRegion
    private(set) var offset: Int

    init(region: MappedRegion, offset: Int = 0) {
        self.region = region
        self.offset = offset
    }

    var remaining: Int { region.count - offset }

    func require(_ byteCount: Int, for what: @autoclosure () -> String) throws(GGUFError) {
        guard byteCount >= 0, byteCount <= remaining else {
            throw .truncated(what: what(), offset: offset, needed: byteCount, available: remaining)
        }
    }

    mutating func skip(_ byteCount: Int, for what: @autoclosure () -> String) throws(GGUFError) {
        try require(byteCount, for: what())
        offset += byteCount
    }

    mutating func read<T: FixedWidthInteger>(_: T.Type, for what: @autoclosure () -> String)
        throws(GGUFError) -> T
    {
        try require(MemoryLayout<T>.size, for: what())
        let value = region.base.loadUnaligned(fromByteOffset: offset, as: T.self)
        offset += MemoryLayout<T>.size
        return T(littleEndian: value)
    }

    /// A GGUF string: a 64-bit byte length, then that many bytes of UTF-8. Invalid UTF-8
    /// is repaired with U+FFFD rather than refused: vocabularies sometimes carry it.
    mutating func readString(for what: @autoclosure () -> String) throws(GGUFError) -> String {
        let length = try stringLength(for: what())
        let text = String(decoding: region.bytes(offset..<offset + length), as: UTF8.self)
        offset += length
        return text
    }

    mutating func skipString(for what: @autoclosure () -> String) throws(GGUFError) {
        offset += try stringLength(for: what())
    }

    private mutating func stringLength(for what: @autoclosure () -> String) throws(GGUFError) -> Int {
        let start = offset
        let length = try read(UInt64.self, for: what())
        guard length <= UInt64(remaining) else {
            throw .truncated(what: what(), offset: start, needed: Int(clamping: length), available: remaining)
        }
        return Int(length)
    }
}
