#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a saved context was not written or not used. A context that does not fit the
/// session exactly is never loaded: the cache then stays as it was.
public enum SavedContextError: Error, Equatable, Sendable, CustomStringConvertible {
    case cannotRead(path: String, reason: String)
    case cannotWrite(path: String, reason: String)
    /// Not a saved context of this version: another file, or one from another release.
    case unknownFormat(path: String)
    /// Saved with another model file, other kernels, or another cache precision or shape.
    case stale(path: String, reason: String)
    /// The file is damaged: its size or its digest does not match what its header says.
    case corrupt(path: String, reason: String)

    public var description: String {
        switch self {
        case .cannotRead(let path, let reason): "cannot read the saved context \(path): \(reason)"
        case .cannotWrite(let path, let reason): "cannot save the context to \(path): \(reason)"
        case .unknownFormat(let path): "\(path) is not a saved context of this version"
        case .stale(let path, let reason): "the saved context \(path) does not fit: \(reason)"
        case .corrupt(let path, let reason): "the saved context \(path) is damaged: \(reason)"
        }
    }
}

/// The file a session's cached positions are saved in, so a conversation opened again (after
/// a restart too) continues without evaluating its earlier tokens again.
///
/// Layout, little-endian: a 64-byte header (magic `SLMCTX01`, format version, kernel path,
/// model fingerprint, cache type, layer count, key and value bytes per position, token
/// count, recurrent state bytes), the tokens as 32-bit ids, each attention layer's key rows
/// (head by head) then value rows (head by head) for those positions as the cache stores them, a hybrid model's recurrent
/// state after the last position (single-precision floats) followed by its latest kept
/// checkpoint (a 64-bit position, 0 for none, then that state and the logits after it),
/// and a `Digest64` of everything before it. A file is
/// written under a temporary name and renamed into place, so a reader never sees half of
/// one; a crash between the two leaves a temporary file, never a damaged context.
enum SavedContext {
    static let magic = Array("SLMCTX01".utf8)
    /// 3: each layer's rows head by head (2: positions with all heads side by side; 1: the
    /// header's key and value bytes per layer rather than over all layers).
    static let version: UInt32 = 3
    static let headerBytes = 64

    /// What a file must say to fit a session: the same model, kernels and cache layout.
    struct Layout: Equatable {
        let fingerprint: ModelFingerprint
        let kernelPath: Int32
        let cacheType: KVCacheType
        let layerCount: Int
        /// Bytes of keys, and of values, one position takes over all attention layers.
        let keyRowBytes: Int
        let valueRowBytes: Int
        /// Bytes of recurrent state after the positions (0 for a transformer).
        let stateBytes: Int

        init(cache: KVCache, state: RecurrentState?, fingerprint: ModelFingerprint, kernelPath: KernelPath = .active) {
            self.fingerprint = fingerprint
            self.kernelPath = kernelPath.rawValue
            cacheType = cache.type
            layerCount = cache.layerCount
            // every attention layer's row bytes together: what one position takes
            keyRowBytes = cache.keyRowBytes.reduce(0, +)
            valueRowBytes = cache.valueRowBytes.reduce(0, +)
            stateBytes = state?.bytes ?? 0
        }

        var positionBytes: Int { keyRowBytes + valueRowBytes }

        /// The cache type's number in a file (fixed, whatever order the cases are in).
        static func code(of type: KVCacheType) -> UInt32 {
            switch type {
            case .f16: 0
            case .f32: 1
            case .q8_0: 2
            }
        }

        func header(tokenCount: Int) -> [UInt8] {
            var bytes = magic
            append(version, to: &bytes)
            append(UInt32(bitPattern: kernelPath), to: &bytes)
            append(fingerprint.value, to: &bytes)
            append(Self.code(of: cacheType), to: &bytes)
            append(UInt32(layerCount), to: &bytes)
            append(UInt64(keyRowBytes), to: &bytes)
            append(UInt64(valueRowBytes), to: &bytes)
            append(UInt64(tokenCount), to: &bytes)
            append(UInt64(stateBytes), to: &bytes)
            return bytes
        }
    }

    // MARK: - Writing

