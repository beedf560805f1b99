import Foundation

/// Dialogs drawn over the main screen: help, the model picker, the conversation list,
/// approvals, confirmations, a text prompt and listings.
public enum ModalView {
    /// Draws `modal` centred; returns where the cursor goes, if anywhere.
    public static func draw(_ modal: AppState.Modal, into grid: inout CellGrid) -> (x: Int, y: Int)? {
        let width = min(grid.width - 2, 84)
        switch modal {
        case .help:
            drawHelp(into: &grid, width: min(grid.width - 2, 100))
            return nil
        case .models(let picker):
            return drawPicker(picker, into: &grid, width: width)
        case .conversations(let list):
            let visible = list.visible
            let box = frame(in: &grid, width: width, height: min(grid.height - 2, max(7, visible.count + 5)))
            grid.box(box, title: "Conversations")
            let formatter = DateFormatter()
            formatter.dateFormat = "yyyy-MM-dd HH:mm"
            grid.put("› " + list.filter, x: box.x + 2, y: box.y + 1, style: Style(.text), limit: box.maxX - 1)
            let rows = box.height - 5
            let first = max(0, min(list.selection - rows + 1, visible.count - rows))
            if visible.isEmpty {
                let empty = list.conversations.isEmpty ? "No saved conversations yet." : "No title matches."
                grid.put(empty, x: box.x + 2, y: box.y + 2, style: Style(.muted), limit: box.maxX - 1)
            }
            for (offset, conversation) in visible.dropFirst(first).prefix(rows).enumerated() {
                let selected = first + offset == list.selection
                let style = Style(selected ? .selection : .text)
                let y = box.y + 2 + offset
                grid.fill(Rect(x: box.x + 1, y: y, width: box.width - 2, height: 1), style: style)
                let date = formatter.string(from: conversation.updatedAt)
                grid.put(conversation.title, x: box.x + 2, y: y, style: style, limit: box.maxX - DisplayWidth.of(date) - 3)
                grid.put(date, x: box.maxX - DisplayWidth.of(date) - 2, y: y, style: selected ? style : Style(.muted))
            }
            grid.put("type to filter · Enter open · Ctrl-R rename · Del delete · Ctrl-N new · Esc close", x: box.x + 2, y: box.maxY - 2,
                     style: Style(.muted), limit: box.maxX - 1)
            return nil
        case .approval(let request):
            let lines = TextLayout.wrap([Span(request.arguments.text, Style(.text))], width: width - 4).prefix(6)
            let box = frame(in: &grid, width: width, height: lines.count + 6)
            grid.box(box, title: "Allow \(request.tool)?", style: Style(.warning), titleStyle: Style(.warning, .bold))
            for (index, line) in lines.enumerated() {
                TextLayout.draw(line, into: &grid, x: box.x + 2, y: box.y + 1 + index, limit: box.maxX - 1)
            }
            grid.put(request.reason, x: box.x + 2, y: box.y + 2 + lines.count, style: Style(.warning), limit: box.maxX - 1)
            grid.put("y allow · n deny", x: box.x + 2, y: box.maxY - 2, style: Style(.accent, .bold), limit: box.maxX - 1)
            return nil
        case .confirm(let confirmation):
            let lines = TextLayout.wrap([Span(confirmation.message, Style(.text))], width: width - 4).prefix(4)
            let box = frame(in: &grid, width: width, height: lines.count + 4)
            grid.box(box, title: "Confirm", style: Style(.warning))
            for (index, line) in lines.enumerated() {
                TextLayout.draw(line, into: &grid, x: box.x + 2, y: box.y + 1 + index, limit: box.maxX - 1)
            }
            grid.put("y yes · n no", x: box.x + 2, y: box.maxY - 2, style: Style(.accent, .bold), limit: box.maxX - 1)
            return nil
        case .prompt(let prompt):
            let box = frame(in: &grid, width: width, height: 5)
            grid.box(box, title: prompt.title)
            let text = prompt.editor.text
            let end = grid.put(text, x: box.x + 2, y: box.y + 1, style: Style(.input), limit: box.maxX - 1)
            grid.put("Enter save · Esc cancel", x: box.x + 2, y: box.maxY - 2, style: Style(.muted), limit: box.maxX - 1)
            return (min(end, box.maxX - 2), box.y + 1)
        case .listing(let listing):
            let box = frame(in: &grid, width: width, height: grid.height - 2)
            grid.box(box, title: listing.title)
            let lines = wrappedLines(listing, width: box.width - 4)
            let rows = max(0, box.height - 4)
            let first = min(listing.offset, max(0, lines.count - rows))
            for (index, line) in lines.dropFirst(first).prefix(rows).enumerated() {
                TextLayout.draw(line, into: &grid, x: box.x + 2, y: box.y + 1 + index, limit: box.maxX - 1)
            }
            if listing.lines.isEmpty { grid.put("Nothing yet.", x: box.x + 2, y: box.y + 1, style: Style(.muted), limit: box.maxX - 1) }
            let position = lines.count > rows ? " · \(first + 1)–\(min(lines.count, first + rows)) of \(lines.count) lines" : ""
            grid.put("↑↓ PgUp PgDn scroll · Esc close" + position, x: box.x + 2, y: box.maxY - 2, style: Style(.muted),
                     limit: box.maxX - 1)
            return nil
        case .search(let panel):
            return drawSearch(panel, into: &grid, width: width)
        case .records(let browser):
            return RecordView.draw(browser, into: &grid)
        }
    }

