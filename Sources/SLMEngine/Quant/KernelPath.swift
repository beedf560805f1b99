import SLMKernels

/// An implementation of the kernels: the portable scalar one or a SIMD one.
public enum KernelPath: Int32, Sendable, CaseIterable, CustomStringConvertible {
    case scalar = 0, avx2 = 1, neon = 2, neonDotprod = 3
    /// AVX2 with 4×4 tiles for Q5_0/Q8_0 batches on CPUs with AVX-512 VL and VNNI.
    case avx512Vnni = 4

    /// The name `SLM_KERNELS` takes: `scalar`, `avx2`, `avx512-vnni`, `neon`, `neon-dotprod`.
    public var description: String { String(cString: slm_path_name(rawValue)) }

    /// Whether this build has the path and this CPU can run it.
    public var isAvailable: Bool { slm_path_available(rawValue) != 0 }

    /// The path dot products use now: the best available, unless `SLM_KERNELS` chose one.
    public static var active: KernelPath { KernelPath(rawValue: slm_active_path()) ?? .scalar }

    /// Every path this machine can run.
    public static var available: [KernelPath] { allCases.filter(\.isAvailable) }
}

extension KernelPath {
    /// Makes this the path dot products use; false when it is not available.
    @discardableResult
    public func activate() -> Bool { slm_set_active_path(rawValue) == 0 }
}
