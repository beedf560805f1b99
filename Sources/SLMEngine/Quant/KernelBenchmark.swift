/// Measures how fast the active kernel path streams weights: one matrix × vector product
/// of `rows × columns` (or, with `batch` above 1, one matrix × `batch` activation rows, as
/// a prompt runs) repeated for at least `minimumDuration`. Figures only; nothing asserts
/// them.
public struct KernelBenchmark: Sendable {
    public struct Result: Sendable {
        public let type: QuantType
        public let path: KernelPath
        public let weightBytes: Int
        public let seconds: Double
        public let repetitions: Int
        /// Activation rows per product.
        public let batch: Int
        /// Multiply-adds per product.
        public let multiplyAdds: Int
        /// Billions of multiply-adds per second.
        public var gigaMultiplyAddsPerSecond: Double { Double(multiplyAdds * repetitions) / seconds / 1e9 }
        /// Gigabytes (10^9 bytes) of weights read per second.
        public var gigabytesPerSecond: Double { Double(weightBytes * repetitions) / seconds / 1e9 }
    }

    public let rows: Int
    public let columns: Int
    public let minimumDuration: Duration
    /// Activation rows per product: 1 is a generated token, more a prompt batch.
    public let batch: Int

    public init(rows: Int = 4096, columns: Int = 4096, batch: Int = 1, minimumDuration: Duration = .milliseconds(500)) {
        self.rows = rows
        self.columns = columns
        self.batch = max(1, batch)
        self.minimumDuration = minimumDuration
    }

    /// Times one weight type on the active path.
    public func measure(_ type: QuantType) throws(QuantError) -> Result {
        guard let activationType = type.activationType else { throw .noKernels(type) }
        guard let weightBytes = type.byteCount(elements: rows * columns) else {
            throw .notWholeBlocks(type, elements: columns)
        }
        let weights = Self.plausibleBytes(count: weightBytes, type: type)
        var generator = SplitMix64(seed: 7)
        var activations: [UInt8] = []
        for _ in 0..<batch {
            let input = (0..<columns).map { _ in Float(generator.nextUnit() * 2 - 1) }
            activations += try QuantKernels.quantize(input, to: activationType)
        }
        let activationBytes = activations.count / batch
        var output = [Float](repeating: 0, count: rows * batch)
        let clock = ContinuousClock()
        var repetitions = 0
        let start = clock.now
        repeat {
            weights.withUnsafeBytes { w in
                activations.withUnsafeBytes { a in
                    output.withUnsafeMutableBufferPointer { out in
                        if batch == 1 {
                            QuantKernels.matrixVector(
                                type, rows: rows, columns: columns, weights: w.baseAddress!,
                                activations: a.baseAddress!, into: out.baseAddress!)
                        } else {
                            QuantKernels.matrixMatrix(
                                type, rows: rows, columns: columns, weights: w.baseAddress!, activations: a.baseAddress!,
                                activationBytes: activationBytes, count: batch, into: out.baseAddress!)
                        }
                    }
                }
            }
            repetitions += 1
        } while clock.now - start < minimumDuration
        let elapsed = clock.now - start
        let seconds = elapsed / .seconds(1)
        return Result(type: type, path: .active, weightBytes: weightBytes, seconds: seconds, repetitions: repetitions,
                      batch: batch, multiplyAdds: rows * columns * batch)
    }

    /// Weight bytes whose every half-precision field is a modest normal number, so float
    /// work runs at its ordinary speed (no NaN or denormal slow paths).
    static func plausibleBytes(count: Int, type: QuantType) -> [UInt8] {
        var generator = SplitMix64(seed: UInt64(type.rawValue) + 1)
        if type == .f32 {
            return (0..<count / 4).flatMap { _ -> [UInt8] in
                let value = Float(generator.nextUnit() - 0.5)
                return withUnsafeBytes(of: value.bitPattern.littleEndian, Array.init)
            }
        }
        return (0..<count).map { _ in UInt8(0x20 + generator.next() % 0x1B) }
    }
}

/// A small deterministic random generator for benchmarks and test data.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform value in [0, 1).
    public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1p-53 }
}
