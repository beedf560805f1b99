/// The bottom line: model, agent and conversation on the left, what is happening or the
/// last notice, and the main keys on the right.
public enum StatusBar {
    public static func draw(_ state: AppState, into grid: inout CellGrid, row y: Int, width: Int) {
        grid.fill(Rect(x: 0, y: y, width: width, height: 1), style: Style(.status))
        let left = " \(state.modelName ?? "no model") · \(state.agent ?? "auto") · \"\(state.title)\" "
        var column = grid.put(left, x: 0, y: y, style: Style(.status, .bold), limit: width)
        if let notice = state.notice {
            column = grid.put(" " + notice.text + " ", x: column, y: y, style: Style(notice.isError ? .error : .status),
                              limit: width)
        } else if state.generating {
            column = grid.put(" ● answering ", x: column, y: y, style: Style(.status), limit: width)
        }
        let hints = " Ctrl-P model  Ctrl-L chats  F1 help  Ctrl-Q quit "
        let hintWidth = DisplayWidth.of(hints)
        if width - column >= hintWidth { grid.put(hints, x: width - hintWidth, y: y, style: Style(.status)) }
    }
}

/// Tabs for the panes on a narrow terminal.
public enum TabBar {
    public static func draw(_ selected: AppState.Tab, into grid: inout CellGrid, row y: Int, width: Int) {
        grid.fill(Rect(x: 0, y: y, width: width, height: 1), style: Style(.status))
        var column = 0
        for (tab, label) in [(AppState.Tab.chat, " F2 chat "), (.trace, " F3 trace "), (.resources, " F4 resources ")] {
            column = grid.put(label, x: column, y: y, style: tab == selected ? Style(.selection, .bold) : Style(.status),
                              limit: width)
        }
    }
}
