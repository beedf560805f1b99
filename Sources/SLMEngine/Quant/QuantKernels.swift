import SLMKernels

/// Why a quant operation was refused.
public enum QuantError: Error, Equatable, Sendable, CustomStringConvertible {
    case noKernels(QuantType)
    case notWholeBlocks(QuantType, elements: Int)
    case bufferTooSmall(QuantType, needed: Int, available: Int)

    public var description: String {
        switch self {
        case .noKernels(let type):
            "tensor type \(type.name) is not supported by this engine"
        case .notWholeBlocks(let type, let elements):
            "\(elements) elements is not a whole number of \(type.name) blocks of \(type.blockSize)"
        case .bufferTooSmall(let type, let needed, let available):
            "\(type.name) data needs \(needed) bytes but \(available) were given"
        }
    }
}

/// Swift entry points to SLMKernels: dequantize rows, convert activations to the format a
/// weight type pairs with, and take dot products.
public enum QuantKernels {
    /// Dequantizes the first `count` elements of `bytes`.
    public static func dequantize(_ type: QuantType, _ bytes: UnsafeRawBufferPointer, count: Int)
        throws(QuantError) -> [Float]
    {
        let needed = try byteCount(type, count)
        guard bytes.count >= needed else {
            throw .bufferTooSmall(type, needed: needed, available: bytes.count)
        }
        guard count > 0 else { return [] }
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            _ = slm_dequantize_row(Int32(type.rawValue), bytes.baseAddress, buffer.baseAddress, Int64(count))
            initialized = count
        }
    }

    /// Converts activations to `type` (one of F32, F16, BF16, Q8_0, Q8_1, Q8_K).
    public static func quantize(_ values: [Float], to type: QuantType) throws(QuantError) -> [UInt8] {
        guard [.f32, .f16, .bf16, .q8_0, .q8_1, .q8K].contains(type) else { throw .noKernels(type) }
        let size = try byteCount(type, values.count)
        var out = [UInt8](repeating: 0, count: size)
        values.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBytes { destination in
                _ = slm_quantize_row(Int32(type.rawValue), source.baseAddress, destination.baseAddress, Int64(values.count))
            }
        }
        return out
    }

    /// The dot product of `count` elements of a weight row and an activation row already in
    /// `type.activationType`, on `path` (the active path when nil).
    public static func dot(
        _ type: QuantType, count: Int, weights: UnsafeRawPointer, activations: UnsafeRawPointer,
        path: KernelPath? = nil
    ) -> Float {
        if let path {
            return slm_vec_dot_on_path(path.rawValue, Int32(type.rawValue), Int64(count), weights, activations)
        }
        return slm_vec_dot(Int32(type.rawValue), Int64(count), weights, activations)
    }

    /// `rows` dot products of consecutive weight rows with one activation row.
    public static func matrixVector(
        _ type: QuantType, rows: Int, columns: Int, weights: UnsafeRawPointer,
        activations: UnsafeRawPointer, into output: UnsafeMutablePointer<Float>
    ) {
        let rowBytes = type.byteCount(elements: columns) ?? 0
        slm_matvec(Int32(type.rawValue), Int64(rows), Int64(columns), weights, rowBytes, activations, output)
    }

    /// Dot products of `rows` consecutive weight rows with each of `count` activation rows
    /// (consecutive, `activationBytes` apart): `output[t * rows + r]`. The batch kernels a
    /// prompt takes.
    public static func matrixMatrix(
        _ type: QuantType, rows: Int, columns: Int, weights: UnsafeRawPointer,
        activations: UnsafeRawPointer, activationBytes: Int, count: Int, into output: UnsafeMutablePointer<Float>
    ) {
        let rowBytes = type.byteCount(elements: columns) ?? 0
        slm_matmat(Int32(type.rawValue), Int64(rows), Int64(columns), weights, rowBytes, activations, activationBytes,
                   Int64(count), output, Int64(rows), Int64(count), Int64(rows))
    }

    /// Converts `count` floats to IEEE half precision (round to nearest even).
    public static func convertToHalf(
        _ source: UnsafePointer<Float>, into destination: UnsafeMutablePointer<UInt16>, count: Int
    ) {
        _ = slm_quantize_row(Int32(QuantType.f16.rawValue), source, destination, Int64(count))
    }

    private static func byteCount(_ type: QuantType, _ count: Int) throws(QuantError) -> Int {
        guard type.hasKernels || [.q8_1, .q8K].contains(type) else { throw .noKernels(type) }
        guard let size = type.byteCount(elements: count) else {
            throw .notWholeBlocks(type, elements: count)
        }
        return size
    }
}
