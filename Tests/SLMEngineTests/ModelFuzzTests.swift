import Foundation
import SLMEngine
import SLMTestSupport
import Testing

/// Hostile values in the metadata of a small valid model. The GGUF container is fuzzed
/// elsewhere; here every file parses, and what the values say must never crash what comes
/// after the parser: the memory estimate, loading, tokenizing and a two-token generation
/// either work or throw an `EngineError`. A trap would end the test process.
@Suite("Model fuzzing")
struct ModelFuzzTests {
    /// The synthetic models of each family (Tests/Fixtures/synthetic).
    static let models = ["llama-mixed", "qwen2-mixed", "phi3-mixed", "gemma3-mixed", "lfm2-mixed", "qwen35-mixed",
                          "gemma4-mixed"]

    /// Integers at the edges: zero, one, negative, and the powers of two where sizes
    /// overflow 32 and 64 bits.
    static let integers: [Int64] = [0, 1, -1, 2, 3, 7, 1 << 31, (1 << 31) - 1, 1 << 32, 1 << 40, 1 << 62, Int64.max,
                                    Int64.min]

    /// Values of every kind: the integers as 64-bit and as the narrowest other type they
    /// fit (files store both), special floats, and values of the wrong type.
    static let values: [GGUFValue] = {
        var values: [GGUFValue] = []
        for value in integers {
            values.append(.int64(value))
            if let narrow = UInt32(exactly: value) {
                values.append(.uint32(narrow))
            } else if let narrow = Int32(exactly: value) {
                values.append(.int32(narrow))
            } else if let unsigned = UInt64(exactly: value) {
                values.append(.uint64(unsigned))
            }
        }
        values.append(.uint64(UInt64.max))
        values += [Float.nan, .infinity, -.infinity, 0, -1, .leastNonzeroMagnitude, 3e38].map { .float32($0) }
        values += [.float64(.nan), .float64(1e300), .string("x"), .string(""), .bool(true), .bool(false),
                   .array(GGUFArray(elementType: .int32, values: [.int32(1), .int32(-1)])),
                   .array(GGUFArray(elementType: .string, values: []))]
        return values
    }()

    /// Keys each family reads, present in the file or not.
    static func architectureKeys(_ architecture: String) -> [String] {
        ["context_length", "embedding_length", "block_count", "feed_forward_length", "attention.head_count",
         "attention.head_count_kv", "attention.key_length", "attention.value_length",
         "attention.layer_norm_rms_epsilon", "rope.freq_base", "rope.freq_base_swa", "rope.dimension_count",
         "attention.sliding_window", "attention.sliding_window_pattern", "final_logit_softcapping",
         "attn_logit_softcapping", "vocab_size",
         // the hybrids' layer kinds and recurrent sizes
         "shortconv.l_cache", "full_attention_interval", "attention.recurrent_layers", "ssm.conv_kernel",
         "ssm.state_size", "ssm.group_count", "ssm.time_step_rank", "ssm.inner_size",
         "rope.dimension_sections",
         // Gemma 4's per-kind head sizes, shared caches and per-layer inputs
         "attention.key_length_swa", "attention.value_length_swa", "rope.dimension_count_swa",
         "attention.shared_kv_layers", "embedding_length_per_layer_input"].map { architecture + "." + $0 }
    }

    static let tokenizerKeys = [
        "tokenizer.ggml.model", "tokenizer.ggml.pre", "tokenizer.ggml.tokens", "tokenizer.ggml.scores",
        "tokenizer.ggml.token_type", "tokenizer.ggml.merges", "tokenizer.ggml.bos_token_id",
        "tokenizer.ggml.eos_token_id", "tokenizer.ggml.unknown_token_id", "tokenizer.ggml.eot_token_id",
        "tokenizer.ggml.add_bos_token", "tokenizer.ggml.add_eos_token", "tokenizer.ggml.add_space_prefix",
        "general.architecture", "tokenizer.chat_template",
    ]

