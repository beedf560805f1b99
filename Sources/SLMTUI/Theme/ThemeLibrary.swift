import Foundation

/// The themes found in a `themes/` folder (`NAME.theme` files), with the built-in dark
/// theme first when the folder has none. A file that does not parse is left out and
/// reported, never fatal.
public struct ThemeLibrary: Sendable {
    public let themes: [Theme]
    /// Files that could not be read, with why.
    public let problems: [String]

    public init(folder: URL?) {
        var themes: [Theme] = []
        var problems: [String] = []
        let files = folder.flatMap { try? FileManager.default.contentsOfDirectory(at: $0, includingPropertiesForKeys: nil) } ?? []
        for file in files.filter({ $0.pathExtension == "theme" }) {
            let name = file.deletingPathExtension().lastPathComponent
            do {
                themes.append(try Theme(name: name, parsing: String(contentsOf: file, encoding: .utf8)))
            } catch {
                problems.append("theme \(file.lastPathComponent): \(error)")
            }
        }
        let order = ["dark", "light", "high-contrast", "mono"]
        themes.sort { (order.firstIndex(of: $0.name) ?? order.count, $0.name) < (order.firstIndex(of: $1.name) ?? order.count, $1.name) }
        if !themes.contains(where: { $0.name == "dark" }) { themes.insert(.dark, at: 0) }
        self.themes = themes
        self.problems = problems
    }

    public func named(_ name: String) -> Theme? { themes.first { $0.name == name } }

    /// The theme after `name`, wrapping round.
    public func next(after name: String) -> Theme {
        let index = themes.firstIndex { $0.name == name } ?? -1
        return themes[(index + 1) % themes.count]
    }
}
