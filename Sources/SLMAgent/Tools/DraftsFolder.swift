import Foundation

/// The one folder tools may write files into. Names are plain file names: no folders, no
/// `..`, nothing absolute, and a symbolic link never leads a write outside the folder.
public struct DraftsFolder: Sendable {
    public let url: URL

    public init(url: URL) { self.url = url.standardizedFileURL }

    /// The path for `name` inside the folder, or a clear refusal.
    public func file(named name: String) throws(ToolError) -> URL {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw ToolError("the file name is empty") }
        guard !trimmed.contains("/"), !trimmed.contains("\\"), !trimmed.contains("\0") else {
            throw ToolError("\(name): give a file name only, without folders; files go in the drafts folder")
        }
        guard trimmed != ".", trimmed != "..", !trimmed.hasPrefix(".") else {
            throw ToolError("\(name): file names may not start with a dot")
        }
        guard trimmed.utf8.count <= 120 else { throw ToolError("\(name): the file name is too long") }
        let file = url.appendingPathComponent(trimmed)
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: file.path) {
            throw ToolError("\(name) is a link (to \(target)); slm-tui does not write through links")
        }
        return file
    }

    /// Whether an acceptable file name is taken already.
    public func exists(_ name: String) -> Bool {
        guard let file = try? file(named: name) else { return false }
        return FileManager.default.fileExists(atPath: file.path)
    }

    /// Writes `contents` to `name` atomically (a temporary file renamed into place),
    /// creating the folder when needed.
    public func write(_ contents: String, to name: String) throws(ToolError) -> URL {
        let file = try file(named: name)
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            // the folder itself must not be a link that leads elsewhere
            let resolved = url.resolvingSymlinksInPath().standardizedFileURL
            guard resolved.path == url.path else {
                throw ToolError("the drafts folder \(url.path) is a link; slm-tui does not write through links")
            }
            try Data(contents.utf8).write(to: file, options: .atomic)
        } catch let error as ToolError {
            throw error
        } catch {
            throw ToolError("cannot write \(file.path): \(error.localizedDescription)")
        }
        return file
    }
}
