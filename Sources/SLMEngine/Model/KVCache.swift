#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SLMKernels

/// The precision keys and values are cached in.
public enum KVCacheType: String, Sendable, CaseIterable {
    /// Half precision, attention numerics as llama.cpp's defaults (flash attention).
    case f16
    /// Single precision: twice the memory; plain float attention.
    case f32
    /// Q8_0 blocks (32 values in 34 bytes): about half of F16's memory, attention numerics
    /// as llama.cpp's `-ctk q8_0 -ctv q8_0` (keys dotted with a Q8_0 query, values
    /// accumulated in single precision). Head sizes must be equal multiples of 32.
    case q8_0

    /// Bytes `count` cached values take (for Q8_0, `count` is a multiple of 32).
    func bytes(values count: Int) -> Int {
        switch self {
        case .f16: count * 2
        case .f32: count * 4
        case .q8_0: count / 32 * 34
        }
    }

    /// Why this type cannot cache heads of these sizes, or nil when it can.
    func unsupportedReason(keyLength: Int, valueLength: Int) -> String? {
        guard self == .q8_0 else { return nil }
        if keyLength % 32 != 0 || keyLength > 1024 {
            return "a q8_0 KV cache needs head sizes that are multiples of 32 up to 1024; this model's is \(keyLength)"
        }
        if keyLength != valueLength {
            return "a q8_0 KV cache needs equal key and value head sizes; this model's are \(keyLength) and \(valueLength)"
        }
        return nil
    }
}

/// Keys and values of every evaluated position, per attention layer (a hybrid model's
/// recurrent layers keep none), plus the tokens they came from, so a later request that
/// starts with the same tokens reuses them.
///
/// Each key/value head's positions lie together (head-major): a generated token's attention
/// reads one head's rows as one contiguous stream, which the memory system prefetches; rows
/// of all heads side by side made each head's rows a stride apart, and at 4,096 positions
/// that stride halved the attention's speed.
///
/// The storage is one anonymous mapping: its pages read as zeros and take memory only once
/// written, so a long context costs memory as it fills, not when the session opens.
final class KVCache {
    let type: KVCacheType
    let contextLength: Int
    /// Per attention layer: values per position (headCountKV × the layer's key or value
    /// length) and their bytes in `type`.
    let keyRowLengths: [Int]
    let valueRowLengths: [Int]
    let keyRowBytes: [Int]
    let valueRowBytes: [Int]
    /// Per attention layer: key/value heads, each head's key and value length, and the bytes
    /// of one position of one head (the stride between a head's rows).
    let keyValueHeads: [Int]
    let keyHeadLengths: [Int]
    let valueHeadLengths: [Int]
    let keyHeadBytes: [Int]
    let valueHeadBytes: [Int]
    /// Bytes from one head's rows to the next head's.
    let keyHeadStrides: [Int]
    let valueHeadStrides: [Int]
    private let keys: [UnsafeMutableRawPointer]   // per layer: (heads, context, keyHeadBytes[layer])
    private let values: [UnsafeMutableRawPointer] // per layer: (heads, context, valueHeadBytes[layer])
    private let storage: UnsafeMutableRawPointer
    private let storageBytes: Int
    /// The tokens whose keys and values are stored, in position order.
    private(set) var tokens: [Int] = []

