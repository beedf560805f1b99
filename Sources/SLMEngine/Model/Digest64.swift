/// A fast 64-bit digest of bytes, for telling a file made from these bytes from a damaged or
/// foreign one. Not cryptographic: it guards against accidents (a torn write, a flipped
/// bit, another model's file), not against someone forging a file.
///
/// Four independent multiply-rotate lanes over 32-byte strides keep the multiplier busy, so
/// it runs at memory speed (a saved context of tens of megabytes costs milliseconds).
/// Digest pieces in order by passing each one's digest as the next one's seed.
///
/// ```swift
/// let header = Digest64.of(headerBytes)
/// let whole = Digest64.of(bodyBytes, seed: header)
/// ```
enum Digest64 {
    private static let prime1: UInt64 = 0x9E37_79B1_85EB_CA87
    private static let prime2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    private static let prime3: UInt64 = 0x1656_67B1_9E37_79F9

    /// The digest of `bytes`, continuing from `seed` (the digest of what came before).
    static func of(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
        let count = bytes.count
        var state = seed &+ prime3 &+ UInt64(truncatingIfNeeded: count)
        guard let base = bytes.baseAddress else { return finish(state) }
        var offset = 0
        if count >= 32 {
            var lanes = (seed &+ prime1 &+ prime2, seed &+ prime2, seed, seed &- prime1)
            while offset + 32 <= count {
                lanes.0 = round(lanes.0, base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                lanes.1 = round(lanes.1, base.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self))
                lanes.2 = round(lanes.2, base.loadUnaligned(fromByteOffset: offset + 16, as: UInt64.self))
                lanes.3 = round(lanes.3, base.loadUnaligned(fromByteOffset: offset + 24, as: UInt64.self))
                offset += 32
            }
            state ^= rotate(lanes.0, 1) &+ rotate(lanes.1, 7) &+ rotate(lanes.2, 12) &+ rotate(lanes.3, 18)
            state = state &* prime1
        }
        while offset + 8 <= count {
            state = rotate(state ^ round(0, base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)), 27) &* prime1
            offset += 8
        }
        while offset < count {
            state = rotate(state ^ UInt64(base.load(fromByteOffset: offset, as: UInt8.self)) &* prime3, 11) &* prime1
            offset += 1
        }
        return finish(state)
    }

    /// The digest of an array's bytes, continuing from `seed`.
    static func of<Element>(_ values: [Element], seed: UInt64 = 0) -> UInt64 {
        values.withUnsafeBytes { of($0, seed: seed) }
    }

    private static func round(_ lane: UInt64, _ word: UInt64) -> UInt64 {
        rotate(lane &+ word &* prime2, 31) &* prime1
    }

    private static func rotate(_ value: UInt64, _ bits: UInt64) -> UInt64 {
        (value << bits) | (value >> (64 - bits))
    }

    /// Spreads every input bit over the whole result.
    private static func finish(_ value: UInt64) -> UInt64 {
        var state = value
        state ^= state >> 33
        state = state &* prime2
        state ^= state >> 29
        state = state &* prime3
        state ^= state >> 32
        return state
    }
}
