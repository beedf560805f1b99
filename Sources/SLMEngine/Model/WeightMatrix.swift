import SLMKernels

/// A weight matrix in the mapping: `outputs` rows of `inputs` values in `type`'s block
/// format. Read-only; valid while the model's file lives.
struct WeightMatrix: @unchecked Sendable {
    let name: String
    let type: QuantType
    /// Row length (GGUF dimension 0).
    let inputs: Int
    /// Number of rows (GGUF dimension 1).
    let outputs: Int
    let data: UnsafeRawPointer
    let rowBytes: Int
    /// Whether `data` is a packed copy (`PackedWeights`): rows in groups of eight, each
    /// group where its first row was, the rows after the last group as they were.
    var isPacked = false

    /// Rows in packed groups.
    var packedRows: Int { isPacked ? outputs / Int(SLM_PACKED_GROUP) * Int(SLM_PACKED_GROUP) : 0 }

    /// Row `index` dequantized into `output` (the embedding lookup).
    func dequantizeRow(_ index: Int, into output: UnsafeMutablePointer<Float>) {
        if index < packedRows {
            let group = Int(SLM_PACKED_GROUP)
            _ = slm_packed_dequantize_row(Int32(type.rawValue), Int64(inputs), data + index / group * group * rowBytes,
                                          Int64(index % group), output)
            return
        }
        let row = UnsafeRawBufferPointer(start: data + index * rowBytes, count: rowBytes)
        // the type was checked to have kernels when the model loaded
        if let values = try? QuantKernels.dequantize(type, row, count: inputs) {
            output.update(from: values, count: inputs)
        }
    }
}

/// Finds and checks tensors by name: present, of a type the kernels handle, the expected shape.
/// Matrices the active kernels read faster packed are packed into `packing` as they load.
struct TensorLoader {
    let file: GGUFFile
    var packing: PackedWeights? = nil

    func has(_ name: String) -> Bool { file.tensor(named: name) != nil }

    func matrix(_ name: String, inputs: Int, outputs: Int? = nil) throws(EngineError) -> WeightMatrix {
        guard let tensor = file.tensor(named: name) else { throw .missingTensor(name) }
        guard tensor.type.hasKernels else {
            throw .unsupportedTensorType(tensor: name, type: tensor.type.name)
        }
        let found = tensor.dimensions
        guard found.count == 2, found[0] == inputs, outputs == nil || found[1] == outputs else {
            throw .tensorShape(tensor: name, expected: [inputs, outputs ?? -1], found: found)
        }
        let matrix = WeightMatrix(
            name: name, type: tensor.type, inputs: found[0], outputs: found[1],
            data: file.data(of: tensor).baseAddress!, rowBytes: tensor.type.byteCount(elements: found[0])!)
        // the copy replaces the mapped pages as it is made, so memory holds the matrix once
        guard let packing, let packed = packing.pack(matrix, copied: { file.releasePages($0) }) else { return matrix }
        file.releasePages(of: tensor)
        return packed
    }

    func optionalMatrix(_ name: String, inputs: Int, outputs: Int? = nil) throws(EngineError) -> WeightMatrix? {
        has(name) ? try matrix(name, inputs: inputs, outputs: outputs) : nil
    }

    /// A 1-D tensor (norm weights, biases, frequency factors) as floats.
    func vector(_ name: String, count: Int) throws(EngineError) -> [Float] {
        guard let tensor = file.tensor(named: name) else { throw .missingTensor(name) }
        guard tensor.type.hasKernels else {
            throw .unsupportedTensorType(tensor: name, type: tensor.type.name)
        }
        guard tensor.elementCount == count else {
            throw .tensorShape(tensor: name, expected: [count], found: tensor.dimensions)
        }
        do {
            return try QuantKernels.dequantize(tensor.type, file.data(of: tensor), count: count)
        } catch {
            throw .unsupportedTensorType(tensor: name, type: tensor.type.name)
        }
    }

    func optionalVector(_ name: String, count: Int) throws(EngineError) -> [Float]? {
        has(name) ? try vector(name, count: count) : nil
    }
}
