import SLMEngine
import SLMKernels
import SLMTestSupport
import Testing

/// Batched matrix products (`slm_matmat`): the kernels that share one weight decode
/// between four activation rows must give exactly what one row at a time gives, and the
/// batch-only arithmetic (repacked Q4_K groups, tiled K-quants) must be the same on
/// every path.
@Suite("Batched kernels")
struct BatchedKernelTests {
    /// 24 weight rows: sixteen for the wide kernels and eight more for the ones after them.
    static let rows = 24, columns = 1024, count = 11
    /// Activation rows made, enough for every count a test asks for.
    static let maxCount = 16

    /// `rows` weight rows made from the fixture's two rows (repeated for longer rows),
    /// activations for `activationRows` rows.
    static func inputs(_ type: QuantType, columns: Int = columns, activationRows: Int = maxCount) throws
        -> (weights: [UInt8], activations: [UInt8], rowBytes: Int, activationBytes: Int)
    {
        let raw = try Fixtures.bytes("quant/\(type.name).bin")
        let fixtureRowBytes = type.byteCount(elements: Self.columns)!
        let rowBytes = type.byteCount(elements: columns)!
        var weights: [UInt8] = []
        for row in 0..<rows {
            var copy: [UInt8] = []
            for _ in 0..<columns / Self.columns {
                copy += raw[(row % 2) * fixtureRowBytes..<(row % 2 + 1) * fixtureRowBytes]
            }
            copy[copy.count - 1 - row] &+= UInt8(row)  // make every row different
            weights += copy
        }
        let activationType = type.activationType!
        var generator = SplitMix64(seed: 17)
        var activations: [UInt8] = []
        for _ in 0..<activationRows {
            activations += try QuantKernels.quantize((0..<columns).map { _ in Float(generator.nextUnit() * 4 - 2) }, to: activationType)
        }
        return (weights, activations, rowBytes, activationType.byteCount(elements: columns)!)
    }

    static func product(_ type: QuantType, path: KernelPath, count: Int, batchRows: Int, matrixRows: Int,
                        columns: Int = columns) throws -> [Float] {
        let (weights, activations, rowBytes, activationBytes) = try inputs(type, columns: columns,
                                                                           activationRows: max(count, maxCount))
        var out = [Float](repeating: .nan, count: rows * count)
        weights.withUnsafeBytes { w in
            activations.withUnsafeBytes { a in
                out.withUnsafeMutableBufferPointer { o in
                    slm_matmat_on_path(path.rawValue, Int32(type.rawValue), Int64(rows), Int64(columns), w.baseAddress!,
                                       rowBytes, a.baseAddress!, activationBytes, Int64(count), o.baseAddress!,
                                       Int64(rows), Int64(batchRows), Int64(matrixRows))
                }
            }
        }
        return out
    }

    @Test("tiles equal single-row dot products exactly, whatever the batch size", arguments: [QuantType.q4_0, .q5_0, .q8_0])
    func fourRows(type: QuantType) throws {
        let (weights, activations, rowBytes, activationBytes) = try Self.inputs(type)
        for path in KernelPath.available {
            var dots: [Float] = []
            for t in 0..<Self.count {
                for r in 0..<Self.rows {
                    dots.append(weights.withUnsafeBytes { w in
                        activations.withUnsafeBytes { a in
                            slm_vec_dot_on_path(path.rawValue, Int32(type.rawValue), Int64(Self.columns),
                                                w.baseAddress! + r * rowBytes, a.baseAddress! + t * activationBytes)
                        }
                    })
                }
            }
            let batched = try Self.product(type, path: path, count: Self.count, batchRows: Self.count, matrixRows: Self.rows)
            #expect(batched == dots, "\(type.name) on \(path)")
            for count in 1...3 {
                let small = try Self.product(type, path: path, count: count, batchRows: count, matrixRows: Self.rows)
                #expect(Array(small) == Array(dots.prefix(count * Self.rows)), "\(type.name) on \(path), \(count) rows")
            }
        }
    }

