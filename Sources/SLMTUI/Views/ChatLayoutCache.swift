import SLMSync

/// Each chat entry's wrapped lines at the width they were wrapped for, kept between
/// frames: a frame re-wraps only entries that changed (the streaming answer), so a long
/// message on screen costs nothing while the app is idle. An entry is recognised by
/// value; comparing an unchanged text is a pointer check.
public final class ChatLayoutCache: Sendable {
    /// What an entry's lines depend on.
    public struct Key: Sendable, Equatable {
        public var entry: ChatEntry
        public var selected = false
        public var showFigures = true

        public init(entry: ChatEntry, selected: Bool = false, showFigures: Bool = true) {
            self.entry = entry
            self.selected = selected
            self.showFigures = showFigures
        }
    }

    private struct Layout {
        let entry: Key
        let width: Int
        let lines: [StyledLine]
    }

    private let layouts = Locked<[Layout]>([])

    public init() {}

    /// The lines of `entries` at `width`, from the cache where an entry is unchanged.
    public func lines(_ entries: [Key], width: Int, wrap: (Key) -> [StyledLine]) -> [[StyledLine]] {
        layouts.withLock { layouts in
            var result: [[StyledLine]] = []
            result.reserveCapacity(entries.count)
            for (index, entry) in entries.enumerated() {
                if index < layouts.count, layouts[index].width == width, layouts[index].entry == entry {
                    result.append(layouts[index].lines)
                    continue
                }
                let lines = wrap(entry)
                let layout = Layout(entry: entry, width: width, lines: lines)
                if index < layouts.count { layouts[index] = layout } else { layouts.append(layout) }
                result.append(lines)
            }
            if layouts.count > entries.count { layouts.removeSubrange(entries.count...) }
            return result
        }
    }
}
