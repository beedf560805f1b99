/// A parsed GGUF file: header, metadata and tensor directory over a read-only mapping.
///
/// Everything is validated when the file is opened — lengths, counts, value types,
/// tensor types, shapes, offsets and alignment — so later reads cannot leave the mapping.
/// Tensor data is never copied: `data(of:)` points into the mapping, which lives as long
/// as this object.
public final class GGUFFile: Sendable {
    /// GGUF's default data alignment when `general.alignment` is absent.
    public static let defaultAlignment = 32
    /// ggml tensors have at most four dimensions.
    public static let maximumDimensions = 4

    public let version: UInt32
    /// Metadata keys in file order.
    public let metadataKeys: [String]
    public let metadata: [String: GGUFValue]
    /// Tensors in file order.
    public let tensors: [GGUFTensorInfo]
    public let alignment: Int
    /// Where tensor data starts in the file.
    public let dataOffset: Int
    /// The file's size in bytes.
    public var fileSize: Int { region.count }

    private let region: MappedRegion
    private let tensorIndex: [String: Int]

    /// Opens and maps a file.
    public convenience init(path: String) throws(GGUFError) {
        try self.init(region: MappedRegion(mapping: path))
    }

    /// Parses bytes already in memory (tests, fuzzing).
    public convenience init(bytes: [UInt8]) throws(GGUFError) {
        try self.init(region: MappedRegion(copying: bytes))
    }

    public init(region: MappedRegion) throws(GGUFError) {
        self.region = region
        var cursor = ByteCursor(region: region)
        try cursor.require(4, for: "magic")
        let magic = Array(region.bytes(0..<4))
        guard magic == Array("GGUF".utf8) else { throw .badMagic(found: magic) }
        try cursor.skip(4, for: "magic")
        version = try Self.readVersion(&cursor)

        let tensorCountOffset = cursor.offset
        let tensorCount = try cursor.read(UInt64.self, for: "tensor count")
        let keyCountOffset = cursor.offset
        let keyCount = try cursor.read(UInt64.self, for: "metadata key count")
        // every entry takes some minimum number of bytes, which bounds a sane count
        guard keyCount <= UInt64(cursor.remaining / 13) else {
            throw .countTooLarge(what: "metadata key", count: keyCount, offset: keyCountOffset)
        }

        var keys: [String] = []
        var values: [String: GGUFValue] = [:]
        for _ in 0..<Int(keyCount) {
            let keyOffset = cursor.offset
            let key = try cursor.readString(for: "metadata key")
            guard values[key] == nil else { throw .duplicateKey(key, offset: keyOffset) }
            let type = try cursor.readValueType(key: key)
            values[key] = try cursor.readValue(of: type, key: key, depth: 0)
            keys.append(key)
        }
        metadataKeys = keys
        metadata = values
        alignment = try Self.alignment(in: values, keyOffset: keyCountOffset)

        guard tensorCount <= UInt64(cursor.remaining / 24) else {
            throw .countTooLarge(what: "tensor", count: tensorCount, offset: tensorCountOffset)
        }
        var records: [(info: GGUFTensorInfo, recordOffset: Int)] = []
        var index: [String: Int] = [:]
        for position in 0..<Int(tensorCount) {
            let recordOffset = cursor.offset
            let info = try Self.readTensorInfo(&cursor)
            guard index[info.name] == nil else { throw .duplicateTensor(info.name, offset: recordOffset) }
            index[info.name] = position
            records.append((info, recordOffset))
        }
        let (alignedEnd, overflow) = cursor.offset.addingReportingOverflow(alignment - 1)
        dataOffset = overflow ? Int.max : alignedEnd / alignment * alignment
        for record in records {
            try Self.checkPlacement(record.info, dataOffset: dataOffset, alignment: alignment,
                                    fileSize: region.count, recordOffset: record.recordOffset)
        }
        tensors = records.map(\.info)
        tensorIndex = index
    }

    /// The tensor with this name, if the file has one.
    public func tensor(named name: String) -> GGUFTensorInfo? {
        tensorIndex[name].map { tensors[$0] }
    }

    /// Lets the mapped pages of `tensor` go (see `MappedRegion.releasePages`), once a copy
    /// of them has replaced them.
    public func releasePages(of tensor: GGUFTensorInfo) { releasePages(data(of: tensor)) }

    /// Lets the whole mapped pages inside `bytes`, a part of this file's data, go (see
    /// `MappedRegion.releasePages`).
    public func releasePages(_ bytes: UnsafeRawBufferPointer) { region.releasePages(bytes) }

