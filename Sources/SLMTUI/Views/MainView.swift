/// The whole screen from the state: panes side by side from 100 columns, tabs below that,
/// the message box and status bar at the bottom, a dialog on top, and a notice instead of
/// everything when the terminal is too small.
public enum MainView {
    public static let minimumWidth = 40
    public static let minimumHeight = 10
    /// From this width the trace and resources sit beside the chat.
    public static let sideBySideWidth = 100
    static let sideWidth = 38

    /// Columns the chat's text takes on a screen `width` wide: its pane, less the frame
    /// and the margin `ChatView` keeps.
    static func chatTextWidth(screenWidth width: Int) -> Int {
        let pane = width >= sideBySideWidth ? width - sideWidth : width
        return max(1, pane - 2 - ChatView.margin)
    }

    /// The frame and where the cursor goes.
    public static func render(_ state: AppState, width: Int, height: Int) -> (grid: CellGrid, cursor: (x: Int, y: Int)?) {
        var grid = CellGrid(width: width, height: height)
        guard width >= minimumWidth, height >= minimumHeight else {
            drawTooSmall(into: &grid)
            return (grid, nil)
        }
        StatusBar.draw(state, into: &grid, row: height - 1, width: width)
        let inputHeight = min(InputView.height(for: state.input, width: width), height / 3)
        let inputRect = Rect(x: 0, y: height - 1 - inputHeight, width: width, height: inputHeight)
        var cursor = InputView.draw(state.input, title: inputTitle(state), into: &grid, in: inputRect)
        if state.focus == .messages { cursor = nil }
        let mainHeight = inputRect.y
        if width >= sideBySideWidth {
            let chatRect = Rect(x: 0, y: 0, width: width - sideWidth, height: mainHeight)
            grid.box(chatRect, title: state.title)
            ChatView.draw(state, into: &grid, in: chatRect.inset(1))
            let traceHeight = max(3, mainHeight - 15)
            let traceRect = Rect(x: chatRect.maxX, y: 0, width: sideWidth, height: traceHeight)
            grid.box(traceRect, title: "tools")
            TraceView.draw(state.trace, into: &grid, in: traceRect.inset(1))
            let resourceRect = Rect(x: chatRect.maxX, y: traceHeight, width: sideWidth, height: mainHeight - traceHeight)
            grid.box(resourceRect, title: "resources")
            ResourceView.draw(state.resources, into: &grid, in: resourceRect.inset(1))
        } else {
            TabBar.draw(state.tab, into: &grid, row: 0, width: width)
            let paneRect = Rect(x: 0, y: 1, width: width, height: mainHeight - 1)
            switch state.tab {
            case .chat:
                grid.box(paneRect, title: state.title)
                ChatView.draw(state, into: &grid, in: paneRect.inset(1))
            case .trace:
                grid.box(paneRect, title: "tools")
                TraceView.draw(state.trace, into: &grid, in: paneRect.inset(1))
            case .resources:
                grid.box(paneRect, title: "resources")
                ResourceView.draw(state.resources, into: &grid, in: paneRect.inset(1))
            }
        }
        if let modal = state.modal {
            cursor = ModalView.draw(modal, into: &grid)
        }
        return (grid, cursor)
    }

    /// What the message box's frame says: how to stop, leave the messages, or that a
    /// message is being rewritten.
    static func inputTitle(_ state: AppState) -> String? {
        if state.generating { return "Esc stops the answer" }
        if state.focus == .messages { return "choosing a message — Esc or i back to typing" }
        if state.editing != nil { return "editing your message — Enter sends it as a new branch, Esc cancels" }
        return nil
    }

    static func drawTooSmall(into grid: inout CellGrid) {
        let lines = TextLayout.wrap([Span("Terminal too small", Style(.warning, .bold)),
                                     Span(" (\(grid.width)×\(grid.height)); make it at least \(minimumWidth)×\(minimumHeight).", Style(.text))],
                                    width: max(1, grid.width))
        let top = max(0, (grid.height - lines.count) / 2)
        for (index, line) in lines.prefix(grid.height).enumerated() {
            TextLayout.draw(line, into: &grid, x: 0, y: top + index, limit: grid.width)
        }
    }
}