    /// Writes the cache's positions to `path`, replacing any file there.
    static func write(_ cache: KVCache, state: RecurrentState?, layout: Layout, to path: String)
        throws(SavedContextError)
    {
        let temporary = path + ".partial-\(getpid())"
        // the file holds the conversation in another form: only its owner may read it
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .cannotWrite(path: path, reason: String(cString: strerror(errno))) }
        var closed = false
        defer {
            if !closed { close(descriptor) }
            unlink(temporary)
        }
        let count = cache.count
        let header = layout.header(tokenCount: count)
        let tokens = cache.tokens.map { UInt32(truncatingIfNeeded: $0) }
        var digest = Digest64.of(header)
        digest = Digest64.of(tokens, seed: digest)
        try writeArray(header, descriptor, path)
        try writeArray(tokens, descriptor, path)
        for layer in 0..<cache.layerCount {
            for rows in cache.storedBlocks(layer: layer, count: count) {
                digest = Digest64.of(UnsafeRawBufferPointer(rows), seed: digest)
                try writeBytes(UnsafeRawBufferPointer(rows), descriptor, path)
            }
        }
        if let state {
            let values = UnsafeRawBufferPointer(state.allValues)
            digest = Digest64.of(values, seed: digest)
            try writeBytes(values, descriptor, path)
            // the state kept after the last prompt: the next prompt may spell the answer
            // differently, and then continues from there rather than from the start
            let checkpoint = state.latestCheckpoint(atMost: count)
            var position: [UInt8] = []
            append(UInt64(checkpoint?.position ?? 0), to: &position)
            digest = Digest64.of(position, seed: digest)
            try writeArray(position, descriptor, path)
            if let checkpoint {
                for floats in [checkpoint.values, checkpoint.logits] {
                    let result = floats.withUnsafeBytes { bytes in
                        digest = Digest64.of(bytes, seed: digest)
                        return Result { () throws(SavedContextError) in try writeBytes(bytes, descriptor, path) }
                    }
                    try result.get()
                }
            }
        }
        var trailer: [UInt8] = []
        append(digest, to: &trailer)
        try writeArray(trailer, descriptor, path)
        closed = true
        guard close(descriptor) == 0 else { throw .cannotWrite(path: path, reason: String(cString: strerror(errno))) }
        guard rename(temporary, path) == 0 else {
            throw .cannotWrite(path: path, reason: String(cString: strerror(errno)))
        }
    }

    // MARK: - Reading

    /// A saved context opened and checked against `layout`, its header and size only.
    struct Opened {
        let region: MappedRegion
        let tokens: [Int]
        let path: String
        /// A hybrid model's kept checkpoint's position, 0 for none.
        let checkpointPosition: Int
        let vocabularySize: Int
    }

    /// Maps the file at `path` and checks that it fits `layout`, a cache of
    /// `contextLength` positions and a vocabulary of `vocabularySize`.
    static func opened(_ path: String, layout: Layout, contextLength: Int, vocabularySize: Int)
        throws(SavedContextError) -> Opened
    {
        let region: MappedRegion
        do {
            region = try MappedRegion(mapping: path)
        } catch {
            throw .cannotRead(path: path, reason: error.description)
        }
        guard region.count >= headerBytes + 8, Array(region.bytes(0..<8)) == magic else {
            throw .unknownFormat(path: path)
        }
        func field<T: FixedWidthInteger>(_ offset: Int, _: T.Type) -> T {
            T(littleEndian: region.base.loadUnaligned(fromByteOffset: offset, as: T.self))
        }
        guard field(8, UInt32.self) == version else { throw .unknownFormat(path: path) }
        let header = Array(region.bytes(0..<headerBytes))
        let tokenCount = field(48, UInt64.self)
        guard tokenCount >= 1, tokenCount <= UInt64(contextLength) else {
            throw .stale(path: path, reason: "it holds \(tokenCount) positions and this context \(contextLength)")
        }
        let count = Int(tokenCount)
        guard header == layout.header(tokenCount: count) else {
            let reason = field(16, UInt64.self) != layout.fingerprint.value ? "it was saved with another model file"
                : field(12, UInt32.self) != UInt32(bitPattern: layout.kernelPath) ? "it was saved with other kernels"
                : "it was saved with another cache precision or shape"
            throw .stale(path: path, reason: reason)
        }
        var expected = headerBytes + count * 4 + count * layout.positionBytes + layout.stateBytes + 8
        var checkpointPosition = 0
        if layout.stateBytes > 0 {
            guard region.count >= expected + 8 else {
                throw .corrupt(path: path, reason: "it is \(region.count) bytes; its header says more")
            }
            let position = field(expected - 8, UInt64.self)
            guard position <= tokenCount else {
                throw .corrupt(path: path, reason: "its kept state is at position \(position) of \(tokenCount)")
            }
            checkpointPosition = Int(position)
            expected += 8 + (checkpointPosition > 0 ? layout.stateBytes + vocabularySize * 4 : 0)
        }
        guard region.count == expected else {
            throw .corrupt(path: path, reason: "it is \(region.count) bytes; its header says \(expected)")
        }
        var tokens: [Int] = []
        tokens.reserveCapacity(count)
        for index in 0..<count {
            let token = Int(field(headerBytes + index * 4, UInt32.self))
            guard token < vocabularySize else {
                throw .corrupt(path: path, reason: "token \(token) is outside the vocabulary")
            }
            tokens.append(token)
        }
        return Opened(region: region, tokens: tokens, path: path, checkpointPosition: checkpointPosition,
                      vocabularySize: vocabularySize)
    }

    /// Checks the whole file's digest, then copies its positions into `cache` and its
    /// recurrent state into `state`. On any problem both are left as they were.
    static func restore(_ opened: Opened, into cache: KVCache, state: RecurrentState?) throws(SavedContextError) {
        let region = opened.region
        let count = opened.tokens.count
        let body = region.count - 8
        let stored = UInt64(littleEndian: region.base.loadUnaligned(fromByteOffset: body, as: UInt64.self))
        // digested in the pieces it was written in, so the chained digests agree
        var digest = Digest64.of(region.bytes(0..<headerBytes))
        var offset = headerBytes
        var pieces: [(range: Range<Int>, target: UnsafeMutableRawBufferPointer?)] = [(offset..<offset + count * 4, nil)]
        offset += count * 4
        for layer in 0..<cache.layerCount {
            for target in cache.storedBlocks(layer: layer, count: count) {
                pieces.append((offset..<offset + target.count, target))
                offset += target.count
            }
        }
        var checkpointRanges: (values: Range<Int>, logits: Range<Int>)?
        if let state {
            let target = UnsafeMutableRawBufferPointer(state.allValues)
            pieces.append((offset..<offset + target.count, target))
            offset += target.count
            pieces.append((offset..<offset + 8, nil))
            offset += 8
            if opened.checkpointPosition > 0 {
                let values = offset..<offset + target.count
                let logits = values.upperBound..<values.upperBound + opened.vocabularySize * 4
                checkpointRanges = (values, logits)
                pieces.append((values, nil))
                pieces.append((logits, nil))
            }
        }
        for piece in pieces { digest = Digest64.of(region.bytes(piece.range), seed: digest) }
        guard digest == stored else { throw .corrupt(path: opened.path, reason: "its digest does not match its contents") }
        // checkpoints stand for positions of the cache's old path
        state?.reset()
        for piece in pieces {
            guard let target = piece.target?.baseAddress, let source = region.bytes(piece.range).baseAddress else { continue }
            target.copyMemory(from: source, byteCount: piece.range.count)
        }
        if let state, let checkpointRanges {
            // copied, not bound: the file's rows need not leave them four-byte aligned
            func floats(_ range: Range<Int>) -> [Float] {
                [Float](unsafeUninitializedCapacity: range.count / 4) { buffer, initialized in
                    UnsafeMutableRawBufferPointer(buffer).copyMemory(from: region.bytes(range))
                    initialized = range.count / 4
                }
            }
            state.adopt(RecurrentState.Checkpoint(position: opened.checkpointPosition,
                                                  values: floats(checkpointRanges.values),
                                                  logits: floats(checkpointRanges.logits)))
        }
        cache.replaceTokens(with: opened.tokens)
    }

    private static func append<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }
}

/// Writes an array's bytes to `descriptor`.
private func writeArray<Element>(_ values: [Element], _ descriptor: Int32, _ path: String) throws(SavedContextError) {
    let result = values.withUnsafeBytes { bytes in
        Result { () throws(SavedContextError) in try writeBytes(bytes, descriptor, path) }
    }
    try result.get()
}

/// Writes all of `bytes` to `descriptor` (a write may take only part of them).
private func writeBytes(_ bytes: UnsafeRawBufferPointer, _ descriptor: Int32, _ path: String)
    throws(SavedContextError)
{
    guard var next = bytes.baseAddress else { return }
    var left = bytes.count
    while left > 0 {
        let written = write(descriptor, next, left)
        if written < 0 {
            if errno == EINTR { continue }
            throw .cannotWrite(path: path, reason: String(cString: strerror(errno)))
        }
        next += written
        left -= written
    }
}
