/// Draws the tasks, drafts or notes view: the filtered list with due and overdue marks, a
/// preview of the chosen record, and the form when one is open.
enum RecordView {
    static func draw(_ browser: RecordBrowser, into grid: inout CellGrid) -> (x: Int, y: Int)? {
        let width = min(grid.width - 2, 96)
        if let form = browser.form { return drawForm(form, kind: browser.kind, into: &grid, width: width) }
        let box = ModalView.frame(in: &grid, width: width, height: grid.height - 2)
        grid.box(box, title: browser.title)
        let filterEnd = grid.put("› " + browser.filter, x: box.x + 2, y: box.y + 1, style: Style(.input), limit: box.maxX - 1)
        if browser.filter.isEmpty {
            grid.put("type to filter", x: filterEnd + 1, y: box.y + 1, style: Style(.muted), limit: box.maxX - 1)
        }
        let rows = browser.rows
        let previewHeight = browser.kind == .tasks ? 2 : 4
        let listHeight = max(1, box.height - 5 - previewHeight)
        let selection = min(browser.selection, max(0, rows.count - 1))
        let first = max(0, min(selection - listHeight + 1, rows.count - listHeight))
        if rows.isEmpty {
            let empty = browser.filter.isEmpty ? "Nothing here yet — Ctrl-N adds one." : "Nothing matches the filter."
            grid.put(empty, x: box.x + 2, y: box.y + 2, style: Style(.muted), limit: box.maxX - 1)
        }
        for (offset, row) in rows.dropFirst(first).prefix(listHeight).enumerated() {
            let selected = first + offset == selection
            let y = box.y + 2 + offset
            let role: Role = selected ? .selection : row.isOverdue ? .error : row.isDue ? .warning : row.isDone ? .muted : .text
            grid.fill(Rect(x: box.x + 1, y: y, width: box.width - 2, height: 1), style: Style(selected ? .selection : .text))
            let detail = TerminalText.sanitized(row.detail) + (row.isOverdue ? " · overdue" : row.isDue ? " · due" : "")
            let detailWidth = min(DisplayWidth.of(detail), box.width / 2)
            let idText = String(row.id).padding(toLength: 4, withPad: " ", startingAt: 0)
            let column = grid.put(idText, x: box.x + 2, y: y, style: Style(selected ? .selection : .muted))
            grid.put(TerminalText.sanitized(row.text), x: column, y: y, style: Style(role), limit: box.maxX - detailWidth - 3)
            grid.put(detail, x: box.maxX - detailWidth - 2, y: y, style: Style(selected ? .selection : role == .text ? .muted : role),
                     limit: box.maxX - 1)
        }
        let previewTop = box.maxY - 3 - previewHeight
        grid.put(String(repeating: "─", count: max(0, box.width - 2)), x: box.x + 1, y: previewTop, style: Style(.border))
        let preview = previewText(browser)
        let lines = TextLayout.wrap([Span(TerminalText.sanitized(preview), Style(.muted))], width: max(1, box.width - 4))
        for (index, line) in lines.prefix(previewHeight).enumerated() {
            TextLayout.draw(line, into: &grid, x: box.x + 2, y: previewTop + 1 + index, limit: box.maxX - 1)
        }
        if let id = browser.confirmingDelete {
            grid.fill(Rect(x: box.x + 1, y: box.maxY - 2, width: box.width - 2, height: 1))
            grid.put("Delete \(browser.kind == .tasks ? "task" : browser.kind == .drafts ? "draft" : "note") \(id)"
                     + (rows.first { $0.id == id }.map { " “\(TerminalText.sanitized($0.label))”" } ?? "")
                     + "?  y yes · n no  (Ctrl-Z undoes it)",
                     x: box.x + 2, y: box.maxY - 2, style: Style(.warning, .bold), limit: box.maxX - 1)
        } else {
            grid.put(browser.keys, x: box.x + 2, y: box.maxY - 2, style: Style(.muted), limit: box.maxX - 1)
        }
        return (min(filterEnd, box.maxX - 2), box.y + 1)
    }

    /// More of the chosen record than its line shows: a task's notes, a draft's body, a whole note.
    private static func previewText(_ browser: RecordBrowser) -> String {
        guard let id = browser.selectedID else { return "" }
        switch browser.kind {
        case .tasks: return browser.tasks.first { $0.id == id }?.notes.map { "Notes: " + $0 } ?? ""
        case .drafts:
            guard let draft = browser.drafts.first(where: { $0.id == id }) else { return "" }
            return (draft.cc.isEmpty ? "" : "Cc: \(draft.cc) · ") + draft.body.replacingOccurrences(of: "\n", with: " ⏎ ")
        case .notes: return browser.notes.first { $0.id == id }?.text.replacingOccurrences(of: "\n", with: " ⏎ ") ?? ""
        }
    }

    private static func drawForm(_ form: RecordForm, kind: RecordBrowser.Kind, into grid: inout CellGrid, width: Int)
        -> (x: Int, y: Int)?
    {
        let box = ModalView.frame(in: &grid, width: width, height: grid.height - 2)
        grid.box(box, title: form.title)
        let labelWidth = (form.fields.map { DisplayWidth.of($0.label) }.max() ?? 4) + 2
        let textX = box.x + 2 + labelWidth
        let limit = box.maxX - 1
        var y = box.y + 1
        var cursor: (x: Int, y: Int)?
        let singleLines = form.fields.filter { !$0.isMultiline }.count
        let multilineHeight = max(2, box.height - 5 - singleLines - (form.error == nil ? 0 : 1))
        for (index, field) in form.fields.enumerated() {
            let focused = index == form.focus
            grid.put(field.label, x: box.x + 2, y: y, style: Style(focused ? .accent : .muted, focused ? .bold : []))
            let height = field.isMultiline ? multilineHeight : 1
            let editor = field.editor
            let firstLine = max(0, editor.row - height + 1)
            for (offset, line) in editor.lines.dropFirst(firstLine).prefix(height).enumerated() {
                grid.put(TerminalText.sanitized(String(line)), x: textX, y: y + offset, style: Style(.input), limit: limit)
            }
            if editor.isEmpty, !field.hint.isEmpty, !focused {
                grid.put(field.hint, x: textX, y: y, style: Style(.muted), limit: limit)
            } else if editor.isEmpty, !field.hint.isEmpty {
                grid.put(field.hint, x: textX + 1, y: y, style: Style(.muted), limit: limit)
            }
            if focused {
                let before = TerminalText.sanitized(String(editor.lines[editor.row].prefix(editor.column)))
                cursor = (min(textX + DisplayWidth.of(before), limit - 1), y + editor.row - firstLine)
            }
            y += height
        }
        if let error = form.error {
            grid.put(TerminalText.sanitized(error), x: box.x + 2, y: box.maxY - 3, style: Style(.error), limit: limit)
        }
        let extra = kind == .drafts ? " · Ctrl-E export · Ctrl-Y copy body" : ""
        grid.put("Tab next field · Ctrl-S save · Ctrl-O $EDITOR\(extra) · Esc cancel", x: box.x + 2, y: box.maxY - 2,
                 style: Style(.muted), limit: limit)
        return cursor
    }
}
