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
        #expect(theme.paint(.accent).foreground == Theme.dark.paint(.accent).foreground)
        #expect(theme.paint(.accent).background == .terminalDefault, "no background of its own: the text's")
        let backed = try Theme(name: "b", parsing: "text = 1 on 231\nmuted = 8\nstatus = 1 on 2")
        #expect(backed.paint(.muted).background == .index(231) && backed.paint(.status).background == .index(2))
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

    @Test("every shipped theme sets its own background, and every text role on it has a contrast of at least 4.5 (WCAG AA)")
    func contrast() throws {
        let library = ThemeLibrary(folder: ResourceLocator.folder("themes"))
        let textRoles = Role.allCases.filter { ![.border, .gaugeFill, .gaugeEmpty].contains($0) }
        for theme in library.themes where theme.name != "mono" {
            for role in textRoles {
                let paint = theme.paint(role)
                guard case .index(let foreground) = paint.foreground, case .index(let background) = paint.background else {
                    Issue.record("\(theme.name) \(role): the terminal's own colour (\(paint)); a theme sets both")
                    continue
                }
                let ratio = Self.contrast(foreground, background)
                #expect(ratio >= 4.5, "\(theme.name) \(role): \(foreground) on \(background) has contrast \(ratio)")
            }
        }
    }

    /// WCAG contrast ratio of two xterm palette colours.
    static func contrast(_ first: Int, _ second: Int) -> Double {
        func luminance(_ index: Int) -> Double {
            let (r, g, b) = Palette.rgb(index)
            func channel(_ value: Int) -> Double {
                let v = Double(value) / 255
                return v <= 0.03928 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4)
            }
            return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
        }
        let (a, b) = (luminance(first), luminance(second))
        return (max(a, b) + 0.05) / (min(a, b) + 0.05)
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
