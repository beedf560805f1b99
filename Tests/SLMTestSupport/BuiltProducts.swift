import Foundation

/// Executables the package builds, found next to the test bundle.
public enum BuiltProducts {
    /// The built executable `name` (e.g. `slm-tui`).
    public static func executable(_ name: String) -> URL {
        var directory = Bundle.main.bundleURL
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path), directory.path != "/" {
            directory.deleteLastPathComponent()
        }
        return directory.appendingPathComponent(name)
    }
}
