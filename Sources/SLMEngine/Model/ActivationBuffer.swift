import SLMKernels

/// The input of a group of matrix products: float values, converted on demand to each
/// activation format the weights need (Q8_0, Q8_K, F16, …) and reused until the values
/// change. Q, K and V read one conversion; so do gate and up.
final class ActivationBuffer {
    let capacity: Int
    /// Threads a matrix product is split over (by rows).
    let threads: Int
    private(set) var count = 0
    private let values: UnsafeMutablePointer<Float>
    private var converted: [QuantType: UnsafeMutableRawPointer] = [:]
    private var fresh: Set<QuantType> = []

    init(capacity: Int, threads: Int) {
        self.capacity = capacity
        self.threads = threads
        values = .allocate(capacity: capacity)
        values.initialize(repeating: 0, count: capacity)
        // every activation format takes at most 4 bytes per value (F32)
        for type in [QuantType.f32, .f16, .bf16, .q8_0, .q8_1, .q8K] {
            converted[type] = .allocate(byteCount: capacity * 4 + 512, alignment: 64)
        }
    }

    deinit {
        values.deallocate()
        converted.values.forEach { $0.deallocate() }
    }

    /// Takes new input values.
    func load(_ source: UnsafePointer<Float>, count: Int) {
        precondition(count <= capacity, "activation larger than its buffer")
        values.update(from: source, count: count)
        self.count = count
        fresh.removeAll(keepingCapacity: true)
    }

    /// The input converted for weights of `type`.
    func prepared(for type: QuantType) -> UnsafeRawPointer {
        let format = type.activationType ?? .f32
        let buffer = converted[format]!
        if !fresh.contains(format) {
            _ = slm_quantize_row(Int32(format.rawValue), values, buffer, Int64(count))
            fresh.insert(format)
        }
        return UnsafeRawPointer(buffer)
    }

    /// out = weights · input.
    func multiply(_ weights: WeightMatrix, into output: UnsafeMutablePointer<Float>) {
        precondition(weights.inputs == count, "\(weights.name) expects \(weights.inputs) inputs, has \(count)")
        weights.multiply(prepared(for: weights.type), into: output, threads: threads)
    }
}
