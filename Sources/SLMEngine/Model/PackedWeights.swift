#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SLMKernels

/// Copies of a model's matrices rearranged once at load for the active kernels
/// (`slm_pack_rows`: Q4_0, Q5_0 and Q8_0 in groups of eight rows, on CPUs with AVX2),
/// owned for the model's life. Products over them are bit-identical to products over the
/// file's layout; they read eight rows' blocks and scales in one pass.
///
/// The copies live in one anonymous mapping sized for every matrix the file has of those
/// types, asked for huge pages (fewer TLB misses while streaming weights); untouched parts
/// of it take no memory. Each matrix's mapped file pages are released once it is copied
/// (`GGUFFile.releasePages`), so memory holds each matrix once.
///
/// Filled only while the model loads (one thread), read-only after.
final class PackedWeights: @unchecked Sendable {
    private let arena: UnsafeMutableRawPointer?
    private let arenaBytes: Int
    private var used = 0
    /// Bytes the copies take.
    var byteCount: Int { used }

    private static let hugePage = 2 << 20

    /// Room for the packable matrices of `file` (none when the active kernels pack nothing).
    init(file: GGUFFile) {
        var total = 0
        for tensor in file.tensors where Self.packable(tensor.type, dimensions: tensor.dimensions) {
            total += (tensor.byteCount + 63) / 64 * 64
        }
        arenaBytes = (total + Self.hugePage - 1) / Self.hugePage * Self.hugePage
        guard arenaBytes > 0 else {
            arena = nil
            return
        }
        let address = mmap(nil, arenaBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let address, address != MAP_FAILED else {
            arena = nil
            return
        }
        #if os(Linux)
        madvise(address, arenaBytes, MADV_HUGEPAGE)
        #endif
        arena = address
    }

    deinit {
        if let arena { munmap(arena, arenaBytes) }
    }

    private static func packable(_ type: QuantType, dimensions: [Int]) -> Bool {
        dimensions.count == 2 && dimensions[1] >= Int(SLM_PACKED_GROUP) && dimensions[0] % type.blockSize == 0
            && slm_packs_type(Int32(type.rawValue)) != 0
    }

    /// A packed copy of `matrix`, or nil when its type is not packed on this CPU, it has
    /// fewer rows than a group, or there is no room.
    func pack(_ matrix: WeightMatrix) -> WeightMatrix? {
        let type = Int32(matrix.type.rawValue)
        let bytes = matrix.outputs * matrix.rowBytes
        guard Self.packable(matrix.type, dimensions: [matrix.inputs, matrix.outputs]), let arena,
              used + bytes <= arenaBytes
        else { return nil }
        let buffer = arena + used
        let full = matrix.outputs / Int(SLM_PACKED_GROUP) * Int(SLM_PACKED_GROUP)
        guard slm_pack_rows(type, Int64(full), Int64(matrix.inputs), matrix.data, buffer) == 0 else { return nil }
        (buffer + full * matrix.rowBytes).copyMemory(from: matrix.data + full * matrix.rowBytes,
                                                     byteCount: (matrix.outputs - full) * matrix.rowBytes)
        used += (bytes + 63) / 64 * 64
        var packed = WeightMatrix(name: matrix.name, type: matrix.type, inputs: matrix.inputs, outputs: matrix.outputs,
                                  data: UnsafeRawPointer(buffer), rowBytes: matrix.rowBytes)
        packed.isPacked = true
        return packed
    }
}
