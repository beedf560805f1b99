import SLMEngine

/// Small valid GGUF files for tests: every metadata value type, nested arrays, and
/// tensors of a few types with real data.
public enum TinyGGUF {
    /// A writer holding a tiny llama-like model description and four tensors.
    public static func writer(version: UInt32 = 3, alignment: Int = 32) -> GGUFWriter {
        var writer = GGUFWriter(version: version, alignment: alignment)
        writer.set("general.architecture", .string("llama"))
        writer.set("general.name", .string("tiny test model"))
        writer.set("llama.context_length", .uint32(256))
        writer.set("llama.embedding_length", .uint32(64))
        writer.set("llama.block_count", .uint32(2))
        writer.set("llama.attention.head_count", .uint32(4))
        writer.set("llama.attention.head_count_kv", .uint32(2))
        writer.set("llama.rope.freq_base", .float32(10_000))
        writer.set("test.uint8", .uint8(200))
        writer.set("test.int8", .int8(-100))
        writer.set("test.uint16", .uint16(60_000))
        writer.set("test.int16", .int16(-30_000))
        writer.set("test.int32", .int32(-2_000_000))
        writer.set("test.uint64", .uint64(1 << 40))
        writer.set("test.int64", .int64(-(1 << 40)))
        writer.set("test.float64", .float64(3.25))
        writer.set("test.bool", .bool(true))
        writer.set("test.nested", .array(GGUFArray(elementType: .array, values: [
            .array(GGUFArray(elementType: .int32, values: [.int32(1), .int32(2)])),
            .array(GGUFArray(elementType: .string, values: [.string("a"), .string("βγ")])),
        ])))
        writer.set("tokenizer.ggml.model", .string("llama"))
        let tokens = (0..<16).map { GGUFValue.string("tok\($0)") }
        writer.set("tokenizer.ggml.tokens", .array(GGUFArray(elementType: .string, values: tokens)))
        writer.set("tokenizer.ggml.scores", .array(GGUFArray(
            elementType: .float32, values: (0..<16).map { .float32(-Float($0)) })))
        writer.addTensor(name: "token_embd.weight", type: .f32, dimensions: [64, 4],
                         data: floatBytes((0..<256).map { Float($0) / 256 }))
        writer.addTensor(name: "blk.0.attn_q.weight", type: .q8_0, dimensions: [64, 2],
                         data: patternBytes(count: QuantType.q8_0.byteCount(elements: 128)!, seed: 1))
        writer.addTensor(name: "blk.0.ffn_up.weight", type: .q4K, dimensions: [256, 1],
                         data: patternBytes(count: QuantType.q4K.byteCount(elements: 256)!, seed: 2))
        writer.addTensor(name: "output_norm.weight", type: .f32, dimensions: [64],
                         data: floatBytes(Array(repeating: 1, count: 64)))
        return writer
    }

    /// The bytes of `writer()`.
    public static func bytes() -> [UInt8] { writer().serialized() }

    public static func floatBytes(_ values: [Float]) -> [UInt8] {
        values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
    }

    /// Deterministic bytes whose half-precision fields stay finite.
    public static func patternBytes(count: Int, seed: UInt64) -> [UInt8] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in UInt8(generator.next() % 0x3C) }
    }
}

extension GGUFWriter {
    /// A writer holding everything `file` holds (metadata in order, arrays decoded into
    /// memory, tensor bytes copied, or taken from `replacing` by tensor name), to make
    /// variants of a real file.
    public init(copying file: GGUFFile, replacing: [String: [UInt8]] = [:]) throws {
        self.init(version: file.version, alignment: file.alignment)
        for key in file.metadataKeys where key != "general.alignment" {
            guard let value = file[key] else { continue }
            if let array = value.arrayValue {
                set(key, .array(GGUFArray(elementType: array.elementType, values: try array.values())))
            } else {
                set(key, value)
            }
        }
        for tensor in file.tensors {
            addTensor(name: tensor.name, type: tensor.type, dimensions: tensor.dimensions,
                      data: replacing[tensor.name] ?? Array(file.data(of: tensor)))
        }
    }
}
