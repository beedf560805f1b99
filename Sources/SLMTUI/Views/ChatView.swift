import Foundation
import SLMAgent

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
        let lines = self.lines(keys(state), width: width, cache: state.chatLayout)
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

    /// What each entry's lines depend on in this state.
    static func keys(_ state: AppState) -> [ChatLayoutCache.Key] {
        state.entries.enumerated().map { index, entry in
            ChatLayoutCache.Key(entry: entry, selected: state.focus == .messages && index == state.selectedEntry,
                                showFigures: state.showFigures)
        }
    }

    /// Every entry as wrapped lines, a blank line between entries; entries unchanged since
    /// the last frame come from `cache`.
    static func lines(_ keys: [ChatLayoutCache.Key], width: Int, cache: ChatLayoutCache? = nil) -> [StyledLine] {
        entryLines(keys, width: width, cache: cache).flatMap { $0 }
    }

    /// Each entry's lines, the blank line before it included.
    static func entryLines(_ keys: [ChatLayoutCache.Key], width: Int, cache: ChatLayoutCache?) -> [[StyledLine]] {
        let wrapped = cache?.lines(keys, width: width, wrap: { entryLines($0, width: width) })
            ?? keys.map { entryLines($0, width: width) }
        return wrapped.enumerated().map { index, lines in index == 0 ? lines : [[]] + lines }
    }

    /// The lines entry `index` takes, counted from the top of the chat.
    static func lineRange(of index: Int, in state: AppState, width: Int) -> Range<Int> {
        let all = entryLines(keys(state), width: width, cache: state.chatLayout)
        guard index < all.count else { return 0..<0 }
        let start = all[..<index].reduce(0) { $0 + $1.count }
        return start..<(start + all[index].count)
    }

    /// One entry's header, text and (for answers) its quiet line of figures, wrapped.
    private static func entryLines(_ key: ChatLayoutCache.Key, width: Int) -> [StyledLine] {
        let entry = key.entry
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
        if key.selected { header.insert(Span("▶ ", Style(.accent, .bold)), at: 0) }
        let clock = DateFormatter()
        clock.dateFormat = "HH:mm"
        header.append(Span(" · " + clock.string(from: entry.time), Style(.muted)))
        if let branch = entry.branch {
            header.append(Span(" ‹\(branch.index + 1)/\(branch.count)›", Style(key.selected ? .accent : .muted)))
        }
        switch entry.state {
        case .streaming: header.append(Span(" ●", Style(.accent)))
        case .cancelled: header.append(Span(" · stopped", Style(.warning)))
        case .interrupted: header.append(Span(" · interrupted", Style(.warning)))
        case .failed: header.append(Span(" · failed", Style(.error)))
        case .complete: break
        }
        if key.selected {
            header.append(Span(entry.isAnswer ? "   c copy · ←→ branch · r regenerate · Esc back" : "   e edit · c copy · ←→ branch · Esc back",
                               Style(.muted)))
        }
        lines += TextLayout.wrap(header, width: width)
        if !entry.thinking.isEmpty { lines += thinkingLines(entry, selected: key.selected, width: width) }
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
            if let figures = entry.figures, entry.state != .streaming {
                if figures.hitTokenLimit {
                    // said even with the figures hidden: the answer is not finished
                    lines += TextLayout.wrap([Span("stopped at \(figures.generatedTokens ?? 0) tokens — /continue carries on",
                                                   Style(.warning))], width: width)
                }
                if key.showFigures, let line = figuresLine(figures) {
                    lines += TextLayout.wrap([Span(line, Style(.muted))], width: width)
                }
            }
        }
        return lines
    }

    /// A thinking model's reasoning: one quiet line ("thought for 3.2 s"), or the whole
    /// text when opened (t on the chosen message).
    private static func thinkingLines(_ entry: ChatEntry, selected: Bool, width: Int) -> [StyledLine] {
        let seconds = entry.thinkingSeconds.map { String(format: " %.1f s", $0) } ?? ""
        let still = entry.state == .streaming && entry.text.isEmpty
        let label = (entry.showsThinking ? "▾ " : "▸ ") + (still ? "thinking…" : "thought for") + seconds
            + (selected && !entry.showsThinking ? "  (t shows it)" : "")
        var lines = TextLayout.wrap([Span(label, Style(.muted, .italic))], width: width)
        if entry.showsThinking {
            for paragraph in entry.thinking.trimmingCharacters(in: .whitespacesAndNewlines)
                .split(separator: "\n", omittingEmptySubsequences: false) {
                lines += TextLayout.wrap([Span("│ " + paragraph, Style(.muted))], width: width, hangingIndent: 2)
            }
        }
        return lines
    }

    /// `212 tokens · 31.4 t/s · TTFT 180 ms · end of answer`
    static func figuresLine(_ figures: AnswerFigures) -> String? {
        var parts: [String] = []
        if let tokens = figures.generatedTokens { parts.append("\(tokens) tokens") }
        if let rate = figures.decodeTokensPerSecond, rate > 0 { parts.append(String(format: "%.1f t/s", rate)) }
        if let ttft = figures.timeToFirstTokenMilliseconds, ttft > 0 { parts.append(String(format: "TTFT %.0f ms", ttft)) }
        if let reason = figures.stopReason { parts.append(stopReasonWords[reason] ?? reason) }
        return parts.isEmpty ? nil : parts.joined(separator: " · ")
    }

    static let stopReasonWords = [
        "eog": "end of answer", "max_tokens": "token limit", "stop": "stop string", "cancelled": "stopped",
        "grammar": "tool call",
    ]

    /// How many lines the chat takes at `width` (for scrolling limits).
    public static func lineCount(_ state: AppState, width: Int) -> Int {
        lines(keys(state), width: width, cache: state.chatLayout).count
    }
}
