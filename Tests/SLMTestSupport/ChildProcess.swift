import Foundation

extension Pipe {
    /// A pipe whose ends other processes started meanwhile do not inherit. Without this a
    /// tmux server launched by another test at the same moment kept a fixture server's
    /// standard input open, so the fixture never saw it close and its test waited forever.
    public static func unshared() -> Pipe {
        let pipe = Pipe()
        for handle in [pipe.fileHandleForReading, pipe.fileHandleForWriting] {
            _ = fcntl(handle.fileDescriptor, F_SETFD, FD_CLOEXEC)
        }
        return pipe
    }
}

extension Process {
    /// Ends the process: SIGTERM, then SIGKILL if it is still there after `grace` seconds.
    /// (Polled: `waitUntilExit` spins a core on Linux.)
    public func end(grace: Double = 5) {
        guard isRunning else { return }
        terminate()
        let deadline = Date().addingTimeInterval(grace)
        while isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if isRunning { kill(processIdentifier, SIGKILL) }
        while isRunning { Thread.sleep(forTimeInterval: 0.01) }
    }
}
