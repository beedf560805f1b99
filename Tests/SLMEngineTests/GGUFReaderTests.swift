import Foundation
import SLMEngine
import SLMTestSupport
import Testing

@Suite("GGUF reader")
struct GGUFReaderTests {
    @Test("every metadata type and the tensor directory survive a write and a read", arguments: [UInt32(2), 3])
    func roundTrip(version: UInt32) throws {
        let writer = TinyGGUF.writer(version: version)
        let file = try GGUFFile(bytes: writer.serialized())
        #expect(file.version == version)
        #expect(file.metadataKeys == writer.metadata.map(\.key))
        for (key, value) in writer.metadata {
            #expect(file[key] == value, "metadata \(key)")
        }
        #expect(file["test.nested"]?.arrayValue?.count == 2)
        let nested = try #require(try file["test.nested"]?.arrayValue?.values())
        #expect(try nested[1].arrayValue?.strings() == ["a", "βγ"])
        #expect(try file["tokenizer.ggml.scores"]?.arrayValue?.floats()?.last == -15)
        #expect(file.tensors.map(\.name) == writer.tensors.map(\.name))
        for tensor in writer.tensors {
            let info = try #require(file.tensor(named: tensor.name))
            #expect(info.type == tensor.type)
            #expect(info.dimensions == tensor.dimensions)
            #expect(Array(file.data(of: info)) == tensor.data)
            #expect((file.dataOffset + info.offset) % file.alignment == 0)
        }
    }

    @Test("general.alignment is honoured")
    func alignment() throws {
        let file = try GGUFFile(bytes: TinyGGUF.writer(alignment: 64).serialized())
        #expect(file.alignment == 64)
        #expect(file.dataOffset % 64 == 0)
        for tensor in file.tensors { #expect(tensor.offset % 64 == 0) }
    }

    @Test("a file on disk is mapped, not copied, and reads the same")
    func mappedFile() throws {
        let directory = try Fixtures.temporaryDirectory("gguf")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("tiny.gguf")
        try TinyGGUF.writer().write(to: url)
        let file = try GGUFFile(path: url.path)
        #expect(file.fileSize == TinyGGUF.bytes().count)
        let embedding = try #require(file.tensor(named: "token_embd.weight"))
        let values = try QuantKernels.dequantize(.f32, file.data(of: embedding), count: embedding.elementCount)
        #expect(values[255] == 255.0 / 256)
    }

    @Test("missing files and directories are typed errors")
    func cannotOpen() throws {
        #expect(throws: GGUFError.self) { try GGUFFile(path: "/nonexistent/model.gguf") }
        #expect { try GGUFFile(path: "/tmp") } throws: { error in
            (error as? GGUFError) == .notARegularFile(path: "/tmp")
        }
    }

    // MARK: - Malformed files

    @Test("bad magic names what it found")
    func badMagic() {
        var bytes = TinyGGUF.bytes()
        bytes[0] = UInt8(ascii: "X")
        expectError(bytes) { if case .badMagic = $0 { true } else { false } }
    }

    @Test("unsupported and big-endian versions")
    func versions() {
        var bytes = TinyGGUF.bytes()
        bytes.replaceSubrange(4..<8, with: [1, 0, 0, 0])
        expectError(bytes) { $0 == .unsupportedVersion(1, offset: 4) }
        bytes.replaceSubrange(4..<8, with: [0, 0, 0, 3])
        expectError(bytes) { $0 == .bigEndian(offset: 4) }
    }

    @Test("every truncation is a typed error, never a crash")
    func truncation() {
        let bytes = TinyGGUF.bytes()
        let dataStart = (try? GGUFFile(bytes: bytes).dataOffset) ?? bytes.count
        for length in 0..<bytes.count where length < dataStart + 8 || length % 7 == 0 {
            expectError(Array(bytes[0..<length])) { _ in true }
        }
    }

    @Test("a string length past the end is reported at its offset")
    func longString() {
        var bytes = TinyGGUF.bytes()
        // the first key's length field is at byte 24
        bytes.replaceSubrange(24..<32, with: [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0])
        expectError(bytes) {
            if case .truncated(_, 24, _, _) = $0 { true } else { false }
        }
    }

