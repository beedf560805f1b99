/// A metadata array. Arrays read from a file stay in the mapping and are decoded on
/// demand (a vocabulary has hundreds of thousands of strings; `models info` needs only
/// the count); arrays built in memory hold their elements.
public struct GGUFArray: Sendable, Equatable {
    public let elementType: GGUFValueType
    public let count: Int
    private let storage: Storage

    private enum Storage: Sendable {
        case mapped(MappedRegion, start: Int)
        case elements([GGUFValue])
    }

    /// An in-memory array (for writing files). Every element must be of `elementType`.
    public init(elementType: GGUFValueType, values: [GGUFValue]) {
        precondition(values.allSatisfy { $0.type == elementType }, "mixed element types")
        self.elementType = elementType
        count = values.count
        storage = .elements(values)
    }

    init(elementType: GGUFValueType, count: Int, region: MappedRegion, start: Int) {
        self.elementType = elementType
        self.count = count
        storage = .mapped(region, start: start)
    }

    /// Every element, decoded.
    public func values() throws(GGUFError) -> [GGUFValue] {
        switch storage {
        case .elements(let values):
            return values
        case .mapped(let region, let start):
            var cursor = ByteCursor(region: region, offset: start)
            var values: [GGUFValue] = []
            values.reserveCapacity(count)
            for _ in 0..<count {
                values.append(try cursor.readValue(of: elementType, key: "array element", depth: 1))
            }
            return values
        }
    }

    /// The elements as strings, or nil when they are not strings.
    public func strings() throws(GGUFError) -> [String]? {
        guard elementType == .string else { return nil }
        return try values().compactMap(\.stringValue)
    }

    /// Numeric elements as `Float`, or nil when they are not numbers.
    public func floats() throws(GGUFError) -> [Float]? {
        guard elementType.isFixedSize, elementType != .bool else { return nil }
        return try values().compactMap { $0.doubleValue.map(Float.init) }
    }

    /// Integer elements as `Int`, or nil when they are not integers.
    public func integers() throws(GGUFError) -> [Int]? {
        guard elementType.isFixedSize, ![.bool, .float32, .float64].contains(elementType) else {
            return nil
        }
        return try values().compactMap(\.intValue)
    }

    public static func == (lhs: GGUFArray, rhs: GGUFArray) -> Bool {
        guard lhs.elementType == rhs.elementType, lhs.count == rhs.count else { return false }
        return (try? lhs.values() == rhs.values()) ?? false
    }
}
