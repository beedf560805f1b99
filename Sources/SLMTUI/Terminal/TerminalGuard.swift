import Foundation

/// Gives the terminal back whatever happens: SIGTERM, SIGINT and SIGHUP ask the app to quit
/// (it restores the screen on its way out), and a crash (SIGSEGV, SIGBUS, SIGILL, SIGFPE,
/// SIGABRT, SIGTRAP) puts the saved terminal modes back with async-signal-safe calls only,
/// then dies with the same signal.
public enum TerminalGuard {
    nonisolated(unsafe) private static var savedModes = termios()
    nonisolated(unsafe) private static var installed = false
    /// The signal that asked the app to quit, or 0.
    nonisolated(unsafe) public private(set) static var quitSignal: Int32 = 0

    /// Leaves bracketed paste, mouse reporting and the alternate screen, resets colours and
    /// shows the cursor.
    static let resetSequence = Array("\u{1B}[?2004l\u{1B}[?1000l\u{1B}[?1006l\u{1B}[0m\u{1B}[?25h\u{1B}[?1049l\r\n".utf8)

    /// Saves the terminal's modes and installs the handlers. Call before ncurses starts.
    public static func install() {
        guard !installed else { return }
        installed = true
        tcgetattr(STDIN_FILENO, &savedModes)
        for signal in [SIGTERM, SIGINT, SIGHUP] {
            _ = Foundation.signal(signal) { number in TerminalGuard.quitSignal = number }
        }
        for signal in [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP] {
            _ = Foundation.signal(signal) { number in
                TerminalGuard.restoreAfterCrash()
                _ = Foundation.signal(number, SIG_DFL)
                raise(number)
            }
        }
    }

    /// Only async-signal-safe calls: write(2) and tcsetattr(3).
    static func restoreAfterCrash() {
        resetSequence.withUnsafeBufferPointer { buffer in _ = write(STDOUT_FILENO, buffer.baseAddress, buffer.count) }
        tcsetattr(STDIN_FILENO, TCSANOW, &savedModes)
    }
}