    @Test("huge counts are refused before anything is allocated")
    func hugeCounts() {
        var bytes = TinyGGUF.bytes()
        bytes.replaceSubrange(16..<24, with: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F])
        expectError(bytes) { $0 == .countTooLarge(what: "metadata key", count: 0x7FFF_FFFF_FFFF_FFFF, offset: 16) }
        bytes = TinyGGUF.bytes()
        bytes.replaceSubrange(8..<16, with: [0, 0, 0, 0, 0, 0, 0, 1])
        expectError(bytes) { if case .countTooLarge("tensor", _, 8) = $0 { true } else { false } }
    }

    @Test("unknown value types name their key")
    func unknownValueType() {
        var writer = GGUFWriter()
        writer.set("a.key", .uint32(5))
        var bytes = writer.serialized()
        // magic, version, counts (24) + key length (8) + "a.key" (5) -> type field at 37
        bytes.replaceSubrange(37..<41, with: [99, 0, 0, 0])
        expectError(bytes) { $0 == .invalidValueType(99, key: "a.key", offset: 37) }
    }

    @Test("duplicate keys and tensors are refused")
    func duplicates() throws {
        var writer = GGUFWriter()
        writer.set("aaaa", .uint8(1))
        writer.set("bbbb", .uint8(2))
        var bytes = writer.serialized()
        let second = try #require(find(Array("bbbb".utf8), in: bytes))
        bytes.replaceSubrange(second..<second + 4, with: Array("aaaa".utf8))
        expectError(bytes) { if case .duplicateKey("aaaa", _) = $0 { true } else { false } }

        var tensors = GGUFWriter()
        tensors.addTensor(name: "x.weight", type: .f32, dimensions: [1], data: [0, 0, 0, 0])
        tensors.addTensor(name: "y.weight", type: .f32, dimensions: [1], data: [0, 0, 0, 0])
        bytes = tensors.serialized()
        let y = try #require(find(Array("y.weight".utf8), in: bytes))
        bytes[y] = UInt8(ascii: "x")
        expectError(bytes) { if case .duplicateTensor("x.weight", _) = $0 { true } else { false } }
    }

    @Test("alignment must be a uint32 power of two")
    func badAlignment() {
        var writer = TinyGGUF.writer()
        writer.set("general.alignment", .uint32(48))
        expectError(writer.serialized()) { if case .invalidAlignment = $0 { true } else { false } }
        writer.set("general.alignment", .string("32"))
        expectError(writer.serialized()) { if case .invalidAlignment = $0 { true } else { false } }
    }

    @Test("tensor types, shapes, offsets and bounds are checked")
    func tensorRecords() throws {
        let bytes = TinyGGUF.bytes()
        // the record of blk.0.attn_q.weight: name, n_dims=2, two dims, type, offset
        let name = Array("blk.0.attn_q.weight".utf8)
        let nameStart = try #require(find(name, in: bytes))
        let typeOffset = nameStart + name.count + 4 + 16
        let dataOffsetField = typeOffset + 4

        var patched = bytes
        patched.replaceSubrange(typeOffset..<typeOffset + 4, with: [77, 0, 0, 0])
        expectError(patched) { $0 == .unknownTensorType(77, tensor: "blk.0.attn_q.weight", offset: typeOffset) }

        patched = bytes
        patched[dataOffsetField] &+= 4
        expectError(patched) { if case .misalignedTensor("blk.0.attn_q.weight", _, 32) = $0 { true } else { false } }

        patched = bytes
        patched.replaceSubrange(dataOffsetField..<dataOffsetField + 8, with: [0, 0, 0, 0, 1, 0, 0, 0])
        expectError(patched) { if case .tensorOutOfBounds("blk.0.attn_q.weight", _, _, _) = $0 { true } else { false } }

        patched = bytes
        let firstDimension = nameStart + name.count + 4
        patched.replaceSubrange(firstDimension..<firstDimension + 8, with: [33, 0, 0, 0, 0, 0, 0, 0])
        expectError(patched) { if case .invalidTensorShape(_, let reason, _) = $0 { reason.contains("block size") } else { false } }

        patched = bytes
        patched.replaceSubrange(firstDimension..<firstDimension + 16,
                                with: [0, 0, 0, 0, 0, 0, 0, 0x40, 0, 0, 0, 0, 0, 0, 0, 0x40])
        expectError(patched) { if case .invalidTensorShape(_, let reason, _) = $0 { reason.contains("overflow") } else { false } }

        patched = bytes
        patched.replaceSubrange(nameStart + name.count..<nameStart + name.count + 4, with: [5, 0, 0, 0])
        expectError(patched) { if case .invalidTensorShape(_, let reason, _) = $0 { reason.contains("dimensions") } else { false } }
    }

    @Test("arrays nested past the limit are refused")
    func deepNesting() {
        var value = GGUFValue.int8(1)
        for _ in 0..<8 { value = .array(GGUFArray(elementType: value.type, values: [value])) }
        var writer = GGUFWriter()
        writer.set("deep", value)
        expectError(writer.serialized()) { if case .nestingTooDeep("deep", _) = $0 { true } else { false } }
    }

    @Test("error messages name the problem and the byte offset")
    func messages() {
        let error = GGUFError.truncated(what: "tensor name", offset: 120, needed: 8, available: 3)
        #expect(error.description.contains("tensor name"))
        #expect(error.description.contains("byte 120"))
        #expect(error.offset == 120)
    }

    private func expectError(
        _ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation,
        _ matches: (GGUFError) -> Bool
    ) {
        do {
            _ = try GGUFFile(bytes: bytes)
            Issue.record("a malformed file was accepted", sourceLocation: sourceLocation)
        } catch {
            #expect(matches(error), "unexpected error: \(error)", sourceLocation: sourceLocation)
        }
    }

    private func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        return (0...(haystack.count - needle.count)).first { Array(haystack[$0..<$0 + needle.count]) == needle }
    }
}
