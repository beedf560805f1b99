import SLMKernels

/// A ggml tensor type, with the id GGUF stores. Every type ggml defines is known here so
/// that any file can be read and described; `hasKernels` says which ones the engine can
/// compute with.
public enum QuantType: UInt32, Sendable, CaseIterable, Comparable {
    case f32 = 0, f16 = 1, q4_0 = 2, q4_1 = 3, q5_0 = 6, q5_1 = 7, q8_0 = 8, q8_1 = 9
    case q2K = 10, q3K = 11, q4K = 12, q5K = 13, q6K = 14, q8K = 15
    case iq2XXS = 16, iq2XS = 17, iq3XXS = 18, iq1S = 19, iq4NL = 20, iq3S = 21, iq2S = 22
    case iq4XS = 23, i8 = 24, i16 = 25, i32 = 26, i64 = 27, f64 = 28, iq1M = 29, bf16 = 30
    case tq1_0 = 34, tq2_0 = 35, mxfp4 = 39, nvfp4 = 40, q1_0 = 41

    /// The name ggml and llama.cpp print, e.g. `Q4_K`.
    public var name: String {
        switch self {
        case .f32: "F32"
        case .f16: "F16"
        case .q4_0: "Q4_0"
        case .q4_1: "Q4_1"
        case .q5_0: "Q5_0"
        case .q5_1: "Q5_1"
        case .q8_0: "Q8_0"
        case .q8_1: "Q8_1"
        case .q2K: "Q2_K"
        case .q3K: "Q3_K"
        case .q4K: "Q4_K"
        case .q5K: "Q5_K"
        case .q6K: "Q6_K"
        case .q8K: "Q8_K"
        case .iq2XXS: "IQ2_XXS"
        case .iq2XS: "IQ2_XS"
        case .iq3XXS: "IQ3_XXS"
        case .iq1S: "IQ1_S"
        case .iq4NL: "IQ4_NL"
        case .iq3S: "IQ3_S"
        case .iq2S: "IQ2_S"
        case .iq4XS: "IQ4_XS"
        case .i8: "I8"
        case .i16: "I16"
        case .i32: "I32"
        case .i64: "I64"
        case .f64: "F64"
        case .iq1M: "IQ1_M"
        case .bf16: "BF16"
        case .tq1_0: "TQ1_0"
        case .tq2_0: "TQ2_0"
        case .mxfp4: "MXFP4"
        case .nvfp4: "NVFP4"
        case .q1_0: "Q1_0"
        }
    }

    /// Elements per block.
    public var blockSize: Int {
        switch self {
        case .f32, .f16, .bf16, .i8, .i16, .i32, .i64, .f64: 1
        case .q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q8_1, .iq4NL, .mxfp4: 32
        case .nvfp4: 64
        case .q1_0: 128
        case .q2K, .q3K, .q4K, .q5K, .q6K, .q8K, .iq2XXS, .iq2XS, .iq3XXS, .iq1S, .iq3S, .iq2S,
            .iq4XS, .iq1M, .tq1_0, .tq2_0:
            256
        }
    }

    /// Bytes per block.
    public var bytesPerBlock: Int {
        switch self {
        case .f32, .i32: 4
        case .f16, .bf16, .i16: 2
        case .i8: 1
        case .i64, .f64: 8
        case .q4_0, .iq4NL, .q1_0: 18
        case .q4_1: 20
        case .q5_0: 22
        case .q5_1: 24
        case .q8_0: 34
        case .q8_1: 36
        case .mxfp4: 17
        case .nvfp4: 36
        case .q2K: 84
        case .q3K, .iq3S: 110
        case .q4K: 144
        case .q5K: 176
        case .q6K: 210
        case .q8K: 292
        case .iq2XXS, .tq2_0: 66
        case .iq2XS: 74
        case .iq3XXS: 98
        case .iq1S: 50
        case .iq2S: 82
        case .iq4XS: 136
        case .iq1M: 56
        case .tq1_0: 54
        }
    }

    /// Whether SLMKernels can dequantize this type and take dot products with it.
    public var hasKernels: Bool { activationType != nil }

    /// The format activations are converted to for dot products with this weight type
    /// (the pairing the reference uses), or nil when the engine has no kernels for it.
    public var activationType: QuantType? {
        let paired = slm_activation_type(Int32(rawValue))
        return paired < 0 ? nil : QuantType(rawValue: UInt32(paired))
    }

    /// Bytes taken by `count` elements, or nil when `count` is not a whole number of
    /// blocks or the size overflows.
    public func byteCount(elements count: Int) -> Int? {
        guard count >= 0, count % blockSize == 0 else { return nil }
        let (bytes, overflow) = (count / blockSize).multipliedReportingOverflow(by: bytesPerBlock)
        return overflow ? nil : bytes
    }

    public static func < (lhs: QuantType, rhs: QuantType) -> Bool { lhs.rawValue < rhs.rawValue }
}