    /// A listing's lines wrapped to `width`, continuation lines indented.
    static func wrappedLines(_ listing: AppState.Listing, width: Int) -> [StyledLine] {
        listing.lines.flatMap { line in
            line.isEmpty ? [[]] : TextLayout.wrap([Span(TerminalText.sanitized(line), Style(.text))], width: max(1, width),
                                                  hangingIndent: 2)
        }
    }

    /// The keys and commands, the key column as wide as its widest entry, descriptions wrapped.
    private static func drawHelp(into grid: inout CellGrid, width: Int) {
        let keyWidth = min(helpLines.map { DisplayWidth.of($0.0) }.max() ?? 10, width / 2)
        let textWidth = max(10, width - keyWidth - 6)
        var rows: [(String, StyledLine)] = []
        for (keys, text) in helpLines {
            for (index, line) in TextLayout.wrap([Span(text, Style(.text))], width: textWidth).enumerated() {
                rows.append((index == 0 ? keys : "", line))
            }
        }
        let box = frame(in: &grid, width: width, height: min(grid.height, rows.count + 2))
        grid.box(box, title: "Keys and commands — Esc closes")
        for (index, row) in rows.prefix(box.height - 2).enumerated() {
            grid.put(row.0, x: box.x + 2, y: box.y + 1 + index, style: Style(.accent), limit: box.x + 2 + keyWidth)
            TextLayout.draw(row.1, into: &grid, x: box.x + 4 + keyWidth, y: box.y + 1 + index, limit: box.maxX - 1)
        }
    }

    /// The search box and its results: conversation, then the matching text with the match
    /// highlighted and newlines as ⏎.
    private static func drawSearch(_ panel: SearchPanel, into grid: inout CellGrid, width: Int) -> (x: Int, y: Int)? {
        let box = frame(in: &grid, width: width, height: grid.height - 2)
        grid.box(box, title: "Search all conversations")
        let end = grid.put("Find: " + panel.query, x: box.x + 2, y: box.y + 1, style: Style(.input), limit: box.maxX - 1)
        let rows = max(0, (box.height - 5) / 2)
        if panel.results.isEmpty {
            let text = panel.query.isEmpty ? "Type words to find; every word must match (as a prefix)."
                : panel.searched == panel.query ? "Nothing matches." : "…"
            grid.put(text, x: box.x + 2, y: box.y + 3, style: Style(.muted), limit: box.maxX - 1)
        }
        let first = max(0, min(panel.selection - rows + 1, panel.results.count - rows))
        for (offset, result) in panel.results.dropFirst(first).prefix(rows).enumerated() {
            let selected = first + offset == panel.selection
            let y = box.y + 3 + offset * 2
            let style = Style(selected ? .selection : .text)
            grid.fill(Rect(x: box.x + 1, y: y, width: box.width - 2, height: 2), style: selected ? style : Style())
            grid.put(TerminalText.sanitized(result.conversationTitle), x: box.x + 2, y: y,
                     style: selected ? Style(.selection, .bold) : Style(.text, .bold), limit: box.maxX - 1)
            TextLayout.draw(snippetLine(result.snippet, selected: selected), into: &grid, x: box.x + 4, y: y + 1, limit: box.maxX - 1)
        }
        grid.put("type to search · ↑↓ choose · Enter open at the message · Esc close", x: box.x + 2, y: box.maxY - 2,
                 style: Style(.muted), limit: box.maxX - 1)
        return (min(end, box.maxX - 2), box.y + 1)
    }

