import Foundation
@testable import SLMEngine
import SLMTestSupport
import Testing

/// Sliding-window layers with heads of their own sizes (a family that reads
/// `attention.key_length_swa` and friends): the cache gives each layer rows of its own
/// width, the memory need adds them up, and families that do not read the keys ignore them.
@Suite("Per-layer attention geometry")
struct AttentionGeometryTests {
    /// Gemma 3's layout, read by a family that takes the sliding-window head sizes.
    static let reading = Architecture(
        name: "gemma3", ropeStyle: .neox, activation: .geluTanh, hasQKNorm: true, hasPostNorms: true,
        scalesEmbedding: true, defaultSlidingWindowPattern: 6, defaultSlidingWindowRopeBase: 10_000,
        scalesQueryFirst: true, readsSlidingWindowHeadSizes: true)

    /// The gemma3 fixture (layers 0 and 2 sliding, heads of 32, one KV head) with sliding
    /// heads of 16 and 8 rotated dimensions.
    static func file() throws -> GGUFFile {
        let fixture = try GGUFFile(path: Fixtures.url("synthetic/gemma3-mixed.gguf").path)
        var writer = GGUFWriter()
        for key in fixture.metadataKeys { writer.set(key, fixture[key]!) }
        writer.set("gemma3.attention.key_length_swa", .uint32(16))
        writer.set("gemma3.attention.value_length_swa", .uint32(16))
        writer.set("gemma3.rope.dimension_count_swa", .uint32(8))
        return try GGUFFile(bytes: writer.serialized())
    }

    @Test("sliding layers take their own head sizes; a family that does not read them keeps the global ones")
    func geometry() throws {
        let file = try Self.file()
        let h = try Hyperparameters(file: file, architecture: Self.reading)
        #expect(h.slidingWindowLayers == [true, false, true, false])
        #expect(h.geometry(layer: 0) == AttentionGeometry(keyLength: 16, valueLength: 16, ropeDimensions: 8, keyValueHeads: 1))
        #expect(h.geometry(layer: 1) == AttentionGeometry(keyLength: 32, valueLength: 32, ropeDimensions: 32, keyValueHeads: 1))
        let plain = try Hyperparameters(file: file, architecture: .gemma3)
        #expect(plain.geometry(layer: 0) == plain.geometry(layer: 1))
        var odd = GGUFWriter()
        for key in file.metadataKeys { odd.set(key, file[key]!) }
        odd.set("gemma3.rope.dimension_count_swa", .uint32(7))
        #expect(throws: EngineError.self) {
            try Hyperparameters(file: try GGUFFile(bytes: odd.serialized()), architecture: Self.reading)
        }
    }

    @Test("the cache gives each layer rows of its own width, each head's positions together; the memory need adds them up")
    func cacheRows() throws {
        let h = try Hyperparameters(file: try Self.file(), architecture: Self.reading)
        let cache = KVCache(hyper: h, contextLength: 8, type: .f32)
        #expect(cache.keyRowLengths == [16, 32, 16, 32])
        #expect(cache.valueRowBytes == [64, 128, 64, 128])
        // element i of a row: layer, position, head and index within the head, all recoverable
        func element(_ layer: Int, _ position: Int, _ i: Int) -> Float { Float(layer * 10_000 + position * 100 + i) }
        for layer in 0..<4 {
            for position in 0..<8 {
                let key = (0..<cache.keyRowLengths[layer]).map { element(layer, position, $0) }
                let value = (0..<cache.valueRowLengths[layer]).map { -element(layer, position, $0) }
                cache.store(layer: layer, position: position, key: key, value: value)
            }
        }
        // head-major: each head's positions together, its rows a head's length apart
        for layer in 0..<4 {
            let length = cache.keyHeadLengths[layer]
            #expect(cache.keyValueHeads[layer] * length == cache.keyRowLengths[layer])
            for head in 0..<cache.keyValueHeads[layer] {
                let keys = cache.keys(layer: layer, head: head).assumingMemoryBound(to: Float.self)
                let values = cache.values(layer: layer, head: head).assumingMemoryBound(to: Float.self)
                for position in 0..<8 {
                    #expect((0..<length).allSatisfy { keys[position * length + $0] == element(layer, position, head * length + $0) })
                    #expect((0..<length).allSatisfy { values[position * length + $0] == -element(layer, position, head * length + $0) })
                }
            }
        }
        let need = try InferenceSession.memoryNeed(hyperparameters: h, contextLength: 100, cacheType: .f16)
        #expect(need.kvCacheBytes == 100 * 2 * (16 + 32 + 16 + 32) * 2)
    }

    @Test("Gemma 4's file: the sliding and global layers' head sizes and key/value heads, the shared caches' sources; per-layer inputs no real model comes near are refused naming the key")
    func gemma4() throws {
        let fixture = try GGUFFile(path: Fixtures.url("synthetic/gemma4-mixed.gguf").path)
        let h = try Hyperparameters(file: fixture, architecture: .gemma4)
        #expect(h.geometry(layer: 0) == AttentionGeometry(keyLength: 16, valueLength: 16, ropeDimensions: 16, keyValueHeads: 2))
        #expect(h.geometry(layer: 4) == AttentionGeometry(keyLength: 32, valueLength: 32, ropeDimensions: 32, keyValueHeads: 1))
        #expect(h.keyValueSources == [0, 1, 2, 3, 4, 3, 4])
        #expect(h.feedForwardLengths == [128, 128, 128, 128, 128, 256, 256])
        #expect(h.perLayerInputLength == 32 && h.attentionScale == 1)
        var writer = GGUFWriter()
        for key in fixture.metadataKeys { writer.set(key, fixture[key]!) }
        writer.set("gemma4.embedding_length_per_layer_input", .uint32(65_536))
        #expect(throws: EngineError.invalidMetadata(
            key: "gemma4.embedding_length_per_layer_input",
            reason: "7 layers of 65536 are 458752 values a token (at most 262144)")) {
            try Hyperparameters(file: try GGUFFile(bytes: writer.serialized()), architecture: .gemma4)
        }
        // every layer shares a cache of its own kind, and no earlier global layer keeps one
        writer.set("gemma4.embedding_length_per_layer_input", .uint32(32))
        writer.set("gemma4.attention.shared_kv_layers", .uint32(3))
        #expect(throws: EngineError.self) {
            try Hyperparameters(file: try GGUFFile(bytes: writer.serialized()), architecture: .gemma4)
        }
    }
}
