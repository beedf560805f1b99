/// Reading metadata values: scalars are decoded at once, arrays are validated (every
/// element's extent checked) and left in the mapping.
extension ByteCursor {
    /// Arrays of arrays deeper than this are refused: no model format needs them, and
    /// unbounded recursion is a crash waiting for a hostile file.
    static let maximumNesting = 4

    mutating func readValueType(key: String) throws(GGUFError) -> GGUFValueType {
        let start = offset
        let raw = try read(UInt32.self, for: "value type of \(key)")
        guard let type = GGUFValueType(rawValue: raw) else {
            throw .invalidValueType(raw, key: key, offset: start)
        }
        return type
    }

    mutating func readValue(of type: GGUFValueType, key: String, depth: Int) throws(GGUFError)
        -> GGUFValue
    {
        switch type {
        case .uint8: return .uint8(try read(UInt8.self, for: key))
        case .int8: return .int8(try read(Int8.self, for: key))
        case .uint16: return .uint16(try read(UInt16.self, for: key))
        case .int16: return .int16(try read(Int16.self, for: key))
        case .uint32: return .uint32(try read(UInt32.self, for: key))
        case .int32: return .int32(try read(Int32.self, for: key))
        case .uint64: return .uint64(try read(UInt64.self, for: key))
        case .int64: return .int64(try read(Int64.self, for: key))
        case .float32: return .float32(Float(bitPattern: try read(UInt32.self, for: key)))
        case .float64: return .float64(Double(bitPattern: try read(UInt64.self, for: key)))
        case .bool: return .bool(try read(UInt8.self, for: key) != 0)
        case .string: return .string(try readString(for: key))
        case .array:
            let (elementType, count, start) = try readArrayHeader(key: key, depth: depth)
            try skipElements(of: elementType, count: count, key: key, depth: depth + 1)
            return .array(GGUFArray(elementType: elementType, count: count, region: region, start: start))
        }
    }

    /// Reads an array's element type and count and checks the count could fit in what is
    /// left of the file; returns where the elements start.
    private mutating func readArrayHeader(key: String, depth: Int) throws(GGUFError)
        -> (GGUFValueType, Int, Int)
    {
        guard depth <= Self.maximumNesting else { throw .nestingTooDeep(key: key, offset: offset) }
        let elementType = try readValueType(key: key)
        let countOffset = offset
        let count = try read(UInt64.self, for: "element count of \(key)")
        guard count <= UInt64(remaining / elementType.minimumSize) else {
            throw .countTooLarge(what: "array \(key) element", count: count, offset: countOffset)
        }
        return (elementType, Int(count), offset)
    }

    private mutating func skipElements(of type: GGUFValueType, count: Int, key: String, depth: Int)
        throws(GGUFError)
    {
        switch type {
        case .string:
            for _ in 0..<count { try skipString(for: "string in \(key)") }
        case .array:
            for _ in 0..<count {
                let (elementType, innerCount, _) = try readArrayHeader(key: key, depth: depth)
                try skipElements(of: elementType, count: innerCount, key: key, depth: depth + 1)
            }
        default:
            try skip(count * type.minimumSize, for: "elements of \(key)")
        }
    }
}