    /// A search snippet on one line: `[match]` highlighted, newlines as ⏎.
    static func snippetLine(_ snippet: String, selected: Bool) -> StyledLine {
        var line: StyledLine = []
        var inMatch = false
        for character in TerminalText.sanitized(snippet) {
            switch character {
            case "[": inMatch = true
            case "]": inMatch = false
            default:
                let style = inMatch ? Style(.accent, .bold) : Style(selected ? .selection : .muted)
                line.append((character, style))
            }
        }
        return line
    }

    private static func drawPicker(_ picker: ModelPicker, into grid: inout CellGrid, width: Int) -> (x: Int, y: Int)? {
        let visible = picker.visible
        let box = frame(in: &grid, width: width, height: min(grid.height - 2, max(8, visible.count * 2 + 6)))
        grid.box(box, title: "Models" + (picker.advice.map { " · recommended here: \($0)" } ?? ""))
        let filterEnd = grid.put("Filter: " + picker.filter, x: box.x + 2, y: box.y + 1, style: Style(.input), limit: box.maxX - 1)
        let listTop = box.y + 2
        let rows = max(0, (box.height - 5) / 2)
        let selection = min(picker.selection, max(0, visible.count - 1))
        let first = max(0, min(selection - rows + 1, visible.count - rows))
        if visible.isEmpty {
            grid.put("No model matches.", x: box.x + 2, y: listTop, style: Style(.muted), limit: box.maxX - 1)
        }
        for (offset, choice) in visible.dropFirst(first).prefix(rows).enumerated() {
            let selected = first + offset == selection
            let y = listTop + offset * 2
            let style = Style(selected ? .selection : .text)
            grid.fill(Rect(x: box.x + 1, y: y, width: box.width - 2, height: 2), style: selected ? style : Style())
            let mark = choice.isCurrent ? "● " : choice.isInstalled ? "  " : "↓ "
            var column = grid.put(mark, x: box.x + 2, y: y, style: selected ? style : Style(.accent))
            column = grid.put(choice.name, x: column, y: y, style: selected ? Style(.selection, .bold) : Style(.text, .bold),
                              limit: box.maxX - 1)
            if choice.isCurrent {
                column = grid.put("  (loaded)", x: column, y: y, style: selected ? style : Style(.success), limit: box.maxX - 1)
            }
            if choice.isRecommended { grid.put("  ★", x: column, y: y, style: selected ? style : Style(.accent), limit: box.maxX - 1) }
            let detail = choice.unusable.map { "unusable: " + $0 } ?? choice.detail
            grid.put(detail, x: box.x + 4, y: y + 1, style: selected ? style : Style(choice.unusable == nil ? .muted : .error),
                     limit: box.maxX - 1)
        }
        var footer = box.maxY - 2
        if let progress = picker.progress {
            let label = progress.label + " "
            let end = grid.put(label, x: box.x + 2, y: footer - 1, style: Style(.text), limit: box.maxX - 1)
            if let fraction = progress.fraction {
                let bar = Gauge.bar(fraction, width: max(0, box.maxX - 2 - end - 6))
                TextLayout.draw(bar.flatMap { span in span.text.map { ($0, span.style) } }, into: &grid, x: end, y: footer - 1,
                                limit: box.maxX - 7)
                grid.put(String(format: " %3.0f%%", fraction * 100), x: box.maxX - 7, y: footer - 1, style: Style(.text))
            }
        }
        if let error = picker.error {
            // the whole reason, wrapped over the rows above the footer
            let lines = TextLayout.wrap([Span(TerminalText.sanitized(error), Style(.error))], width: box.width - 4).suffix(4)
            for (index, line) in lines.enumerated() {
                let y = footer - lines.count + 1 + index
                grid.fill(Rect(x: box.x + 1, y: y, width: box.width - 2, height: 1))
                TextLayout.draw(line, into: &grid, x: box.x + 2, y: y, limit: box.maxX - 1)
            }
            footer -= lines.count
        } else {
            grid.put("type to filter · ↑↓ choose · Enter load or download · Esc close", x: box.x + 2, y: footer,
                     style: Style(.muted), limit: box.maxX - 1)
        }
        return (min(filterEnd, box.maxX - 2), box.y + 1)
    }

