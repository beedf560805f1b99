#if canImport(Glibc)
import Glibc
#endif
import SLMEngine
import SLMKernels
import Testing

/// slm_expf, the exponential of softmax weights and SiLU: every SIMD version gives the
/// scalar one's bits, and the scalar one gives glibc's expf (the reference's libm) — the
/// kernels that moved from calling expf to it must compute the numbers they computed.
@Suite("e^x as the reference's libm")
struct LibmExpTests {
    /// Every 65,521st bit pattern (all signs, exponents and NaNs), then the edges of the
    /// library's branches and their neighbours.
    static let inputs: [Float] = {
        var values = stride(from: UInt64(0), to: 1 << 32, by: 65_521).map { Float(bitPattern: UInt32($0)) }
        let edges: [Float] = [0, -0.0, 1, -1, .infinity, -.infinity, .nan, -.nan, .leastNonzeroMagnitude,
                              -.leastNonzeroMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
                              88, -88, 0x1.62e42ep6, 0x1.62e430p6, -0x1.9fe368p6, -0x1.9fe36ap6, -0x1.9fe366p6,
                              -0x1.9d1d9ep6, -0x1.9d1da0p6, -0x1.9d1d9cp6, -87.33, -87.34, -100, -104, 1e-8, -1e-8]
        values += edges
        for edge in edges where edge.isFinite {
            values += [edge.nextUp, edge.nextDown]
        }
        // softmax's range in fine steps: score minus maximum
        values += (0..<20_000).map { -Float($0) * 0.0047 }
        return values
    }()

    static func exponentials(_ path: KernelPath?) -> [UInt32] {
        var out = [Float](repeating: 0, count: inputs.count)
        slm_expf_on_path(path?.rawValue ?? KernelPath.scalar.rawValue, inputs, &out, Int64(inputs.count))
        return out.map(\.bitPattern)
    }

    @Test("every path's e^x has the scalar one's bits")
    func pathsAgree() {
        let scalar = Self.exponentials(nil)
        for path in KernelPath.available {
            let vector = Self.exponentials(path)
            let differing = zip(scalar, vector).enumerated().filter { $0.element.0 != $0.element.1 }.map(\.offset)
            let count = differing.count
            #expect(count == 0, "\(path): first at \(differing.first.map { Self.inputs[$0] } ?? 0)")
        }
    }

    #if canImport(Glibc) && arch(x86_64)
    @Test("the scalar e^x is glibc's expf bit for bit (x86-64)")
    func matchesLibm() {
        let scalar = Self.exponentials(nil)
        let system = Self.inputs.map { Glibc.expf($0).bitPattern }
        let differing = zip(scalar, system).enumerated().filter { $0.element.0 != $0.element.1 }.map(\.offset)
        let count = differing.count
        #expect(count == 0, "first at \(differing.first.map { Self.inputs[$0] } ?? 0)")
    }
    #endif
}
