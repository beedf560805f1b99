/// A 64-bit digest that tells one model file's contents from another's: what a saved
/// context is checked against before it is trusted, so a context saved with one model is
/// never loaded into another (a re-quantized file, a fine-tune of the same shape, a
/// download that replaced the file under the same name).
///
/// It digests the file's size, its whole header (metadata and tensor directory) and 64
/// windows of 4 KiB spread evenly over the tensor data: two files of the same shapes
/// differ in those windows unless their weights are nearly all equal. Reading the windows
/// faults in 256 KiB of the mapping at most.
public struct ModelFingerprint: Sendable, Equatable, Hashable, CustomStringConvertible {
    public let value: UInt64

    static let windowCount = 64
    static let windowBytes = 4096

    public init(_ file: GGUFFile) {
        let size = file.fileSize
        var digest = Digest64.of([UInt64(size)])
        digest = Digest64.of(file.bytes(0..<file.dataOffset), seed: digest)
        let dataBytes = size - file.dataOffset
        if dataBytes <= Self.windowCount * Self.windowBytes {
            digest = Digest64.of(file.bytes(file.dataOffset..<size), seed: digest)
        } else {
            let step = (dataBytes - Self.windowBytes) / (Self.windowCount - 1)
            for window in 0..<Self.windowCount {
                let start = file.dataOffset + window * step
                digest = Digest64.of(file.bytes(start..<start + Self.windowBytes), seed: digest)
            }
        }
        value = digest
    }

    package init(value: UInt64) { self.value = value }

    /// Sixteen hexadecimal digits, for file names.
    public var description: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
