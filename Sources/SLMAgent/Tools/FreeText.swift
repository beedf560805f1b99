/// Checks on the free text a model writes into tool arguments (titles, notes, subjects):
/// a small model at low temperature may write a tool's own name as the title, or loop on a
/// phrase until the length limit.
enum FreeText {
    /// Why `text` is not a title a person would give, or nil when it is: a tool's name
    /// (`task_add`, `dry-cleaning task add`), four words in a row of a tool's description,
    /// or only words of the tools' names and descriptions.
    static func titleProblem(_ text: String, tools: [any Tool]) -> String? {
        let words = Router.words(text.replacingOccurrences(of: "_", with: " ")).map(singular)
        guard !words.isEmpty else { return "it is empty" }
        for tool in tools {
            let name = Router.words(tool.name.replacingOccurrences(of: "_", with: " ")).map(singular)
            if words.count >= name.count,
                (0...(words.count - name.count)).contains(where: { Array(words[$0..<$0 + name.count]) == name }) {
                return "“\(text)” is the tool's name, not what the user wants"
            }
        }
        for tool in tools {
            let description = Router.words(tool.description).map(singular)
            guard description.count >= 4, words.count >= 4 else { continue }
            let phrases = Set((0...(description.count - 4)).map { description[$0..<$0 + 4].joined(separator: " ") })
            if (0...(words.count - 4)).contains(where: { phrases.contains(words[$0..<$0 + 4].joined(separator: " ")) }) {
                return "“\(text)” repeats the tool's description, not what the user wants"
            }
        }
        let vocabulary = Set(tools.flatMap { tool in
            Router.words((tool.name + " " + tool.description).replacingOccurrences(of: "_", with: " ")).map(singular)
        }).union(["a", "an", "the", "new", "my", "to", "user", "user's"])
        if words.allSatisfy(vocabulary.contains) {
            return "“\(text)” repeats the tool's description, not what the user wants"
        }
        return nil
    }

    /// `text` cut where it starts repeating itself: a run of words said again right after
    /// itself, twice or more ("in 3 days in 3 days in 3 days"), is kept once.
    static func withoutRepetition(_ text: String) -> String {
        let words = text.split(separator: " ", omittingEmptySubsequences: true)
        guard words.count >= 4 else { return text }
        for start in 0..<words.count {
            for length in 1...max(1, (words.count - start) / 3) where start + 3 * length <= words.count {
                let first = words[start..<start + length]
                let repeats = first.elementsEqual(words[start + length..<start + 2 * length])
                    && first.elementsEqual(words[start + 2 * length..<start + 3 * length])
                if repeats { return words[..<(start + length)].joined(separator: " ") }
            }
        }
        return text
    }

    private static func singular(_ word: String) -> String {
        word.count > 3 && word.hasSuffix("s") && !word.hasSuffix("ss") ? String(word.dropLast()) : word
    }
}
