import CNcurses
import Foundation

/// The real terminal, through ncurses: full screen, raw keys, colours from the theme
/// (mapped down to 16 or 8 colours when that is all there is, attributes only with
/// `NO_COLOR` or no colour at all), bracketed paste and the mouse wheel. `present` sends
/// only the cells that changed since the last frame.
public final class NcursesScreen: Screen {
    /// How many colours are used.
    public enum ColorMode: Sendable, Equatable { case none, eight, sixteen, full }

    public let colorMode: ColorMode
    private var previous: CellGrid?
    private var pairs: [Role: Int32] = [:]
    private var attributes: [Role: attr_t] = [:]
    private var queued: [Key] = []
    private var closed = false
    /// Codes ncurses gives Ctrl-← and Ctrl-→ on this terminal (0 when it has none).
    private var wordKeys: (left: Int32, right: Int32) = (0, 0)

    /// Takes over the terminal. `noColor` honours `NO_COLOR`.
    public init(noColor: Bool) {
        setlocale(LC_ALL, "")
        TerminalGuard.install()
        // ncurses only watches for resizes when SIGWINCH is not ignored, and a parent may
        // have left it ignored
        _ = signal(SIGWINCH, SIG_DFL)
        initscr()
        raw()
        noecho()
        nonl()
        keypad(slm_stdscr(), true)
        set_escdelay(25)
        mouseinterval(0)
        mousemask(slm_wheel_mask(), nil)
        if !noColor, has_colors() {
            start_color()
            use_default_colors()
            let count = slm_colors()
            colorMode = count >= 256 ? .full : count >= 16 ? .sixteen : .eight
        } else {
            colorMode = .none
        }
        Self.send("\u{1B}[?2004h")
        wordKeys = (slm_key_for_capability("kLFT5"), slm_key_for_capability("kRIT5"))
    }

    deinit { close() }

    /// Gives the terminal back: normal screen, modes, cursor.
    public func close() {
        guard !closed else { return }
        closed = true
        Self.send("\u{1B}[?2004l")
        endwin()
    }

    public func suspend(_ body: () -> Void) {
        Self.send("\u{1B}[?2004l")
        def_prog_mode()
        endwin()
        body()
        reset_prog_mode()
        Self.send("\u{1B}[?2004h")
        previous = nil
        refresh()
    }

