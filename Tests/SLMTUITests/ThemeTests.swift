import Foundation
import SLMAgent
import SLMTUI
import SLMTestSupport
import Testing

@Suite("Themes")
struct ThemeTests {
    @Test("every shipped theme parses, and there are the four the app promises")
    func shipped() throws {
        let library = ThemeLibrary(folder: ResourceLocator.folder("themes"))
        #expect(library.problems.isEmpty)
        #expect(library.themes.map(\.name).prefix(4) == ["dark", "light", "high-contrast", "mono"])
        let mono = try #require(library.named("mono"))
        for role in Role.allCases {
            #expect(mono.paint(role).foreground == .terminalDefault && mono.paint(role).background == .terminalDefault)
        }
        #expect(library.next(after: "mono").name == library.themes[(library.themes.firstIndex { $0.name == "mono" }! + 1) % library.themes.count].name)
    }

    @Test("theme files: colours, names, backgrounds, attributes; errors name the line")
    func parsing() throws {
        let theme = try Theme(name: "t", parsing: "# c\ntext = bright-red\nselection = black on 75 bold underline\n\nborder = default dim")
        #expect(theme.paint(.text) == Theme.Paint(.index(9)))
        #expect(theme.paint(.selection) == Theme.Paint(.index(0), on: .index(75), [.bold, .underline]))
        #expect(theme.paint(.border) == Theme.Paint(.terminalDefault, on: .terminalDefault, [.dim]))
        #expect(theme.paint(.accent) == Theme.dark.paint(.accent))
        for (text, line) in [("text = 300", 1), ("\nwat = 1", 2), ("text = red on", 1), ("text = red blinky", 1), ("text 12", 1)] {
            #expect(throws: Theme.ParseError.self) { try Theme(name: "bad", parsing: text) }
            do { _ = try Theme(name: "bad", parsing: text) } catch { #expect(error.line == line) }
        }
    }

    @Test("a broken theme file is reported and left out; a missing folder still gives the dark theme")
    func broken() throws {
        let folder = try Fixtures.temporaryDirectory("themes")
        try "text = nonsense".write(to: folder.appendingPathComponent("broken.theme"), atomically: true, encoding: .utf8)
        try "text = 1".write(to: folder.appendingPathComponent("ok.theme"), atomically: true, encoding: .utf8)
        let library = ThemeLibrary(folder: folder)
        #expect(library.themes.map(\.name) == ["dark", "ok"])
        #expect(library.problems.count == 1 && library.problems[0].contains("broken.theme"))
        #expect(ThemeLibrary(folder: nil).themes.map(\.name) == ["dark"])
    }

    @Test("256 colours map to the nearest of 8 or 16")
    func palette() {
        #expect(Palette.nearest(196, in: 8) == 1)   // bright red → red
        #expect(Palette.nearest(21, in: 8) == 4)    // blue
        #expect(Palette.nearest(231, in: 8) == 7)   // white
        #expect(Palette.nearest(16, in: 8) == 0)    // black
        #expect(Palette.nearest(12, in: 8) == 4)    // bright blue → blue
        #expect(Palette.nearest(12, in: 16) == 12)
        #expect(Palette.nearest(250, in: 16) == 7)
    }
}