    /// A centred box of about the size asked, inside the grid, cleared.
    static func frame(in grid: inout CellGrid, width: Int, height: Int) -> Rect {
        let w = min(width, grid.width)
        let h = min(height, grid.height)
        let rect = Rect(x: (grid.width - w) / 2, y: (grid.height - h) / 2, width: w, height: h)
        grid.fill(rect)
        return rect
    }

    static let helpLines: [(String, String)] = [
        ("Enter", "send the message"), ("Ctrl-J, Alt-Enter", "new line in the message"),
        ("Up / Down", "earlier messages you sent (or move between lines)"),
        ("Ctrl-← / →, Alt-b / f", "a word back / forward"),
        ("Ctrl-A / Ctrl-E", "start / end of the line"), ("Ctrl-W / U / K", "delete word / to line start / to line end"),
        ("Tab", "complete a /command; shows the candidates"),
        ("Ctrl-C", "clear the input (↑ brings it back); quit when empty"),
        ("Esc", "stop the answer (keeps what was written); otherwise choose a message"),
        ("Esc, then ↑ ↓", "choose a message: ← → its branches, c copy, 1–9 copy a code block, e edit, r regenerate"),
        ("Ctrl-Y", "copy the last answer (OSC 52: works over SSH and in tmux with set-clipboard on)"),
        ("Ctrl-R", "regenerate the last answer (the old one stays as a branch)"),
        ("Ctrl-F", "search every conversation; Enter opens at the message"),
        ("PgUp / PgDn, wheel", "scroll the conversation"),
        ("F5", "show or hide the figures under answers"), ("F6", "mouse on or off (off: the terminal selects text)"),
        ("Ctrl-P", "models: load or download"), ("Ctrl-L", "conversations: type to filter, open, Ctrl-R rename, Del delete"),
        ("Ctrl-N", "new conversation"), ("Ctrl-T", "next theme"), ("F2 F3 F4", "chat, trace, resources (narrow screens)"),
        ("F1 or ?", "this help"), ("Ctrl-Q, /quit", "quit"),
        ("/model [NAME|PATH]", "pick a model, or open a GGUF file by its path"),
        ("/agent NAME", "auto, assistant, planner or writer"), ("/new /rename /delete", "the current conversation"),
        ("/regen /continue /edit", "answer again; carry on an answer cut at the token limit; rewrite your last message"),
        ("/copy [N]", "copy the last answer, or its Nth code block"), ("/search WORDS", "search every conversation"),
        ("/export [md|json]", "save the conversation (every branch) in the exports folder"),
        ("/system [TEXT|clear]", "show, set or clear this conversation's system prompt"),
        ("/set [NAME [VALUE]]", "list the sampling settings, show one, or set temp, top_p, top_k, max_tokens"),
        ("/stats /mouse /trace", "figures under answers on/off; mouse on/off; the whole tool trace"),
        ("/think on|off", "whether thinking models think first; t on a chosen answer shows its thinking"),
        ("F7 F8 F9, /tasks /drafts /notes", "work with tasks (add, edit, tick off), drafts (edit, export .eml, copy) and notes"),
        ("Ctrl-Z, /undo [N]", "revert the newest change to a task, draft or note (the agent's or yours), or change N"),
        ("/changes", "every change the agent and you made, numbered"),
        ("/server add NAME URL", "a server (Ollama, llama-server, vLLM…) whose models the picker lists as model@NAME; /server rm NAME"), ("/theme NAME, /help", "a theme by name; this help"),
    ]
}
