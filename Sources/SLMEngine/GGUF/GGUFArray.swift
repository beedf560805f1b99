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
        if case .elements(let values) = storage { return values }
        return try decoded { $0 }
    }

    /// The elements `transform` keeps, decoded one at a time: a vocabulary's texts or
    /// numbers never exist as a whole array of `GGUFValue` (4.9 MB at the peak of loading a
    /// 152k-token vocabulary).
    private func decoded<Element>(_ transform: (GGUFValue) -> Element?) throws(GGUFError) -> [Element] {
        switch storage {
        case .elements(let values):
            return values.compactMap(transform)
        case .mapped(let region, let start):
            var cursor = ByteCursor(region: region, offset: start)
            var elements: [Element] = []
            elements.reserveCapacity(count)
            for _ in 0..<count {
                if let element = transform(try cursor.readValue(of: elementType, key: "array element", depth: 1)) {
                    elements.append(element)
                }
            }
            return elements
        }
    }

    /// The elements as strings, or nil when they are not strings.
    public func strings() throws(GGUFError) -> [String]? {
        guard elementType == .string else { return nil }
        return try decoded(\.stringValue)
    }

    /// Numeric elements as `Float`, or nil when they are not numbers.
    public func floats() throws(GGUFError) -> [Float]? {
        guard elementType.isFixedSize, elementType != .bool else { return nil }
        return try decoded { $0.doubleValue.map(Float.init) }
    }

    /// Integer elements as `Int`, or nil when they are not integers.
    public func integers() throws(GGUFError) -> [Int]? {
        guard elementType.isFixedSize, ![.bool, .float32, .float64].contains(elementType) else {
            return nil
        }
        return try decoded(\.intValue)
    }

    public static func == (lhs: GGUFArray, rhs: GGUFArray) -> Bool {
        guard lhs.elementType == rhs.elementType, lhs.count == rhs.count else { return false }
        return (try? lhs.values() == rhs.values()) ?? false
    }
}
