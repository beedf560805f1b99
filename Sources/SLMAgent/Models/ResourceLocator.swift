import Foundation

/// Finds the `Resources/` and `themes/` folders at run time: next to the installed binary
/// (or in `../share/slm-tui/` beside it), else in the checkout the binary was built from.
public enum ResourceLocator {
    /// The folder `name` (`Resources` or `themes`), wherever it is found first.
    public static func folder(_ name: String) -> URL? {
        candidates(name).first { url in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue
        }
    }

    /// A file in `Resources/`.
    public static func resource(_ file: String) throws -> URL {
        guard let folder = folder("Resources") else {
            throw ModelError.resourcesMissing(searched: candidates("Resources").map(\.path))
        }
        return folder.appendingPathComponent(file)
    }

    private static func candidates(_ name: String) -> [URL] {
        var urls: [URL] = []
        if let executable = Bundle.main.executableURL?.resolvingSymlinksInPath() {
            let directory = executable.deletingLastPathComponent()
            urls.append(directory.appendingPathComponent(name))
            urls.append(directory.appendingPathComponent("../share/slm-tui/\(name)").standardizedFileURL)
        }
        // Sources/SLMAgent/Models/ResourceLocator.swift -> the checkout's root
        let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        urls.append(checkout.appendingPathComponent(name))
        return urls
    }
}
