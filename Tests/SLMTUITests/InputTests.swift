import SLMTUI
import Testing

@Suite("Input")
struct InputTests {
    @Test("typing, new lines, and the Ctrl editing keys")
    func editing() {
        var editor = InputEditor()
        editor.insert("hello world")
        editor.deleteWordBackward()
        #expect(editor.text == "hello ")
        editor.insert("there")
        editor.lineStart()
        editor.insert(">")
        editor.lineEnd()
        editor.newline()
        editor.insert("second line")
        #expect(editor.text == ">hello there\nsecond line")
        editor.left(); editor.left(); editor.left(); editor.left()
        editor.deleteToLineEnd()
        #expect(editor.text == ">hello there\nsecond ")
        editor.deleteToLineStart()
        #expect(editor.text == ">hello there\n")
        editor.backspace()
        #expect(editor.text == ">hello there" && editor.row == 0)
        editor.lineStart()
        editor.deleteForward()
        #expect(editor.text == "hello there")
    }

    @Test("Up and Down walk the history and come back to the draft")
    func history() {
        var editor = InputEditor()
        editor.insert("first")
        _ = editor.take()
        editor.insert("second")
        #expect(editor.take() == "second")
        editor.insert("draft")
        editor.up()
        #expect(editor.text == "second")
        editor.up()
        #expect(editor.text == "first")
        editor.up()
        #expect(editor.text == "first")
        editor.down()
        editor.down()
        #expect(editor.text == "draft")
    }

    @Test("pasted text keeps its lines")
    func paste() {
        var editor = InputEditor()
        editor.insert("a\r\nb\nc")
        #expect(editor.lines.count == 3)
    }

    @Test("keys: Enter sends, Ctrl-J and Alt-Enter add lines, bracketed paste arrives whole")
    func decoding() {
        let input: [KeyDecoder.Input] = Array("a\r\n\u{01}\u{1B}\rx\u{1B}b".unicodeScalars).map { .scalar($0) }
            + [.key(.up)] + Array("\u{1B}[200~line 1\r\nline 2\u{1B}[201~\u{1B}".unicodeScalars).map { .scalar($0) }
        let (keys, rest) = KeyDecoder.decode(input)
        #expect(keys == [.character("a"), .enter, .newline, .control("a"), .newline, .character("x"), .alt("b"), .up,
                         .paste("line 1\nline 2"), .escape])
        #expect(rest.isEmpty)
    }

    @Test("an unfinished paste waits for the rest")
    func unfinishedPaste() {
        let (keys, rest) = KeyDecoder.decode(Array("\u{1B}[200~half".unicodeScalars).map { .scalar($0) })
        #expect(keys.isEmpty && rest.count == 10)
        let (done, left) = KeyDecoder.decode(rest + Array(" done\u{1B}[201~".unicodeScalars).map { .scalar($0) })
        #expect(done == [.paste("half done")] && left.isEmpty)
    }

    @Test("slash commands are parsed and bad ones explained", arguments: [
        ("/set temp 0.3", SlashCommand.set(.value(.temperature(0.3)))), ("/set top_k 20", .set(.value(.topK(20)))),
        ("/set", .set(.list)), ("/set temperature", .set(.show("temp"))), ("/system", .system(.show)),
        ("/system clear", .system(.clear)), ("/copy", .copy(block: nil)), ("/copy 2", .copy(block: 2)),
        ("/retry", .regenerate), ("/regen", .regenerate), ("/continue", .continueAnswer), ("/edit", .edit),
        ("/search invoice march", .search("invoice march")), ("/model ~/m/x.gguf", .model("~/m/x.gguf")),
        ("/agent Planner", .agent("planner")), ("/export json", .export(format: "json")), ("/export", .export(format: "md")),
        ("/rename Trip to Porto", .rename("Trip to Porto")), ("/quit", .quit), ("/theme light", .theme("light")),
        ("/system  Be brief. ", .system(.set("Be brief."))), ("/model qwen", .model("qwen")),
        ("/server", .server(.list)), ("/server add box http://box:11434", .server(.add(name: "box", url: "http://box:11434", api: nil))),
        ("/server add gpu https://g/v1 OpenAI", .server(.add(name: "gpu", url: "https://g/v1", api: "openai"))),
        ("/server rm box", .server(.remove("box"))),
    ])
    func commands(line: String, command: SlashCommand) throws {
        #expect(try SlashCommand.parse(line) == command)
    }

    @Test("bad commands say what is wrong", arguments: ["/frobnicate", "/set temp hot", "/set temp 9", "/export pdf", "/set colour 1",
                                                      "/set colour", "/copy 0", "/copy two", "/set temp 1 2",
                                                      "/server add box", "/server drop box", "/server add a b c d"])
    func badCommands(line: String) {
        #expect(throws: SlashCommand.Problem.self) { try SlashCommand.parse(line) }
    }

    @Test("Tab completes a command: one candidate whole, several to their common start with the list")
    func completion() {
        #expect(SlashCommand.complete("/reg") == ("/regen ", ["regen"]))
        let several = SlashCommand.complete("/s")
        #expect(several.text == "/s" && several.candidates == ["system", "set", "search", "stats", "server"])
        #expect(SlashCommand.complete("/co") == ("/co", ["copy", "continue"]))
        #expect(SlashCommand.complete("/serv") == ("/server ", ["server"]))
        #expect(SlashCommand.complete("/cont").text == "/continue ")
        #expect(SlashCommand.complete("/zz").candidates.isEmpty)
    }

    @Test("words: Ctrl-←/→ and Alt-b/f move by word across lines; Backspace takes a whole grapheme")
    func words() {
        var editor = InputEditor()
        editor.setText("hello, big world\nnext")
        editor.wordLeft()
        #expect(editor.row == 1 && editor.column == 0)
        editor.wordLeft()
        #expect(editor.row == 0 && editor.column == 11)
        editor.wordLeft()
        editor.wordLeft()
        #expect(editor.column == 0)
        editor.wordRight()
        #expect(editor.column == 5)
        editor.setText("family 👨‍👩‍👧 é")
        editor.backspace()
        editor.backspace()
        editor.backspace()
        #expect(editor.text == "family ")
        let decoded = KeyDecoder.decode(Array("\u{1B}[1;5D\u{1B}[1;5C\u{1B}b".unicodeScalars).map { .scalar($0) })
        #expect(decoded.keys == [.wordLeft, .wordRight, .alt("b")])
        let escapeThenControl = KeyDecoder.decode(Array("\u{1B}\u{06}\u{1B}\r".unicodeScalars).map { .scalar($0) })
        #expect(escapeThenControl.keys == [.escape, .control("f"), .newline])
    }

    @Test("code blocks of an answer, in order, an unfinished last one too")
    func codeBlocks() {
        let text = "Try:\n```swift\nlet a = 1\nprint(a)\n```\nor\n~~~\necho hi\n~~~\nand\n```\npartial"
        #expect(CodeBlocks.extract(text) == ["let a = 1\nprint(a)", "echo hi", "partial"])
        #expect(CodeBlocks.extract("no code").isEmpty)
    }
}
