import Foundation
import SLMEngine
import SLMTestSupport
import Testing

/// Mutated and truncated variants of a small valid GGUF: each one must load or throw a
/// `GGUFError`. A crash or a read outside the mapping would end the test process.
@Suite("GGUF fuzzing")
struct GGUFFuzzTests {
    static let variantCount = 20_000

    @Test("20,000 mutated files load or throw a typed error, with zero crashes")
    func mutatedFiles() async throws {
        let (loaded, rejected, untyped) = try await offPool { () -> (Int, Int, [String]) in
            let original = TinyGGUF.bytes()
            var generator = SplitMix64(seed: 0x5EED)
            var loaded = 0, rejected = 0
            var untyped: [String] = []
            for _ in 0..<Self.variantCount {
                let variant = Self.mutate(original, using: &generator)
                switch Self.exercise(variant) {
                case .loaded: loaded += 1
                case .rejected: rejected += 1
                case .unexpected(let error): untyped.append(error)
                }
            }
            return (loaded, rejected, untyped)
        }
        #expect(untyped.isEmpty, "untyped errors: \(untyped.prefix(5))")
        #expect(loaded + rejected == Self.variantCount)
        // both outcomes must be common, or the mutations are not exploring anything
        #expect(loaded > Self.variantCount / 20)
        #expect(rejected > Self.variantCount / 4)
    }

    @Test("mutated files read through mmap behave the same")
    func mutatedFilesOnDisk() throws {
        let directory = try Fixtures.temporaryDirectory("fuzz")
        defer { try? FileManager.default.removeItem(at: directory) }
        let original = TinyGGUF.bytes()
        var generator = SplitMix64(seed: 0xD15C)
        for index in 0..<200 {
            let variant = Self.mutate(original, using: &generator)
            let url = directory.appendingPathComponent("v\(index).gguf")
            try Data(variant).write(to: url)
            let fromMemory = Self.exercise(variant)
            let fromDisk: Outcome
            do {
                let file = try GGUFFile(path: url.path)
                try Self.touchEverything(file)
                fromDisk = .loaded
            } catch is GGUFError {
                fromDisk = .rejected
            } catch {
                fromDisk = .unexpected(String(describing: error))
            }
            #expect(fromDisk == fromMemory, "variant \(index)")
        }
    }

    enum Outcome: Equatable { case loaded, rejected, unexpected(String) }

    static func exercise(_ bytes: [UInt8]) -> Outcome {
        do {
            let file = try GGUFFile(bytes: bytes)
            try touchEverything(file)
            return .loaded
        } catch is GGUFError {
            return .rejected
        } catch {
            return .unexpected(String(describing: error))
        }
    }

    /// Decodes every array and dequantizes every tensor the kernels handle, so a
    /// validation gap would turn into an out-of-bounds read here.
    static func touchEverything(_ file: GGUFFile) throws {
        for key in file.metadataKeys {
            if let array = file[key]?.arrayValue { _ = try decodeDeep(array) }
        }
        for tensor in file.tensors where tensor.type.hasKernels {
            _ = try QuantKernels.dequantize(tensor.type, file.data(of: tensor), count: tensor.elementCount)
        }
    }

    private static func decodeDeep(_ array: GGUFArray) throws -> Int {
        try array.values().reduce(0) { count, value in
            count + 1 + (try value.arrayValue.map(decodeDeep) ?? 0)
        }
    }

    static func mutate(_ original: [UInt8], using generator: inout SplitMix64) -> [UInt8] {
        var bytes = original
        // most structure lives in the first few hundred bytes; aim there more often
        func position() -> Int {
            let limit = generator.next() % 3 == 0 ? bytes.count : min(bytes.count, 700)
            return Int(generator.next() % UInt64(max(limit, 1)))
        }
        switch generator.next() % 6 {
        case 0:
            for _ in 0..<(1 + generator.next() % 8) where !bytes.isEmpty {
                bytes[position()] ^= UInt8(1 << (generator.next() % 8))
            }
        case 1:
            bytes = Array(bytes[0..<Int(generator.next() % UInt64(bytes.count))])
        case 2:
            let extremes: [[UInt8]] = [
                Array(repeating: 0xFF, count: 8), [0, 0, 0, 0, 0, 0, 0, 0x80],
                [0xFF, 0xFF, 0xFF, 0x7F, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0], [0x10, 0, 0, 0, 0, 0, 0, 0],
            ]
            let at = position()
            let value = extremes[Int(generator.next() % UInt64(extremes.count))]
            for (offset, byte) in value.enumerated() where at + offset < bytes.count { bytes[at + offset] = byte }
        case 3:
            bytes[position()] = UInt8(truncatingIfNeeded: generator.next())
        case 4:
            let at = position()
            let count = Int(generator.next() % 16)
            bytes.insert(contentsOf: (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }, at: at)
        default:
            let at = position()
            bytes.removeSubrange(at..<min(bytes.count, at + 1 + Int(generator.next() % 16)))
        }
        return bytes
    }
}
