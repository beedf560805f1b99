import CNcurses

/// Facts about the system ncurses library slm-tui is linked against.
public enum NcursesLibrary {
    /// The library's version string, e.g. `ncurses 6.4.20221231`.
    public static var version: String { String(cString: curses_version()) }
}
