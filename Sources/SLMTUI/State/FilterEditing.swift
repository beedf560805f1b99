/// The keys that edit a filter typed over a list (the model picker, the conversation list,
/// the tasks, drafts and notes views): characters and pastes add to it (a pasted line
/// break becomes a space), Backspace takes one off, Ctrl-U clears it.
enum FilterEditing {
    /// Applies `key` to `filter`; returns whether it was one of the filter's keys.
    static func apply(_ key: Key, to filter: inout String) -> Bool {
        switch key {
        case .character(let character): filter.append(character)
        case .paste(let text): filter += text.replacingOccurrences(of: "\n", with: " ")
        case .backspace: if !filter.isEmpty { filter.removeLast() }
        case .control("u"): filter = ""
        default: return false
        }
        return true
    }
}