    /// Values aimed at the tokenizer: vocabularies of the wrong length or element type,
    /// other tokenizer models, strings that are not token texts.
    static func tokenizerValues(tokens: Int) -> [GGUFValue] {
        func strings(_ count: Int, _ text: (Int) -> String) -> GGUFValue {
            .array(GGUFArray(elementType: .string, values: (0..<count).map { .string(text($0)) }))
        }
        return [
            strings(0) { _ in "" }, strings(1) { _ in "a" }, strings(tokens - 1) { "t\($0)" },
            strings(tokens) { _ in "" }, strings(tokens) { _ in "<0x41>" }, strings(3) { _ in "a b" },
            .array(GGUFArray(elementType: .float32, values: (0..<tokens).map { _ in .float32(.nan) })),
            .array(GGUFArray(elementType: .int32, values: (0..<tokens).map { .int32(Int32($0 % 9) - 2) })),
            .string("gpt2"), .string("llama"), .string("bert"), .string("qwen2"), .string("llama-bpe"),
            .string("{% for m in messages %}{{ m.content }}{% endfor %}"), .string("gemma3"), .string("phi3"),
            .string("gemma4"),
        ]
    }

    enum Outcome: Equatable { case generated, rejected }

    /// What a fuzz run saw, counted on its own thread and checked in the test.
    struct Tally: Sendable {
        var variants = 0, generated = 0, rejected = 0
        var problems: [String] = []

        mutating func count(_ outcome: Outcome) {
            variants += 1
            if outcome == .generated { generated += 1 } else { rejected += 1 }
        }
    }

    @Test("every hostile metadata value loads, estimates and generates, or throws a typed error")
    func hostileValues() async throws {
        let tally = try await offPool { try Self.fuzzMetadata() }
        print("model fuzzing: \(tally.variants) variants, \(tally.generated) generated, \(tally.rejected) rejected with a typed error")
        #expect(tally.problems.isEmpty, "\(tally.problems.prefix(5))")
        #expect(tally.variants > 5000)
        // both outcomes must be common, or the values are not reaching the code after the parser
        #expect(tally.generated > tally.variants / 10)
        #expect(tally.rejected > tally.variants / 4)
    }

    static func fuzzMetadata() throws -> Tally {
        var tally = Tally()
        for name in Self.models {
            let original = try GGUFFile(path: Fixtures.url("synthetic/\(name).gguf").path)
            let base = try GGUFWriter(copying: original)
            let architecture = original["general.architecture"]?.stringValue ?? ""
            let tokenCount = original["tokenizer.ggml.tokens"]?.arrayValue?.count ?? 0
            var cases: [(String, GGUFValue)] = []
            for key in Self.architectureKeys(architecture) {
                cases += Self.values.map { (key, $0) }
            }
            for key in Self.tokenizerKeys {
                cases += (Self.values + Self.tokenizerValues(tokens: tokenCount)).map { (key, $0) }
            }
            for (key, value) in cases {
                var writer = base
                writer.set(key, value)
                tally.count(try Self.exercise(writer.serialized(), label: "\(name) \(key)=\(value)", problems: &tally.problems))
            }
            // several values at once: errors that only show in combination
            var random = SplitMix64(seed: UInt64(tally.variants))
            let keys = Self.architectureKeys(architecture) + Self.tokenizerKeys
            for _ in 0..<150 {
                var writer = base
                var label = name
                for _ in 0..<(2 + Int(random.next() % 3)) {
                    let key = keys[Int(random.next() % UInt64(keys.count))]
                    let value = Self.values[Int(random.next() % UInt64(Self.values.count))]
                    writer.set(key, value)
                    label += " \(key)=\(value)"
                }
                tally.count(try Self.exercise(writer.serialized(), label: label, problems: &tally.problems))
            }
        }
        return tally
    }

    @Test("weights of NaN, infinity or huge values generate tokens, greedy and sampled, without a trap")
    func hostileWeights() async throws {
        let tally = try await offPool { try Self.fuzzWeights() }
        print("weight fuzzing: \(tally.variants) variants")
        #expect(tally.problems.isEmpty, "\(tally.problems.prefix(5))")
        #expect(tally.variants > 100)
    }

