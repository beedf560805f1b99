/// The fenced code blocks of a Markdown text (```…```), their contents without the fences,
/// in order: what `/copy N` and the digit keys copy.
public enum CodeBlocks {
    public static func extract(_ text: String) -> [String] {
        var blocks: [String] = []
        var current: [Substring]?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.drop { $0 == " " }
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                if let lines = current {
                    blocks.append(lines.joined(separator: "\n"))
                    current = nil
                } else {
                    current = []
                }
            } else {
                current?.append(line)
            }
        }
        // an answer cut off inside a block still has that block
        if let lines = current, !lines.isEmpty { blocks.append(lines.joined(separator: "\n")) }
        return blocks
    }
}
