import SLMEngine
import SLMKernels
import SLMTestSupport
import Testing

/// Q4_0, Q5_0, Q8_0 and Q4_K matrices packed at load (groups of eight rows): on every path, products
/// over the packed copy are bit-identical to the AVX2 one-row dot over the file's layout (Q4_K:
/// to the plain matrix's product, whatever the batch), for generated tokens and batches, with
/// rows after the last group left plain.
@Suite("Packed weights")
struct PackedWeightsTests {
    /// Two full groups and three rows after them.
    /// Rows of 144 blocks: more than the NEON and AVX-512 tiles keep on their stack (128), so
    /// they use their scratch, and more than two of the 64-block spans AVX2 widens at a time.
    static let rows = 19, columns = 4608, count = 11

    /// Random blocks: any quant bytes, scales of very different sizes between rows.
    static func matrix(_ type: QuantType, seed: UInt64) throws -> [UInt8] {
        var generator = SplitMix64(seed: seed)
        var bytes: [UInt8] = []
        for _ in 0..<rows {
            let spread = Float(generator.nextUnit() * 3 + 0.001)
            for _ in 0..<columns / 32 {
                let scale = slm_fp32_to_fp16(spread * Float(generator.nextUnit() * 0.1))
                bytes += [UInt8(scale & 0xFF), UInt8(scale >> 8)]
                bytes += (0..<(type.bytesPerBlock - 2)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            }
        }
        return bytes
    }

    static func activations(count: Int) throws -> [UInt8] {
        var generator = SplitMix64(seed: 99)
        var bytes: [UInt8] = []
        for _ in 0..<count {
            bytes += try QuantKernels.quantize((0..<columns).map { _ in Float(generator.nextUnit() * 6 - 3) }, to: .q8_0)
        }
        return bytes
    }

    /// The packed copy of a matrix of `rows` × `columns`: full groups packed, the rest copied as is.
    static func packed(_ type: QuantType, _ plain: [UInt8], rows: Int = rows, columns: Int = columns) -> [UInt8] {
        let rowBytes = type.byteCount(elements: columns)!
        let full = rows / 8 * 8
        var packed = plain
        plain.withUnsafeBytes { source in
            packed.withUnsafeMutableBytes { target in
                #expect(slm_pack_rows(Int32(type.rawValue), Int64(full), Int64(columns), source.baseAddress!,
                                      target.baseAddress!) == 0)
            }
        }
        #expect(packed[(full * rowBytes)...] == plain[(full * rowBytes)...])
        return packed
    }

    /// `batchRows` is the batch the rows belong to, `matrixRows` the whole matrix's rows (a
    /// Q4_0 matrix of whole groups in a batch of four or more takes the repacked arithmetic);
    /// only the first `firstRows` rows are multiplied (the rest of each output row stays NaN).
    static func product(_ weights: [UInt8], _ type: QuantType, path: KernelPath, packed: Bool, count: Int,
                        batchRows: Int = 1, matrixRows: Int = rows, firstRows: Int = rows) throws -> [Float]
    {
        let rowBytes = type.byteCount(elements: columns)!, activationBytes = QuantType.q8_0.byteCount(elements: columns)!
        let activations = try Self.activations(count: count)
        var out = [Float](repeating: .nan, count: rows * count)
        weights.withUnsafeBytes { w in
            activations.withUnsafeBytes { a in
                out.withUnsafeMutableBufferPointer { o in
                    if packed {
                        slm_matmat_packed_on_path(path.rawValue, Int32(type.rawValue), Int64(firstRows), Int64(columns),
                                                  w.baseAddress!, rowBytes, a.baseAddress!, activationBytes,
                                                  Int64(count), o.baseAddress!, Int64(rows), Int64(batchRows),
                                                  Int64(matrixRows))
                    } else {
                        slm_matmat_on_path(path.rawValue, Int32(type.rawValue), Int64(rows), Int64(columns),
                                           w.baseAddress!, rowBytes, a.baseAddress!, activationBytes, Int64(count),
                                           o.baseAddress!, Int64(rows), 1, Int64(rows))
                    }
                }
            }
        }
        return out
    }

    @Test("packed products equal the AVX2 dot bit for bit on every path", arguments: [QuantType.q4_0, .q5_0, .q8_0])
    func bitIdentical(type: QuantType) throws {
        let grouped = Self.rows / 8 * 8
        for seed in UInt64(1)...3 {
            let plain = try Self.matrix(type, seed: seed)
            let packed = Self.packed(type, plain)
            // every number of activation rows a pass over a group takes (1 to 4), remainders, and
            // batches long enough for AVX2's 16-bit product kernel (130: more than the 128
            // activation rows it widens at a time)
            for count in [1, 2, 3, 4, 5, 6, Self.count, 18, 130] {
                // no AVX2 here: the scalar dot is the reference, within rounding of the lane order
                let referencePath: KernelPath = KernelPath.avx2.isAvailable ? .avx2 : .scalar
                let reference = try Self.product(plain, type, path: referencePath, packed: false, count: count)
                for path in KernelPath.available {
                    let found = try Self.product(packed, type, path: path, packed: true, count: count)
                    // the rows after the last group are plain rows, taken by that path's plain kernels
                    let tail = try Self.product(plain, type, path: path, packed: false, count: count)
                    for t in 0..<count {
                        let row = t * Self.rows
                        let groups = Array(found[row..<row + grouped]), expected = Array(reference[row..<row + grouped])
                        if KernelPath.avx2.isAvailable {
                            #expect(groups == expected, "\(type.name) \(path) count \(count)")
                        } else {
                            let worst = zip(groups, expected).map { abs($0 - $1) / max(1, abs($1)) }.max()!
                            #expect(worst < 1e-5, "\(type.name) \(path) count \(count): \(worst)")
                        }
                        #expect(found[row + grouped..<row + Self.rows] == tail[row + grouped..<row + Self.rows])
                    }
                }
            }
        }
    }

    @Test("a Q4_0 matrix of whole groups in a batch takes the repacked arithmetic on every path, bit for bit as the portable form; it stays within rounding of the one-row dot; a matrix with a tail row, or a batch of generated tokens, keeps the dot's")
    func repackedQ4_0() throws {
        let plain = try Self.matrix(.q4_0, seed: 7)
        let packed = Self.packed(.q4_0, plain)
        let rowBytes = QuantType.q4_0.byteCount(elements: Self.columns)!
        let activationBytes = QuantType.q8_0.byteCount(elements: Self.columns)!
        let grouped = Self.rows / 8 * 8
        var worst: Float = 0
        for count in [1, 3, 4, 5, Self.count, 18] {
            let activations = try Self.activations(count: count)
            var expected = [Float](repeating: .nan, count: grouped * count)
            packed.withUnsafeBytes { w in
                activations.withUnsafeBytes { a in
                    for t in 0..<count {
                        for group in stride(from: 0, to: grouped, by: 8) {
                            var out = [Float](repeating: .nan, count: 8)
                            slm_packed_block_sums_portable(Int64(Self.columns), w.baseAddress! + group * rowBytes,
                                                           a.baseAddress! + t * activationBytes, &out)
                            for r in 0..<8 { expected[t * grouped + group + r] = out[r] }
                        }
                    }
                }
            }
            // the one-row dot's numbers: the AVX2 kernel's (the scalar one's lane order where there is none)
            let dotPath: KernelPath = KernelPath.avx2.isAvailable ? .avx2 : .scalar
            let dot = try Self.product(plain, .q4_0, path: dotPath, packed: false, count: count)
            for path in KernelPath.available {
                // the matrix's first two groups, as a matrix of 16 rows
                // the last rows of a prompt's batch may be fewer than four: the batch is larger
                let found = try Self.product(packed, .q4_0, path: path, packed: true, count: count,
                                             batchRows: max(4, count), matrixRows: grouped)
                // one group alone (as where the threads' shares split a pair of groups)
                let lone = try Self.product(packed, .q4_0, path: path, packed: true, count: count,
                                            batchRows: max(4, count), matrixRows: grouped, firstRows: 8)
                for t in 0..<count {
                    let row = t * Self.rows
                    #expect(Array(found[row..<row + grouped]) == Array(expected[t * grouped..<(t + 1) * grouped]),
                            "\(path) count \(count)")
                    #expect(Array(lone[row..<row + 8]) == Array(expected[t * grouped..<t * grouped + 8]),
                            "\(path) count \(count): one group")
                    for r in 0..<grouped {
                        let difference = abs(found[row + r] - dot[row + r])
                        worst = max(worst, difference / max(1, abs(dot[row + r])))
                    }
                }
                // a matrix of 19 rows (not whole groups), or generated tokens: the dot's numbers
                let tailed = try Self.product(packed, .q4_0, path: path, packed: true, count: count,
                                              batchRows: max(4, count))
                let generated = try Self.product(packed, .q4_0, path: path, packed: true, count: count, batchRows: 1,
                                                 matrixRows: grouped)
                // (the rows after the last group are plain rows, taken by that path's plain kernels)
                let plainTail = try Self.product(plain, .q4_0, path: path, packed: false, count: count)
                for t in 0..<count where KernelPath.avx2.isAvailable {
                    let row = t * Self.rows
                    #expect(tailed[row..<row + grouped] == dot[row..<row + grouped],
                            "\(path) count \(count): a matrix of 19 rows keeps the dot's numbers")
                    #expect(tailed[row + grouped..<row + Self.rows] == plainTail[row + grouped..<row + Self.rows])
                    #expect(generated[row..<row + grouped] == dot[row..<row + grouped],
                            "\(path) count \(count): generated tokens keep the dot's numbers")
                }
            }
        }
        // 144 blocks of sums of up to a few hundred: the two orders part in the last bits
        print("repacked Q4_0: largest difference from the one-row dot \(worst) (relative to max(1, |dot|))")
        #expect(worst < 1e-4)
    }

    @Test("rows read back from a packed group equal the plain rows", arguments: [QuantType.q4_0, .q5_0, .q8_0])
    func dequantizeRows(type: QuantType) throws {
        let plain = try Self.matrix(type, seed: 5)
        let packed = Self.packed(type, plain)
        let rowBytes = type.byteCount(elements: Self.columns)!
        for row in 0..<16 {
            let expected = try plain.withUnsafeBytes { bytes in
                try QuantKernels.dequantize(type, UnsafeRawBufferPointer(rebasing: bytes[row * rowBytes..<(row + 1) * rowBytes]),
                                            count: Self.columns)
            }
            var found = [Float](repeating: .nan, count: Self.columns)
            packed.withUnsafeBytes { bytes in
                #expect(slm_packed_dequantize_row(Int32(type.rawValue), Int64(Self.columns),
                                                  bytes.baseAddress! + row / 8 * 8 * rowBytes, Int64(row % 8),
                                                  &found) == 0)
            }
            #expect(found == expected, "row \(row)")
        }
    }

    /// A Q4_K matrix of `rows` rows: any quant and scale bytes, d and dmin of very different
    /// sizes between rows (finite, so products can be compared bit for bit).
    static func q4KMatrix(seed: UInt64) -> [UInt8] {
        var generator = SplitMix64(seed: seed)
        var bytes: [UInt8] = []
        for _ in 0..<rows {
            let spread = Float(generator.nextUnit() * 3 + 0.001)
            for _ in 0..<columns / 256 {
                for _ in 0..<2 {
                    let scale = slm_fp32_to_fp16(spread * Float(generator.nextUnit() * 0.01))
                    bytes += [UInt8(scale & 0xFF), UInt8(scale >> 8)]
                }
                bytes += (0..<140).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            }
        }
        return bytes
    }

    /// `count` Q8_K activation rows, the first with the largest values of both signs.
    static func q8KActivations(count: Int) throws -> [UInt8] {
        var generator = SplitMix64(seed: 41)
        var bytes: [UInt8] = []
        for t in 0..<count {
            let values = (0..<columns).map { i in t == 0 ? (i % 3 == 0 ? -4 : 4) : Float(generator.nextUnit() * 6 - 3) }
            bytes += try QuantKernels.quantize(values, to: .q8K)
        }
        return bytes
    }

    static func q4KProduct(_ weights: [UInt8], path: KernelPath, packed: Bool, count: Int, batchRows: Int,
                           matrixRows: Int) throws -> [Float] {
        let rowBytes = QuantType.q4K.byteCount(elements: columns)!, activationBytes = QuantType.q8K.byteCount(elements: columns)!
        let activations = try Self.q8KActivations(count: count)
        var out = [Float](repeating: .nan, count: rows * count)
        let type = Int32(QuantType.q4K.rawValue)
        weights.withUnsafeBytes { w in
            activations.withUnsafeBytes { a in
                out.withUnsafeMutableBufferPointer { o in
                    let product = packed ? slm_matmat_packed_on_path : slm_matmat_on_path
                    product(path.rawValue, type, Int64(rows), Int64(columns), w.baseAddress!, rowBytes, a.baseAddress!,
                            activationBytes, Int64(count), o.baseAddress!, Int64(rows), Int64(batchRows), Int64(matrixRows))
                }
            }
        }
        return out
    }

    @Test("packed Q4_K products equal the plain matrix's bit for bit on every path, for generated tokens (the one-row dot, the same on every path) and batches of any size")
    func q4KBitIdentical() throws {
        for seed in UInt64(1)...2 {
            let plain = Self.q4KMatrix(seed: seed)
            let packed = Self.packed(.q4K, plain)
            for count in [1, 2, 3, 4, 5, 9, 18] {
                // generated tokens (batch rows 1), and batches of a matrix the reference would
                // repack (a multiple of eight rows) and of one it would not
                for (batchRows, matrixRows) in [(1, Self.rows), (count, 24), (count, Self.rows)] {
                    let scalar = try Self.q4KProduct(plain, path: .scalar, packed: false, count: count, batchRows: batchRows,
                                                     matrixRows: matrixRows)
                    #expect(!scalar.contains { $0.isNaN })
                    for path in KernelPath.available {
                        let expected = try Self.q4KProduct(plain, path: path, packed: false, count: count,
                                                           batchRows: batchRows, matrixRows: matrixRows)
                        let found = try Self.q4KProduct(packed, path: path, packed: true, count: count,
                                                        batchRows: batchRows, matrixRows: matrixRows)
                        #expect(found == expected, "\(path), \(count) rows of a batch of \(batchRows), \(matrixRows) rows")
                        if batchRows == 1 { #expect(found == scalar, "\(path), \(count) generated rows") }
                    }
                }
            }
        }
    }

    @Test("rows read back from a packed Q4_K group equal the plain rows")
    func q4KDequantizeRows() throws {
        let plain = Self.q4KMatrix(seed: 7)
        let packed = Self.packed(.q4K, plain)
        let rowBytes = QuantType.q4K.byteCount(elements: Self.columns)!
        for row in 0..<16 {
            let expected = try plain.withUnsafeBytes { bytes in
                try QuantKernels.dequantize(.q4K, UnsafeRawBufferPointer(rebasing: bytes[row * rowBytes..<(row + 1) * rowBytes]),
                                            count: Self.columns)
            }
            var found = [Float](repeating: .nan, count: Self.columns)
            packed.withUnsafeBytes { bytes in
                #expect(slm_packed_dequantize_row(Int32(QuantType.q4K.rawValue), Int64(Self.columns),
                                                  bytes.baseAddress! + row / 8 * 8 * rowBytes, Int64(row % 8), &found) == 0)
            }
            #expect(found == expected, "row \(row)")
        }
    }

    @Test("other types and shapes are refused")
    func refusals() {
        var out = [UInt8](repeating: 0, count: 4096)
        let source = [UInt8](repeating: 0, count: 4096)
        #expect(slm_pack_rows(Int32(QuantType.q6K.rawValue), 8, 256, source, &out) == -1)
        #expect(slm_pack_rows(Int32(QuantType.q4K.rawValue), 8, 128, source, &out) == -1)
        #expect(slm_pack_rows(Int32(QuantType.q4K.rawValue), 4, 256, source, &out) == -1)
        #expect(slm_pack_rows(Int32(QuantType.q8_0.rawValue), 7, 32, source, &out) == -1)
        #expect(slm_pack_rows(Int32(QuantType.q8_0.rawValue), 8, 48, source, &out) == -1)
    }
}
