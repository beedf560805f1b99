import SLMAgent
import Testing

@Suite("SHA-256")
struct SHA256Tests {
    @Test("FIPS 180-4 test vectors, fed whole and in odd pieces", arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func vectors(message: String, digest: String) {
        var whole = SHA256()
        whole.update(Array(message.utf8))
        #expect(whole.finalizeHex() == digest)
        var pieces = SHA256()
        let bytes = Array(message.utf8)
        var index = 0, size = 1
        while index < bytes.count {
            let end = min(bytes.count, index + size)
            pieces.update(Array(bytes[index..<end]))
            index = end
            size += 3
        }
        #expect(pieces.finalizeHex() == digest)
    }

    @Test("a million a's")
    func million() {
        var hasher = SHA256()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { hasher.update(chunk) }
        #expect(hasher.finalizeHex() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }
}
