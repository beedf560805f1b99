/// The precision keys and values are cached in.
public enum KVCacheType: String, Sendable, CaseIterable {
    /// Half precision, attention numerics as llama.cpp's defaults (flash attention).
    case f16
    /// Single precision: twice the memory; plain float attention.
    case f32

    var bytesPerValue: Int { self == .f16 ? 2 : 4 }
}

/// Keys and values of every evaluated position, per layer, plus the tokens they came
/// from, so a later request that starts with the same tokens reuses them.
final class KVCache {
    let type: KVCacheType
    let contextLength: Int
    let keyRowLength: Int   // values per position: headCountKV * keyLength
    let valueRowLength: Int // values per position: headCountKV * valueLength
    private let keys: [UnsafeMutableRawPointer]   // per layer: (context, keyRowLength)
    private let values: [UnsafeMutableRawPointer] // per layer: (context, valueRowLength)
    /// The tokens whose keys and values are stored, in position order.
    private(set) var tokens: [Int] = []

    init(hyper: Hyperparameters, contextLength: Int, type: KVCacheType) {
        self.type = type
        self.contextLength = contextLength
        let keyRow = hyper.headCountKV * hyper.keyLength
        let valueRow = hyper.headCountKV * hyper.valueLength
        keyRowLength = keyRow
        valueRowLength = valueRow
        func allocate(_ rowLength: Int) -> UnsafeMutableRawPointer {
            let bytes = contextLength * rowLength * type.bytesPerValue
            let buffer = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
            buffer.initializeMemory(as: UInt8.self, repeating: 0, count: bytes)
            return buffer
        }
        keys = (0..<hyper.layerCount).map { _ in allocate(keyRow) }
        values = (0..<hyper.layerCount).map { _ in allocate(valueRow) }
    }

    deinit {
        keys.forEach { $0.deallocate() }
        values.forEach { $0.deallocate() }
    }

    var count: Int { tokens.count }

    func keys(layer: Int) -> UnsafeRawPointer { UnsafeRawPointer(keys[layer]) }
    func values(layer: Int) -> UnsafeRawPointer { UnsafeRawPointer(values[layer]) }

    /// Stores one position's keys and values.
    func store(layer: Int, position: Int, key: UnsafePointer<Float>, value: UnsafePointer<Float>) {
        write(key, into: keys[layer], row: position, length: keyRowLength)
        write(value, into: values[layer], row: position, length: valueRowLength)
    }

    private func write(_ source: UnsafePointer<Float>, into base: UnsafeMutableRawPointer, row: Int, length: Int) {
        let destination = base + row * length * type.bytesPerValue
        switch type {
        case .f16:
            QuantKernels.convertToHalf(source, into: destination.assumingMemoryBound(to: UInt16.self), count: length)
        case .f32:
            destination.assumingMemoryBound(to: Float.self).update(from: source, count: length)
        }
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
