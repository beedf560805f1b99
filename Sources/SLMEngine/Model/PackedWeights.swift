import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SLMKernels

/// Copies of a model's matrices rearranged once at load for the active kernels
/// (`slm_pack_rows`: Q4_0, Q5_0, Q8_0 and Q4_K in groups of eight rows, on CPUs with AVX2),
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
    /// Bytes of a matrix packed before its file pages are let go.
    static let stretchBytes = 8 << 20

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
    /// fewer rows than a group, or there is no room. `copied` is told each stretch of the
    /// matrix's bytes as soon as it is packed (about 8 MiB at a time), so their file pages
    /// can go then rather than after the whole matrix: otherwise a 178 MB embedding table is
    /// resident twice, mapped and packed, at the peak of loading. `stretchBytes` is the size
    /// of a stretch (at least a group).
    func pack(_ matrix: WeightMatrix, stretchBytes: Int = PackedWeights.stretchBytes,
              copied: (UnsafeRawBufferPointer) -> Void = { _ in }) -> WeightMatrix? {
        let type = Int32(matrix.type.rawValue)
        let bytes = matrix.outputs * matrix.rowBytes
        guard Self.packable(matrix.type, dimensions: [matrix.inputs, matrix.outputs]), let arena,
              used + bytes <= arenaBytes
        else { return nil }
        let buffer = arena + used
        let group = Int(SLM_PACKED_GROUP)
        let groups = matrix.outputs / group
        let groupBytes = group * matrix.rowBytes
        let stretch = max(1, stretchBytes / groupBytes)
        let processors = ProcessInfo.processInfo.activeProcessorCount
        let results = UnsafeMutableBufferPointer<Int32>.allocate(capacity: max(1, processors))
        defer { results.deallocate() }
        var start = 0
        while start < groups {
            let count = min(stretch, groups - start)
            // the copy's fresh pages are zeroed by the kernel as they are first written, which
            // takes longer than the rearranging; threads writing their own groups share both
            let parts = count >= 64 ? max(1, min(processors, count / 64)) : 1
            results.initialize(repeating: 0)
            WorkerPool.run(parts) { part in
                let first = (start + count * part / parts) * group, last = (start + count * (part + 1) / parts) * group
                results[part] = slm_pack_rows(type, Int64(last - first), Int64(matrix.inputs),
                                              matrix.data + first * matrix.rowBytes, buffer + first * matrix.rowBytes)
            }
            guard !results.contains(where: { $0 != 0 }) else { return nil }
            copied(UnsafeRawBufferPointer(start: matrix.data + start * groupBytes, count: count * groupBytes))
            start += count
        }
        let full = groups * group
        (buffer + full * matrix.rowBytes).copyMemory(from: matrix.data + full * matrix.rowBytes,
                                                     byteCount: (matrix.outputs - full) * matrix.rowBytes)
        used += (bytes + 63) / 64 * 64
        var packed = WeightMatrix(name: matrix.name, type: matrix.type, inputs: matrix.inputs, outputs: matrix.outputs,
                                  data: UnsafeRawPointer(buffer), rowBytes: matrix.rowBytes)
        packed.isPacked = true
        return packed
    }
}

