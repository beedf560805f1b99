import Foundation

/// The conversation: each message under a header with who wrote it and when, answers in
/// light markdown, interrupted and cancelled answers marked, scrolled from the end.
public enum ChatView {
    /// Columns kept free at the left of the text.
    static let margin = 1

    public static func draw(_ state: AppState, into grid: inout CellGrid, in rect: Rect) {
        guard !rect.isEmpty else { return }
        grid.fill(rect)
        let width = rect.width - margin
        guard width > 0 else { return }
        if state.entries.isEmpty {
            let welcome = [
                Span("Ask anything. ", Style(.text)), Span("@planner", Style(.accent)), Span(" keeps tasks and notes, ", Style(.muted)),
                Span("@writer", Style(.accent)), Span(" drafts emails. ", Style(.muted)), Span("F1", Style(.accent)),
                Span(" shows every key.", Style(.muted)),
            ]
            let lines = TextLayout.wrap(welcome, width: width)
            for (index, line) in lines.enumerated() where index < rect.height {
                TextLayout.draw(line, into: &grid, x: rect.x + margin, y: rect.y + index, limit: rect.maxX)
            }
            return
        }
        let lines = self.lines(state.entries, width: width, cache: state.chatLayout)
        let scroll = min(state.chatScroll, max(0, lines.count - rect.height))
        let start = max(0, lines.count - rect.height - scroll)
        for (offset, line) in lines[start..<min(lines.count, start + rect.height)].enumerated() {
            TextLayout.draw(line, into: &grid, x: rect.x + margin, y: rect.y + offset, limit: rect.maxX)
        }
        if scroll > 0 {
            let marker = " ↓ \(scroll) more "
            grid.put(marker, x: rect.maxX - DisplayWidth.of(marker), y: rect.maxY - 1, style: Style(.status))
        }
    }

    /// Every entry as wrapped lines, a blank line between entries; entries unchanged since
    /// the last frame come from `cache`.
    static func lines(_ entries: [ChatEntry], width: Int, cache: ChatLayoutCache? = nil) -> [StyledLine] {
        let wrapped = cache?.lines(entries, width: width, wrap: { entryLines($0, width: width) })
            ?? entries.map { entryLines($0, width: width) }
        var lines: [StyledLine] = []
        for entryLines in wrapped {
            if !lines.isEmpty { lines.append([]) }
            lines += entryLines
        }
        return lines
    }

    /// One entry's header and text, wrapped.
    private static func entryLines(_ entry: ChatEntry, width: Int) -> [StyledLine] {
        var lines: [StyledLine] = []
        var header: [Span]
        switch entry.speaker {
        case .user: header = [Span("you", Style(.user, .bold))]
        case .assistant(let agent): header = [Span(agent, Style(.assistant, .bold))]
        case .notice(let isError):
            let style = Style(isError ? .error : .muted)
            return TextLayout.wrap([Span(isError ? "! " : "· ", style), Span(entry.text, style)], width: width,
                                   hangingIndent: 2)
        }
        let clock = DateFormatter()
        clock.dateFormat = "HH:mm"
        header.append(Span(" · " + clock.string(from: entry.time), Style(.muted)))
        switch entry.state {
        case .streaming: header.append(Span(" ●", Style(.accent)))
        case .cancelled: header.append(Span(" · stopped", Style(.warning)))
        case .interrupted: header.append(Span(" · interrupted", Style(.warning)))
        case .failed: header.append(Span(" · failed", Style(.error)))
        case .complete: break
        }
        lines += TextLayout.wrap(header, width: width)
        switch entry.speaker {
        case .user:
            for paragraph in entry.text.split(separator: "\n", omittingEmptySubsequences: false) {
                lines += TextLayout.wrap([Span(String(paragraph), Style(.text))], width: width)
            }
        default:
            if entry.text.isEmpty {
                // say so rather than show nothing under the header
                lines += TextLayout.wrap([Span(entry.state == .streaming ? "…" : "(no answer)", Style(.muted, .italic))],
                                         width: width)
            } else {
                lines += Markdown.render(entry.text, width: width, base: Style(.text))
            }
        }
        return lines
    }

    /// How many lines the chat takes at `width` (for scrolling limits).
    public static func lineCount(_ entries: [ChatEntry], width: Int, cache: ChatLayoutCache? = nil) -> Int {
        lines(entries, width: width, cache: cache).count
    }
}
