/// Text that remembers which parts came from the conversation (message contents, tool
/// results) rather than from the template: those parts are tokenized as plain text, so a
/// user can never write a special token into a prompt.
struct JinjaString: Sendable, Equatable {
    struct Part: Sendable, Equatable {
        var text: String
        var isInput: Bool
    }

    private(set) var parts: [Part]

    init(_ text: String, isInput: Bool = false) {
        parts = text.isEmpty ? [] : [Part(text: text, isInput: isInput)]
    }

    init(parts: [Part]) {
        self.parts = []
        for part in parts { append(part) }
    }

    var text: String { parts.map(\.text).joined() }
    var byteCount: Int { parts.reduce(0) { $0 + $1.text.utf8.count } }
    var isEmpty: Bool { parts.allSatisfy { $0.text.isEmpty } }
    /// Every part came from the conversation.
    var isInput: Bool { !parts.isEmpty && parts.allSatisfy(\.isInput) }

    mutating func append(_ part: Part) {
        guard !part.text.isEmpty else { return }
        if let last = parts.last, last.isInput == part.isInput {
            parts[parts.count - 1].text += part.text
        } else {
            parts.append(part)
        }
    }

    static func + (left: JinjaString, right: JinjaString) -> JinjaString {
        var result = left
        for part in right.parts { result.append(part) }
        return result
    }

    /// A transformation of the whole text: the result is input only if all of it was.
    func mapped(_ transform: (String) -> String) -> JinjaString {
        JinjaString(transform(text), isInput: isInput)
    }
}