    init(hyper: Hyperparameters, contextLength: Int, type: KVCacheType) {
        self.type = type
        self.contextLength = contextLength
        let geometries = hyper.attentionGeometries
        keyRowLengths = geometries.map(\.keyWidth)
        valueRowLengths = geometries.map(\.valueWidth)
        keyRowBytes = keyRowLengths.map { type.bytes(values: $0) }
        valueRowBytes = valueRowLengths.map { type.bytes(values: $0) }
        keyValueHeads = geometries.map(\.keyValueHeads)
        keyHeadLengths = geometries.map(\.keyLength)
        valueHeadLengths = geometries.map(\.valueLength)
        keyHeadBytes = keyHeadLengths.map { type.bytes(values: $0) }
        valueHeadBytes = valueHeadLengths.map { type.bytes(values: $0) }
        // every head's rows start on a 64-byte boundary
        func rounded(_ bytes: Int) -> Int { (bytes + 63) / 64 * 64 }
        keyHeadStrides = keyHeadBytes.map { rounded(contextLength * $0) }
        valueHeadStrides = valueHeadBytes.map { rounded(contextLength * $0) }
        let keyParts = zip(keyValueHeads, keyHeadStrides).map { $0 * $1 }
        let valueParts = zip(keyValueHeads, valueHeadStrides).map { $0 * $1 }
        storageBytes = max(1, keyParts.reduce(0, +) + valueParts.reduce(0, +))
        guard let address = mmap(nil, storageBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              address != MAP_FAILED
        else { fatalError("out of memory for a \(storageBytes)-byte KV cache") }
        storage = address
        #if os(Linux)
        // huge pages where the kernel has them: a generated token reads every cached row, and
        // with 4 KiB pages the Qwen2.5-0.5B shape decoded at 4,096 positions over a Q8_0 cache
        // 8-12% slower (three alternated rounds)
        madvise(address, storageBytes, MADV_HUGEPAGE)
        #endif
        var offset = 0
        var keys: [UnsafeMutableRawPointer] = [], values: [UnsafeMutableRawPointer] = []
        for layer in geometries.indices {
            keys.append(address + offset)
            values.append(address + offset + keyParts[layer])
            offset += keyParts[layer] + valueParts[layer]
        }
        self.keys = keys
        self.values = values
    }

    deinit { munmap(storage, storageBytes) }

    var count: Int { tokens.count }

    /// Key/value head `head` of `layer`: its rows, `keyHeadBytes[layer]` (or
    /// `valueHeadBytes[layer]`) apart, position 0 first.
    func keys(layer: Int, head: Int) -> UnsafeRawPointer { UnsafeRawPointer(keys[layer] + head * keyHeadStrides[layer]) }
    func values(layer: Int, head: Int) -> UnsafeRawPointer {
        UnsafeRawPointer(values[layer] + head * valueHeadStrides[layer])
    }

    /// Stores one position's keys and values (each all of the layer's heads side by side).
    func store(layer: Int, position: Int, key: UnsafePointer<Float>, value: UnsafePointer<Float>) {
        for head in 0..<keyValueHeads[layer] {
            write(key + head * keyHeadLengths[layer],
                  into: keys[layer] + head * keyHeadStrides[layer] + position * keyHeadBytes[layer],
                  length: keyHeadLengths[layer])
            write(value + head * valueHeadLengths[layer],
                  into: values[layer] + head * valueHeadStrides[layer] + position * valueHeadBytes[layer],
                  length: valueHeadLengths[layer])
        }
    }

    private func write(_ source: UnsafePointer<Float>, into destination: UnsafeMutableRawPointer, length: Int) {
        switch type {
        case .f16:
            QuantKernels.convertToHalf(source, into: destination.assumingMemoryBound(to: UInt16.self), count: length)
        case .f32:
            destination.assumingMemoryBound(to: Float.self).update(from: source, count: length)
        case .q8_0:
            // as the reference's copy into a Q8_0 cache: each head's blocks quantized alone
            _ = slm_quantize_row(Int32(QuantType.q8_0.rawValue), source, destination, Int64(length))
        }
    }

    /// The stored bytes of the first `count` positions of `layer`: each key head's rows,
    /// then each value head's. What a saved context holds, and where a restored one is copied.
    func storedBlocks(layer: Int, count: Int) -> [UnsafeMutableRawBufferPointer] {
        (0..<keyValueHeads[layer]).map {
            UnsafeMutableRawBufferPointer(start: keys[layer] + $0 * keyHeadStrides[layer], count: count * keyHeadBytes[layer])
        } + (0..<keyValueHeads[layer]).map {
            UnsafeMutableRawBufferPointer(start: values[layer] + $0 * valueHeadStrides[layer],
                                          count: count * valueHeadBytes[layer])
        }
    }

    var layerCount: Int { keys.count }

    /// Says which tokens the positions hold after their rows were copied in whole.
    func replaceTokens(with tokens: [Int]) {
        precondition(tokens.count <= contextLength, "more tokens than the cache holds")
        self.tokens = tokens
    }

    /// Records that `token` now occupies the next position.
    func append(_ token: Int) { tokens.append(token) }

    /// Forgets every position from `length` on.
    func truncate(to length: Int) { tokens.removeSubrange(min(length, tokens.count)...) }

    /// How many leading tokens of `sequence` are already stored.
    func sharedPrefixLength(with sequence: [Int]) -> Int {
        var length = 0
        while length < tokens.count, length < sequence.count, tokens[length] == sequence[length] { length += 1 }
        return length
    }
}
