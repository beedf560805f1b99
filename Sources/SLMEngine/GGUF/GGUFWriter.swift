import Foundation

/// Builds GGUF files: used by tests to make small models and by `quantize`.
///
/// ```swift
/// var writer = GGUFWriter()
/// writer.set("general.architecture", .string("llama"))
/// writer.addTensor(name: "token_embd.weight", type: .f32, dimensions: [64, 512], data: bytes)
/// try writer.write(to: url)
/// ```
public struct GGUFWriter: Sendable {
    public var version: UInt32
    /// Data alignment; a value other than 32 is recorded as `general.alignment`.
    public var alignment: Int
    public private(set) var metadata: [(key: String, value: GGUFValue)] = []
    public private(set) var tensors: [(name: String, type: QuantType, dimensions: [Int], data: [UInt8])] = []

    public init(version: UInt32 = 3, alignment: Int = GGUFFile.defaultAlignment) {
        self.version = version
        self.alignment = alignment
    }

    /// Sets a metadata value, replacing an earlier one with the same key.
    public mutating func set(_ key: String, _ value: GGUFValue) {
        if let index = metadata.firstIndex(where: { $0.key == key }) {
            metadata[index].value = value
        } else {
            metadata.append((key, value))
        }
    }

    /// Adds a tensor; `data` must hold exactly its bytes in `type`'s block format.
    public mutating func addTensor(name: String, type: QuantType, dimensions: [Int], data: [UInt8]) {
        let elements = dimensions.reduce(1, *)
        precondition(type.byteCount(elements: elements) == data.count, "\(name): wrong data size")
        tensors.append((name, type, dimensions, data))
    }

    /// The file's bytes.
    public func serialized() -> [UInt8] {
        var out: [UInt8] = []
        out.append(contentsOf: Array("GGUF".utf8))
        append(version, to: &out)
        append(UInt64(tensors.count), to: &out)
        var entries = metadata
        if alignment != GGUFFile.defaultAlignment, !entries.contains(where: { $0.key == "general.alignment" }) {
            entries.append(("general.alignment", .uint32(UInt32(alignment))))
        }
        append(UInt64(entries.count), to: &out)
        for (key, value) in entries {
            append(string: key, to: &out)
            append(value.type.rawValue, to: &out)
            append(value: value, to: &out)
        }
        var offset = 0
        var offsets: [Int] = []
        for tensor in tensors {
            offsets.append(offset)
            offset = padded(offset + tensor.data.count)
        }
        for (tensor, offset) in zip(tensors, offsets) {
            append(string: tensor.name, to: &out)
            append(UInt32(tensor.dimensions.count), to: &out)
            for dimension in tensor.dimensions { append(UInt64(dimension), to: &out) }
            append(tensor.type.rawValue, to: &out)
            append(UInt64(offset), to: &out)
        }
        out.append(contentsOf: repeatElement(0, count: padded(out.count) - out.count))
        for tensor in tensors {
            out.append(contentsOf: tensor.data)
            out.append(contentsOf: repeatElement(0, count: padded(out.count) - out.count))
        }
        return out
    }

    /// Writes the file atomically.
    public func write(to url: URL) throws {
        try Data(serialized()).write(to: url, options: .atomic)
    }

    private func padded(_ count: Int) -> Int { (count + alignment - 1) / alignment * alignment }

    private func append<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    private func append(string: String, to out: inout [UInt8]) {
        let bytes = Array(string.utf8)
        append(UInt64(bytes.count), to: &out)
        out.append(contentsOf: bytes)
    }

    private func append(value: GGUFValue, to out: inout [UInt8]) {
        switch value {
        case .uint8(let v): append(v, to: &out)
        case .int8(let v): append(v, to: &out)
        case .uint16(let v): append(v, to: &out)
        case .int16(let v): append(v, to: &out)
        case .uint32(let v): append(v, to: &out)
        case .int32(let v): append(v, to: &out)
        case .uint64(let v): append(v, to: &out)
        case .int64(let v): append(v, to: &out)
        case .float32(let v): append(v.bitPattern, to: &out)
        case .float64(let v): append(v.bitPattern, to: &out)
        case .bool(let v): append(UInt8(v ? 1 : 0), to: &out)
        case .string(let v): append(string: v, to: &out)
        case .array(let array):
            append(array.elementType.rawValue, to: &out)
            append(UInt64(array.count), to: &out)
            // an in-memory array cannot fail to decode; a mapped one was validated on read
            for element in (try? array.values()) ?? [] { append(value: element, to: &out) }
        }
    }
}