    static func fuzzWeights() throws -> Tally {
        var tally = Tally()
        for name in Self.models {
            let original = try GGUFFile(path: Fixtures.url("synthetic/\(name).gguf").path)
            for tensor in original.tensors where tensor.type == .f32 || tensor.type == .f16 {
                for value: Float in [.nan, .infinity, -.infinity, 3e38, 0] {
                    let bytes: [UInt8]
                    if tensor.type == .f32 {
                        bytes = TinyGGUF.floatBytes(Array(repeating: value, count: tensor.elementCount))
                    } else {
                        let half = Float16(value).bitPattern
                        bytes = Array((0..<tensor.elementCount).flatMap { _ in [UInt8(half & 0xFF), UInt8(half >> 8)] })
                    }
                    let writer = try GGUFWriter(copying: original, replacing: [tensor.name: bytes])
                    let file = try GGUFFile(bytes: writer.serialized())
                    let model = try TransformerModel(file: file)
                    let tokenizer = try Tokenizer(file: file)
                    let session = try InferenceSession(model: model, contextLength: 32)
                    var sampler = Sampler(SamplingParameters(temperature: 0.8, topK: 40, topP: 0.9, minP: 0.05,
                                                             repetitionPenalty: 1.1, seed: 7))
                    var tokens = tokenizer.encode("Hi there")
                    var logits = try session.evaluate(tokens)
                    for step in 0..<2 {
                        let next = step == 0 ? Sampler.argmax(logits) : sampler.sample(logits, history: tokens)
                        if !(0..<model.hyperparameters.vocabularySize).contains(next) {
                            tally.problems.append("\(name) \(tensor.name)=\(value): token \(next)")
                        }
                        tokens.append(next)
                        logits = try session.append(next)
                    }
                    tally.count(.generated)
                }
            }
        }
        return tally
    }

    @Test("the reported cases name their key", arguments: [
        ("llama.attention.key_length", GGUFValue.uint64(1 << 62)),
        ("llama.block_count", GGUFValue.uint64(1 << 40)),
        ("llama.context_length", GGUFValue.int32(-5)),
        ("llama.attention.head_count", GGUFValue.string("8")),
        ("llama.rope.freq_base", GGUFValue.float32(.nan)),
        ("tokenizer.ggml.tokens", GGUFValue.array(GGUFArray(elementType: .string, values: []))),
    ])
    func namedErrors(key: String, value: GGUFValue) throws {
        var writer = try GGUFWriter(copying: GGUFFile(path: Fixtures.url("synthetic/llama-mixed.gguf").path))
        writer.set(key, value)
        let file = try GGUFFile(bytes: writer.serialized())
        do {
            _ = try TransformerModel(file: file)
            Issue.record("\(key) = \(value) loaded")
        } catch {
            #expect(error.description.contains(key), "\(error)")
        }
    }

    @Test("a context beyond the bound or a size past Int.max is an error, not a trap")
    func memoryNeedOverflow() throws {
        let model = try TransformerModel(file: GGUFFile(path: Fixtures.url("synthetic/llama-mixed.gguf").path))
        #expect(throws: EngineError.self) {
            try InferenceSession.memoryNeed(hyperparameters: model.hyperparameters, contextLength: 1 << 40)
        }
        #expect(throws: EngineError.self) {
            try InferenceSession.memoryNeed(hyperparameters: model.hyperparameters, contextLength: 1 << 20,
                                            threads: Int.max / 2)
        }
        #expect(throws: EngineError.self) { try InferenceSession(model: model, contextLength: Int.max) }
    }

    /// Everything a user's file meets after parsing: the summary, the memory estimate at
    /// the trained context, loading, the tokenizer and two greedy tokens.
    static func exercise(_ bytes: [UInt8], label: String, problems: inout [String]) throws -> Outcome {
        let file = try GGUFFile(bytes: bytes)
        _ = ModelSummary(file).parameterDescription
        do {
            let model = try TransformerModel(file: file)
            let hyper = model.hyperparameters
            _ = try InferenceSession.memoryNeed(hyperparameters: hyper, contextLength: hyper.trainedContextLength)
            _ = model.kvBytesPerToken()
            let tokenizer = try Tokenizer(file: file)
            var tokens = tokenizer.encode("Hi there")
            if tokens.isEmpty { tokens = [0] }
            let session = try InferenceSession(model: model, contextLength: min(64, hyper.trainedContextLength))
            guard tokens.count + 2 <= session.contextLength else {
                _ = try session.evaluate(Array(tokens.prefix(session.contextLength)))
                return .generated
            }
            var logits = try session.evaluate(tokens)
            for _ in 0..<2 {
                let next = Sampler.argmax(logits)
                _ = tokenizer.piece(next)
                logits = try session.append(next)
            }
            return .generated
        } catch {
            // every call above throws EngineError only (typed throws): the compiler checks it
            if error.description.isEmpty { problems.append("\(label): an error without words") }
            return .rejected
        }
    }
}