    /// The terminal's size, asked of the terminal itself each time, so a resize is never
    /// missed even when its signal is.
    public var size: (width: Int, height: Int) {
        var window = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &window) == 0, window.ws_col > 0, window.ws_row > 0,
            Int32(window.ws_col) != getmaxx(slm_stdscr()) || Int32(window.ws_row) != getmaxy(slm_stdscr())
        {
            resizeterm(Int32(window.ws_row), Int32(window.ws_col))
        }
        return (Int(getmaxx(slm_stdscr())), Int(getmaxy(slm_stdscr())))
    }

    public func apply(_ theme: Theme) {
        for (index, role) in Role.allCases.enumerated() {
            let paint = theme.paint(role)
            var attribute = Self.attributes(paint.attributes)
            if colorMode == .none {
                pairs[role] = 0
                // with no colour, reverse video is what sets a selection apart
                if role == .selection || role == .status, !paint.attributes.contains(.reverse) {
                    attribute |= slm_attr_reverse()
                }
            } else {
                let pair = Int32(index + 1)
                init_extended_pair(pair, color(paint.foreground), color(paint.background))
                pairs[role] = pair
            }
            attributes[role] = attribute
        }
        previous = nil
    }

    public func present(_ grid: CellGrid, cursor: (x: Int, y: Int)?) {
        let window = slm_stdscr()
        let full = previous == nil || previous?.width != grid.width || previous?.height != grid.height
        if full {
            werase(window)
            // after a resize the terminal may have reflowed what it showed: repaint all of it
            clearok(window, true)
        }
        for y in 0..<grid.height {
            for x in 0..<grid.width {
                let cell = grid[x, y]
                if !full, previous?[x, y] == cell { continue }
                // the right half of a wide character: drawn with its left half, which changed too
                if cell.text.isEmpty { continue }
                draw(cell, x, y)
            }
        }
        if let cursor, grid.contains(cursor.x, cursor.y) {
            curs_set(1)
            wmove(window, Int32(cursor.y), Int32(cursor.x))
        } else {
            curs_set(0)
        }
        wrefresh(window)
        previous = grid
    }

    private func draw(_ cell: Cell, _ x: Int, _ y: Int) {
        var characters = cell.text.unicodeScalars.prefix(5).map { wchar_t(bitPattern: $0.value) }
        if characters.isEmpty { characters = [32] }
        characters.append(0)
        var character = cchar_t()
        let attribute = (attributes[cell.style.role] ?? 0) | Self.attributes(cell.style.attributes)
        setcchar(&character, characters, attribute, Int16(truncatingIfNeeded: pairs[cell.style.role] ?? 0), nil)
        wmove(slm_stdscr(), Int32(y), Int32(x))
        wadd_wch(slm_stdscr(), &character)
    }

    public func nextKey(timeoutMilliseconds: Int) -> Key? {
        if !queued.isEmpty { return queued.removeFirst() }
        let window = slm_stdscr()
        wtimeout(window, Int32(timeoutMilliseconds))
        guard let first = readInput() else { return nil }
        var input = [first]
        // everything already waiting, so sequences and pastes arrive whole
        wtimeout(window, 0)
        while input.count < 1_000_000, let more = readInput() { input.append(more) }
        var decoded = KeyDecoder.decode(input)
        var waited = 0
        while !decoded.rest.isEmpty, waited < 2000 {
            wtimeout(window, 20)
            waited += 20
            var more: [KeyDecoder.Input] = []
            while let next = readInput() {
                more.append(next)
                wtimeout(window, 0)
            }
            decoded = KeyDecoder.decode(decoded.rest + more)
            if !decoded.keys.isEmpty { queued += decoded.keys }
        }
        queued += decoded.keys
        if !decoded.rest.isEmpty {
            // a paste that never ended: keep its text rather than lose it
            queued.append(.paste(String(String.UnicodeScalarView(decoded.rest.compactMap {
                if case .scalar(let value) = $0 { value } else { nil }
            }))))
        }
        return queued.isEmpty ? nil : queued.removeFirst()
    }

    private func readInput() -> KeyDecoder.Input? {
        var value: wint_t = 0
        let result = wget_wch(slm_stdscr(), &value)
        if result == KEY_CODE_YES { return special(Int32(value)).map { .key($0) } ?? readInput() }
        guard result != ERR, let scalar = Unicode.Scalar(UInt32(value)) else { return nil }
        return .scalar(scalar)
    }

    private func special(_ code: Int32) -> Key? {
        if code != 0, code == wordKeys.left { return .wordLeft }
        if code != 0, code == wordKeys.right { return .wordRight }
        return switch code {
        case KEY_UP: .up
        case KEY_DOWN: .down
        case KEY_LEFT: .left
        case KEY_RIGHT: .right
        case KEY_HOME: .home
        case KEY_END: .end
        case KEY_PPAGE: .pageUp
        case KEY_NPAGE: .pageDown
        case KEY_BACKSPACE: .backspace
        case KEY_DC: .delete
        case KEY_ENTER: .enter
        case KEY_RESIZE: .resize
        case KEY_MOUSE: wheel()
        case slm_key_f(1)...slm_key_f(12): .function(Int(code - slm_key_f(0)))
        default: nil
        }
    }

    private func wheel() -> Key? {
        var event = MEVENT()
        guard getmouse(&event) == OK else { return nil }
        if slm_wheel_up(event.bstate) != 0 { return .wheelUp }
        if slm_wheel_down(event.bstate) != 0 { return .wheelDown }
        return nil
    }

    private func color(_ color: Theme.Color) -> Int32 {
        guard case .index(let index) = color else { return -1 }
        switch colorMode {
        case .full: return Int32(index)
        case .sixteen: return Int32(Palette.nearest(index, in: 16))
        case .eight, .none: return Int32(Palette.nearest(index, in: 8))
        }
    }

    private static func attributes(_ attributes: Attributes) -> attr_t {
        var value: attr_t = 0
        if attributes.contains(.bold) { value |= slm_attr_bold() }
        if attributes.contains(.italic) { value |= slm_attr_italic() }
        if attributes.contains(.underline) { value |= slm_attr_underline() }
        if attributes.contains(.reverse) { value |= slm_attr_reverse() }
        if attributes.contains(.dim) { value |= slm_attr_dim() }
        return value
    }

    public func copyToClipboard(_ text: String) {
        Self.send(Self.clipboardSequence(text))
    }

    /// OSC 52: "set the clipboard (c) to this base64 text", ended with BEL, which every
    /// terminal that knows the sequence accepts.
    static func clipboardSequence(_ text: String) -> String {
        "\u{1B}]52;c;" + Data(text.utf8).base64EncodedString() + "\u{07}"
    }

    public func captureMouse(_ on: Bool) {
        mousemask(on ? slm_wheel_mask() : 0, nil)
    }

    private static func send(_ sequence: String) {
        FileHandle.standardOutput.write(Data(sequence.utf8))
    }
}
