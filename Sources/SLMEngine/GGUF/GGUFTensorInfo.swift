/// One entry of a GGUF tensor directory.
public struct GGUFTensorInfo: Sendable, Equatable {
    public let name: String
    /// Dimensions as ggml orders them: `dimensions[0]` is the row length (contiguous).
    public let dimensions: [Int]
    public let type: QuantType
    /// Offset of the data from the start of the file's data section.
    public let offset: Int
    /// Elements in the tensor (the product of the dimensions).
    public let elementCount: Int
    /// Bytes of data in the file.
    public let byteCount: Int

    /// Elements per row (`dimensions[0]`) and number of rows (the rest multiplied).
    public var rowLength: Int { dimensions.first ?? 1 }
    public var rowCount: Int { rowLength == 0 ? 0 : elementCount / rowLength }
}
