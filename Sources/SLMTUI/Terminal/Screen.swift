/// Where the app's cell grid is shown and its keys come from: the terminal through
/// ncurses, or memory in tests.
public protocol Screen: AnyObject {
    /// Columns and rows now.
    var size: (width: Int, height: Int) { get }
    /// Shows `grid`, sending only what changed, and puts the cursor at `cursor` (hidden when nil).
    func present(_ grid: CellGrid, cursor: (x: Int, y: Int)?)
    /// Colours for each role from now on.
    func apply(_ theme: Theme)
    /// The next key, waiting at most `timeoutMilliseconds`; nil when none came.
    func nextKey(timeoutMilliseconds: Int) -> Key?
    /// Puts `text` on the system clipboard through the terminal (OSC 52), which works over
    /// SSH and in tmux with `set-clipboard` on.
    func copyToClipboard(_ text: String)
    /// Takes the mouse (wheel events come as keys) or leaves it to the terminal, so its own
    /// selection works.
    func captureMouse(_ on: Bool)
    /// Gives the terminal to `body` (an editor) as a normal terminal, then takes it back and
    /// repaints everything.
    func suspend(_ body: () -> Void)
}

/// A screen in memory: what was presented, and keys fed by a test.
public final class MemoryScreen: Screen {
    public var size: (width: Int, height: Int)
    public private(set) var grid: CellGrid
    public private(set) var cursor: (x: Int, y: Int)?
    public private(set) var theme = Theme.dark
    public private(set) var presentCount = 0
    public var keys: [Key] = []
    /// Every text copied, oldest first.
    public private(set) var clipboard: [String] = []
    public private(set) var mouseCaptured = true

    public init(width: Int, height: Int) {
        size = (width, height)
        grid = CellGrid(width: width, height: height)
    }

    public func present(_ grid: CellGrid, cursor: (x: Int, y: Int)?) {
        self.grid = grid
        self.cursor = cursor
        presentCount += 1
    }

    public func apply(_ theme: Theme) { self.theme = theme }

    public func nextKey(timeoutMilliseconds: Int) -> Key? { keys.isEmpty ? nil : keys.removeFirst() }

    public func copyToClipboard(_ text: String) { clipboard.append(text) }

    public func captureMouse(_ on: Bool) { mouseCaptured = on }

    /// How many times the terminal was given away.
    public private(set) var suspensions = 0

    public func suspend(_ body: () -> Void) {
        suspensions += 1
        body()
    }
}