    /// AVX2 widens weight blocks 64 at a time and activation rows 128 at a time: 5,120 columns
    /// (two whole spans and a part) and 130 rows cross both.
    @Test("tiles over long rows, long batches and empty rows equal single-row dot products exactly",
          arguments: [QuantType.q4_0, .q5_0, .q8_0])
    func longTiles(type: QuantType) throws {
        let (columns, count) = (5120, 130)
        let (weights, activations, rowBytes, activationBytes) = try Self.inputs(type, columns: columns,
                                                                                activationRows: count)
        for path in KernelPath.available {
            var dots: [Float] = []
            for t in 0..<count {
                for r in 0..<Self.rows {
                    dots.append(weights.withUnsafeBytes { w in
                        activations.withUnsafeBytes { a in
                            slm_vec_dot_on_path(path.rawValue, Int32(type.rawValue), Int64(columns),
                                                w.baseAddress! + r * rowBytes, a.baseAddress! + t * activationBytes)
                        }
                    })
                }
            }
            let batched = try Self.product(type, path: path, count: count, batchRows: count, matrixRows: Self.rows,
                                           columns: columns)
            #expect(batched == dots, "\(type.name) on \(path)")
            // rows of no values: every sum is zero, as one row at a time
            var empty = [Float](repeating: .nan, count: Self.rows * 8)
            weights.withUnsafeBytes { w in
                activations.withUnsafeBytes { a in
                    empty.withUnsafeMutableBufferPointer { o in
                        slm_matmat_on_path(path.rawValue, Int32(type.rawValue), Int64(Self.rows), 0, w.baseAddress!, 0,
                                           a.baseAddress!, 0, 8, o.baseAddress!, Int64(Self.rows), 8, Int64(Self.rows))
                    }
                }
            }
            #expect(empty.allSatisfy { $0 == 0 }, "\(type.name) on \(path), no columns")
        }
    }

    /// Prompt lookup checks guessed tokens together and must get what each would get alone.
    @Test("generated tokens checked together (batch rows 1) get exactly the one-row dot, every type and path",
          arguments: QuantType.allCases.filter(\.hasKernels))
    func generatedRows(type: QuantType) throws {
        let (weights, activations, rowBytes, activationBytes) = try Self.inputs(type)
        for path in KernelPath.available {
            var dots: [Float] = []
            for t in 0..<9 {
                for r in 0..<Self.rows {
                    dots.append(weights.withUnsafeBytes { w in
                        activations.withUnsafeBytes { a in
                            slm_vec_dot_on_path(path.rawValue, Int32(type.rawValue), Int64(Self.columns),
                                                w.baseAddress! + r * rowBytes, a.baseAddress! + t * activationBytes)
                        }
                    })
                }
            }
            // a matrix whose rows the reference would repack (a multiple of 8), and one it would not
            for matrixRows in [Self.rows, Self.rows + 1] {
                for count in 1...9 {
                    let checked = try Self.product(type, path: path, count: count, batchRows: 1, matrixRows: matrixRows)
                    #expect(checked == Array(dots.prefix(count * Self.rows)),
                            "\(type.name) on \(path), \(count) rows of \(matrixRows)")
                }
            }
        }
    }

    @Test("the 4×4 tiles of the AVX-512 VNNI path give exactly what the AVX2 kernels give",
          .enabled(if: KernelPath.avx512Vnni.isAvailable, "this CPU has no AVX-512 VNNI"),
          arguments: [QuantType.q4_0, .q5_0, .q8_0])
    func tiles(type: QuantType) throws {
        // 8192 columns are more blocks than the tiles decode at once (they go block by block)
        for (count, columns) in [(4, 1024), (7, 1024), (11, 1024), (12, 1024), (5, 8192)] {
            let avx2 = try Self.product(type, path: .avx2, count: count, batchRows: count, matrixRows: Self.rows,
                                        columns: columns)
            let tiled = try Self.product(type, path: .avx512Vnni, count: count, batchRows: count, matrixRows: Self.rows,
                                         columns: columns)
            #expect(!tiled.contains { $0.isNaN })
            #expect(tiled == avx2, "\(type.name), \(count) rows of \(columns)")
        }
    }

    @Test("repacked Q4_K and tiled K-quant and IQ4_XS batches are identical on every path",
          arguments: [(QuantType.q4K, 24), (.q4K, 25), (.q6K, 24), (.q5K, 25), (.iq4XS, 24)])
    func batchArithmetic(type: QuantType, matrixRows: Int) throws {
        // 8192 columns: longer rows than Gemma's, as in 1-4B models
        for columns in [1024, 8192] {
            let scalar = try Self.product(type, path: .scalar, count: Self.count, batchRows: Self.count,
                                          matrixRows: matrixRows, columns: columns)
            #expect(!scalar.contains { $0.isNaN })
            for path in KernelPath.available where path != .scalar {
                let simd = try Self.product(type, path: path, count: Self.count, batchRows: Self.count,
                                            matrixRows: matrixRows, columns: columns)
                #expect(simd == scalar, "\(type.name) on \(path), \(columns) columns")
            }
        }
    }

    @Test("batch arithmetic stays within float rounding of the single-row result",
          arguments: [QuantType.q4K, .q6K, .q5K, .iq4XS])
    func closeToSingleRow(type: QuantType) throws {
        let batched = try Self.product(type, path: .scalar, count: Self.count, batchRows: Self.count, matrixRows: 8)
        let single = try Self.product(type, path: .scalar, count: Self.count, batchRows: 1, matrixRows: 7)
        for (a, b) in zip(batched, single) { #expect(abs(a - b) <= 1e-4 * max(abs(b), 1)) }
    }
}
