import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one folder tools may write files into. Names are single plain file names, checked
/// on Unicode scalars; files are created relative to the opened folder without following
/// links, so no link — in the folder or as the name — can lead a write elsewhere. The
/// folders above it (the data home) may be reached through links.
public struct DraftsFolder: Sendable {
    public let url: URL

    public init(url: URL) { self.url = url.standardizedFileURL }

    /// Characters that look like a path separator in some font.
    private static let slashLookalikes: Set<Unicode.Scalar> = [
        "/", "\\", "\u{2215}", "\u{2044}", "\u{FF0F}", "\u{29F8}", "\u{2571}", "\u{27CB}", "\u{29F5}", "\u{FE68}",
        "\u{FF3C}", "\u{2216}", "\u{29F9}", "\u{27CD}", "\u{2572}",
    ]

    /// `name` checked as a file name for the folder, or a clear refusal.
    public func validName(_ name: String) throws(ToolError) -> String {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        let shown = Self.shown(name)
        guard !trimmed.isEmpty else { throw ToolError("the file name is empty") }
        for scalar in trimmed.unicodeScalars {
            if Self.slashLookalikes.contains(scalar) {
                throw ToolError("\(shown): give a file name only, without folders; files go in the drafts folder")
            }
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned:
                throw ToolError("\(shown): file names may not contain control, format or invisible characters")
            default:
                break
            }
        }
        guard trimmed.unicodeScalars.first != "." else { throw ToolError("\(shown): file names may not start with a dot") }
        guard trimmed.utf8.count <= 120 else { throw ToolError("\(shown): the file name is too long") }
        return trimmed
    }

    /// The path `name` has inside the folder, or a clear refusal.
    public func file(named name: String) throws(ToolError) -> URL {
        url.appendingPathComponent(try validName(name))
    }

    /// Whether an acceptable file name is taken already (by anything, a link included).
    public func exists(_ name: String) -> Bool {
        guard let valid = try? validName(name), let folder = try? openFolder(creating: false) else { return false }
        defer { close(folder) }
        var info = stat()
        return fstatat(folder, valid, &info, AT_SYMLINK_NOFOLLOW) == 0
    }

    /// Writes `contents` to `name`, creating the folder when needed. A new file is created
    /// exclusively; an existing regular file is replaced whole (a temporary file renamed
    /// over it, so a reader never sees half a file); an existing link or anything else is
    /// refused.
    public func write(_ contents: String, to name: String) throws(ToolError) -> URL {
        let valid = try validName(name)
        let folder = try openFolder(creating: true)
        defer { close(folder) }
        let data = Data(contents.utf8)
        let created = openat(folder, valid, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        if created >= 0 {
            try writeAll(data, to: created, named: valid)
            return url.appendingPathComponent(valid)
        }
        guard errno == EEXIST else { throw failure("cannot create \(Self.shown(valid))") }
        var info = stat()
        guard fstatat(folder, valid, &info, AT_SYMLINK_NOFOLLOW) == 0 else { throw failure("cannot read \(Self.shown(valid))") }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw ToolError("\(Self.shown(valid)) in the drafts folder is a link or not a plain file; slm-tui does not "
                + "write through links or replace them; choose another name")
        }
        let temporary = ".slm-tui-\(UUID().uuidString).tmp"
        let descriptor = openat(folder, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw failure("cannot create a temporary file in the drafts folder") }
        do {
            try writeAll(data, to: descriptor, named: valid)
        } catch {
            unlinkat(folder, temporary, 0)
            throw error
        }
        guard renameat(folder, temporary, folder, valid) == 0 else {
            let error = failure("cannot replace \(Self.shown(valid))")
            unlinkat(folder, temporary, 0)
            throw error
        }
        return url.appendingPathComponent(valid)
    }

    /// Opens the folder itself without following a link at its own name (the folders above
    /// may be links), creating it when asked.
    private func openFolder(creating: Bool) throws(ToolError) -> Int32 {
        let parent = url.deletingLastPathComponent()
        let name = url.lastPathComponent
        if creating {
            do {
                try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
            } catch {
                throw ToolError("cannot create \(parent.path): \(error.localizedDescription)")
            }
        }
        let parentDescriptor = open(parent.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard parentDescriptor >= 0 else { throw failure("cannot open \(parent.path)") }
        defer { close(parentDescriptor) }
        if creating, mkdirat(parentDescriptor, name, 0o755) != 0, errno != EEXIST {
            throw failure("cannot create the drafts folder \(url.path)")
        }
        let folder = openat(parentDescriptor, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard folder >= 0 else {
            if errno == ELOOP || errno == ENOTDIR {
                throw ToolError("the drafts folder \(url.path) is a link or not a folder; slm-tui does not write through links")
            }
            throw failure("cannot open the drafts folder \(url.path)")
        }
        return folder
    }

    private func writeAll(_ data: Data, to descriptor: Int32, named name: String) throws(ToolError) {
        defer { close(descriptor) }
        var written = 0
        let failed = data.withUnsafeBytes { buffer -> Bool in
            while written < buffer.count {
                let count = writeBytes(descriptor, buffer.baseAddress! + written, buffer.count - written)
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { return true }
                written += count
            }
            return fsync(descriptor) != 0
        }
        if failed { throw failure("cannot write \(Self.shown(name))") }
    }

    /// The system's reason for the last failure, after `what`.
    private func failure(_ what: String) -> ToolError {
        ToolError("\(what): \(String(cString: strerror(errno)))")
    }

    /// A name as it may be shown: quoted, with anything unprintable escaped.
    private static func shown(_ name: String) -> String {
        var out = "\""
        for scalar in name.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned:
                out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

/// The system's `write(2)`, named apart from `DraftsFolder.write`.
private func writeBytes(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}
