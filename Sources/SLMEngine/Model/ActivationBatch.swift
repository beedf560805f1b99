import SLMKernels

/// The input rows of a group of matrix products — one row per position of a batch —
/// converted on demand to each activation format the weights need (Q8_0, Q8_K, F16, …)
/// and reused until the rows change: Q, K and V share one conversion, as do gate and up.
final class ActivationBatch {
    let capacity: Int    // rows
    let maxWidth: Int    // values per row
    /// Threads a product is split over (by weight rows).
    let threads: Int
    private(set) var count = 0
    private(set) var width = 0
    private let values: UnsafeMutablePointer<Float>  // (capacity, maxWidth)
    private var converted: [QuantType: UnsafeMutableRawPointer] = [:]
    private var fresh: Set<QuantType> = []

    /// Bytes its buffers take.
    let allocatedBytes: Int

    /// The activation formats weights can ask for.
    static let formats: [QuantType] = [.f32, .f16, .bf16, .q8_0, .q8_1, .q8K]
    /// Bytes of a converted row beyond 4 a value (F32, the widest): block headers.
    static let rowSlack = 512

    /// Room for `capacity` rows of `maxWidth` values, and for their conversion to each of
    /// the formats.
    init(capacity: Int, maxWidth: Int, threads: Int) {
        self.capacity = capacity
        self.maxWidth = maxWidth
        self.threads = threads
        values = .allocate(capacity: capacity * maxWidth)
        values.initialize(repeating: 0, count: capacity * maxWidth)
        let convertedBytes = capacity * (maxWidth * 4 + Self.rowSlack)
        for type in Self.formats {
            converted[type] = .allocate(byteCount: convertedBytes, alignment: 64)
        }
        allocatedBytes = capacity * maxWidth * 4 + Self.formats.count * convertedBytes
    }

    deinit {
        values.deallocate()
        converted.values.forEach { $0.deallocate() }
    }

    /// Takes `count` new rows of `width` values, `stride` floats apart in `source`.
    func load(_ source: UnsafePointer<Float>, count: Int, width: Int, stride: Int) {
        precondition(count <= capacity && width <= maxWidth, "activations larger than their buffer")
        for row in 0..<count {
            (values + row * width).update(from: source + row * stride, count: width)
        }
        self.count = count
        self.width = width
        fresh.removeAll(keepingCapacity: true)
    }

    /// The rows converted for weights of `type`, and the bytes between rows.
    private func prepared(for type: QuantType) -> (UnsafeRawPointer, Int) {
        let format = type.activationType ?? .f32
        let buffer = converted[format]!
        let rowBytes = format.byteCount(elements: width) ?? 0
        if !fresh.contains(format) {
            // rows are independent: each worker quantizes its own share
            let parts = count >= 8 ? min(threads, count) : 1
            let source = Pointers(values: values, buffer: buffer)
            let (rows, width) = (count, width)
            WorkerPool.run(parts) { part in
                for row in rows * part / parts..<rows * (part + 1) / parts {
                    _ = slm_quantize_row(Int32(format.rawValue), source.values + row * width, source.buffer + row * rowBytes,
                                         Int64(width))
                }
            }
            fresh.insert(format)
        }
        return (UnsafeRawPointer(buffer), rowBytes)
    }

    /// One matrix product of these rows: `weights` into `output`, `outputStride` floats
    /// between the output's rows.
    struct Product {
        let weights: WeightMatrix
        let output: UnsafeMutablePointer<Float>
        let outputStride: Int
    }

    /// output[t * outputStride + r] = weights row r · input row t, the weight rows split
    /// over the threads; each thread writes only its own columns of the output.
    /// `batchRows` is the size of the batch these rows belong to (see `slm_matmat`).
    func multiply(_ weights: WeightMatrix, into output: UnsafeMutablePointer<Float>, outputStride: Int,
                  batchRows: Int) {
        multiply([Product(weights: weights, output: output, outputStride: outputStride)], batchRows: batchRows)
    }

    /// Several products of these rows (Q, K and V; gate and up) in one parallel region, each
    /// split over the threads as `multiply` splits it alone: the same rows to the same
    /// thread, so the same numbers, with one start and one wait for all of them instead of
    /// one each. Where every product gives each thread the same weight rows, `finish` runs on
    /// each thread after its products with those rows' range (first, last) — work on the
    /// outputs it has just written, such as the FFN's gated activation — and the result is
    /// true; otherwise `finish` is not called and the result is false.
    @discardableResult
    func multiply(_ products: [Product], batchRows: Int, finish: ((_ first: Int, _ last: Int) -> Void)? = nil)
        -> Bool {
        for product in products {
            precondition(product.weights.inputs == width,
                         "\(product.weights.name) expects \(product.weights.inputs) inputs, has \(width)")
        }
        let rows = count
        let parts = products.map { SplitProduct($0, activations: prepared(for: $0.weights.type), threads: threads) }
        let lead = parts.first
        let finishes = finish != nil && lead != nil && parts.allSatisfy { product in
            product.parts == lead!.parts && (0..<product.parts).allSatisfy { product.rows(part: $0) == lead!.rows(part: $0) }
        }
        WorkerPool.run(parts.map(\.parts).max() ?? 1) { part in
            for product in parts where part < product.parts { product.run(part: part, rows: rows, batchRows: batchRows) }
            if finishes, let lead, part < lead.parts, case let range = lead.rows(part: part), !range.isEmpty {
                finish!(range.lowerBound, range.upperBound)
            }
        }
        return finishes
    }

    /// A product with its converted rows, and the share of its weight rows each part takes.
    private struct SplitProduct: @unchecked Sendable {
        let product: Product
        let activations: UnsafeRawPointer
        let activationBytes: Int
        let parts: Int

        init(_ product: Product, activations: (UnsafeRawPointer, Int), threads: Int) {
            self.product = product
            (self.activations, activationBytes) = activations
            let outputs = product.weights.outputs
            parts = outputs >= 256 ? min(threads, outputs / 64) : 1
        }

        /// The weight rows part `part` takes: a packed matrix splits between its groups.
        func rows(part: Int) -> Range<Int> {
            let weights = product.weights
            let unit = weights.isPacked ? Int(SLM_PACKED_GROUP) : 1
            let units = (weights.outputs + unit - 1) / unit
            let first = min(weights.outputs, units * part / parts * unit)
            let last = min(weights.outputs, units * (part + 1) / parts * unit)
            return first..<max(first, last)
        }

        func run(part: Int, rows: Int, batchRows: Int) {
            let weights = product.weights
            let range = self.rows(part: part)
            guard !range.isEmpty else { return }
            let (first, last) = (range.lowerBound, range.upperBound)
            let type = Int32(weights.type.rawValue)
            let output = product.output + first, stride = Int64(product.outputStride)
            if weights.isPacked {
                slm_matmat_packed(type, Int64(last - first), Int64(weights.inputs), weights.data + first * weights.rowBytes,
                                  weights.rowBytes, activations, activationBytes, Int64(rows), output, stride,
                                  Int64(batchRows), Int64(weights.outputs))
            } else {
                slm_matmat(type, Int64(last - first), Int64(weights.inputs), weights.data + first * weights.rowBytes,
                           weights.rowBytes, activations, activationBytes, Int64(rows), output, stride,
                           Int64(batchRows), Int64(weights.outputs))
            }
        }
    }

    /// The rows and their converted form, handed to workers that each convert their own rows.
    private struct Pointers: @unchecked Sendable {
        let values: UnsafeMutablePointer<Float>
        let buffer: UnsafeMutableRawPointer
    }
}
