import Foundation

/// The machine's memory, as the kernel reports it.
public enum SystemMemory {
    /// Memory available for new work without swapping (`MemAvailable` in /proc/meminfo),
    /// or the physical memory where that file does not exist.
    public static func availableBytes() -> Int {
        if let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("MemAvailable:") }),
            let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "")
        {
            return kilobytes * 1024
        }
        return Int(ProcessInfo.processInfo.physicalMemory)
    }

    /// Total physical memory.
    public static var totalBytes: Int { Int(ProcessInfo.processInfo.physicalMemory) }
}
