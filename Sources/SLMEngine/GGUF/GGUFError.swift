/// Why a GGUF file could not be read. Each case names the problem and, where there is
/// one, the byte offset in the file where it was found.
public enum GGUFError: Error, Equatable, Sendable, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    case notARegularFile(path: String)
    case badMagic(found: [UInt8])
    case unsupportedVersion(UInt32, offset: Int)
    case bigEndian(offset: Int)
    case truncated(what: String, offset: Int, needed: Int, available: Int)
    case invalidValueType(UInt32, key: String, offset: Int)
    case countTooLarge(what: String, count: UInt64, offset: Int)
    case nestingTooDeep(key: String, offset: Int)
    case duplicateKey(String, offset: Int)
    case invalidAlignment(String, offset: Int)
    case unknownTensorType(UInt32, tensor: String, offset: Int)
    case invalidTensorShape(tensor: String, reason: String, offset: Int)
    case duplicateTensor(String, offset: Int)
    case tensorOutOfBounds(tensor: String, start: Int, end: Int, fileSize: Int)
    case misalignedTensor(tensor: String, offset: Int, alignment: Int)

    /// The byte offset in the file the problem was found at, when there is one.
    public var offset: Int? {
        switch self {
        case .cannotOpen, .notARegularFile: nil
        case .badMagic: 0
        case .unsupportedVersion(_, let offset), .bigEndian(let offset),
            .truncated(_, let offset, _, _), .invalidValueType(_, _, let offset),
            .countTooLarge(_, _, let offset), .nestingTooDeep(_, let offset),
            .duplicateKey(_, let offset), .invalidAlignment(_, let offset),
            .unknownTensorType(_, _, let offset), .invalidTensorShape(_, _, let offset),
            .duplicateTensor(_, let offset), .misalignedTensor(_, let offset, _):
            offset
        case .tensorOutOfBounds(_, let start, _, _): start
        }
    }

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            "cannot open \(path): \(reason)"
        case .notARegularFile(let path):
            "\(path) is not a regular file"
        case .badMagic(let found):
            "not a GGUF file: it starts with \(found.map { String(format2: $0) }.joined(separator: " ")), not \"GGUF\""
        case .unsupportedVersion(let version, let offset):
            "GGUF version \(version) is not supported (2 and 3 are), at byte \(offset)"
        case .bigEndian(let offset):
            "big-endian GGUF files are not supported, at byte \(offset)"
        case .truncated(let what, let offset, let needed, let available):
            "truncated file: \(what) at byte \(offset) needs \(needed) bytes but only \(available) remain"
        case .invalidValueType(let type, let key, let offset):
            "metadata \(key): unknown value type \(type) at byte \(offset)"
        case .countTooLarge(let what, let count, let offset):
            "\(what) count \(count) at byte \(offset) is larger than the file could hold"
        case .nestingTooDeep(let key, let offset):
            "metadata \(key): arrays nested too deeply at byte \(offset)"
        case .duplicateKey(let key, let offset):
            "metadata key \(key) appears twice (again at byte \(offset))"
        case .invalidAlignment(let detail, let offset):
            "general.alignment: \(detail) (at byte \(offset))"
        case .unknownTensorType(let type, let tensor, let offset):
            "tensor \(tensor): unknown tensor type \(type) at byte \(offset)"
        case .invalidTensorShape(let tensor, let reason, let offset):
            "tensor \(tensor): \(reason) (at byte \(offset))"
        case .duplicateTensor(let name, let offset):
            "tensor \(name) appears twice (again at byte \(offset))"
        case .tensorOutOfBounds(let tensor, let start, let end, let fileSize):
            "tensor \(tensor): data at bytes \(start)..<\(end) lies outside the file (\(fileSize) bytes)"
        case .misalignedTensor(let tensor, let offset, let alignment):
            "tensor \(tensor): data offset \(offset) is not a multiple of the alignment \(alignment)"
        }
    }
}

extension String {
    /// Two hex digits: how a byte is shown in error messages.
    fileprivate init(format2 byte: UInt8) {
        let digits = String(byte, radix: 16)
        self = "0x" + (digits.count == 1 ? "0" + digits : digits)
    }
}