    /// Lets the mapped pages of the header and metadata go, once what is needed of them has
    /// been decoded (a vocabulary's arrays are megabytes); a later read loads them again.
    public func releaseMetadataPages() { releasePages(region.bytes(0..<min(dataOffset, region.count))) }

    /// The bytes of a tensor of this file, inside the mapping (valid while `self` lives).
    public func data(of tensor: GGUFTensorInfo) -> UnsafeRawBufferPointer {
        region.bytes(dataOffset + tensor.offset..<dataOffset + tensor.offset + tensor.byteCount)
    }

    /// The file's bytes `range`, which must lie inside the file.
    func bytes(_ range: Range<Int>) -> UnsafeRawBufferPointer { region.bytes(range) }

    /// The value of a metadata key, if present.
    public subscript(key: String) -> GGUFValue? { metadata[key] }

    // MARK: - Parsing steps

    private static func readVersion(_ cursor: inout ByteCursor) throws(GGUFError) -> UInt32 {
        let offset = cursor.offset
        let version = try cursor.read(UInt32.self, for: "version")
        if version == 2 || version == 3 { return version }
        if version.byteSwapped == 2 || version.byteSwapped == 3 { throw .bigEndian(offset: offset) }
        throw .unsupportedVersion(version, offset: offset)
    }

    private static func alignment(in metadata: [String: GGUFValue], keyOffset: Int)
        throws(GGUFError) -> Int
    {
        guard let value = metadata["general.alignment"] else { return defaultAlignment }
        guard case .uint32(let alignment) = value else {
            throw .invalidAlignment("must be a uint32, found \(value.type)", offset: keyOffset)
        }
        guard alignment > 0, alignment & (alignment - 1) == 0 else {
            throw .invalidAlignment("\(alignment) is not a power of two", offset: keyOffset)
        }
        return Int(alignment)
    }

    private static func readTensorInfo(_ cursor: inout ByteCursor) throws(GGUFError) -> GGUFTensorInfo {
        let start = cursor.offset
        let name = try cursor.readString(for: "tensor name")
        let dimensionCount = try cursor.read(UInt32.self, for: "dimension count of \(name)")
        guard (1...UInt32(maximumDimensions)).contains(dimensionCount) else {
            throw .invalidTensorShape(
                tensor: name, reason: "\(dimensionCount) dimensions (1 to \(maximumDimensions) allowed)",
                offset: start)
        }
        var dimensions: [Int] = []
        var elements = 1
        for _ in 0..<dimensionCount {
            let raw = try cursor.read(UInt64.self, for: "dimensions of \(name)")
            guard let dimension = Int(exactly: raw) else {
                throw .invalidTensorShape(tensor: name, reason: "dimension \(raw) is too large", offset: start)
            }
            let (product, overflow) = elements.multipliedReportingOverflow(by: dimension)
            guard !overflow else {
                throw .invalidTensorShape(tensor: name, reason: "element count overflows", offset: start)
            }
            elements = product
            dimensions.append(dimension)
        }
        let typeOffset = cursor.offset
        let rawType = try cursor.read(UInt32.self, for: "type of \(name)")
        guard let type = QuantType(rawValue: rawType) else {
            throw .unknownTensorType(rawType, tensor: name, offset: typeOffset)
        }
        guard dimensions[0] % type.blockSize == 0 else {
            throw .invalidTensorShape(
                tensor: name,
                reason: "row length \(dimensions[0]) is not a multiple of \(type.name)'s block size \(type.blockSize)",
                offset: start)
        }
        guard let byteCount = type.byteCount(elements: elements) else {
            throw .invalidTensorShape(tensor: name, reason: "byte size overflows", offset: start)
        }
        let offset = try cursor.read(UInt64.self, for: "data offset of \(name)")
        return GGUFTensorInfo(
            name: name, dimensions: dimensions, type: type, offset: Int(clamping: offset),
            elementCount: elements, byteCount: byteCount)
    }

    private static func checkPlacement(
        _ info: GGUFTensorInfo, dataOffset: Int, alignment: Int, fileSize: Int, recordOffset: Int
    ) throws(GGUFError) {
        guard info.offset % alignment == 0 else {
            throw .misalignedTensor(tensor: info.name, offset: info.offset, alignment: alignment)
        }
        let (start, startOverflow) = dataOffset.addingReportingOverflow(info.offset)
        let (end, endOverflow) = start.addingReportingOverflow(info.byteCount)
        guard !startOverflow, !endOverflow, end <= fileSize else {
            throw .tensorOutOfBounds(
                tensor: info.name, start: startOverflow ? Int.max : start,
                end: endOverflow || startOverflow ? Int.max : end, fileSize: fileSize)
        }
    }
}
