import Foundation
import SLMAgent
import SLMEngine
import SLMTUI
import Testing

/// Whole screens drawn into memory, checked cell by cell.
@Suite("Views")
struct ViewTests {
    static func sampleState() -> AppState {
        var state = AppState()
        state.title = "Invoices"
        state.modelName = "gemma3-270m"
        state.agent = "planner"
        state.entries = [
            ChatEntry(speaker: .user, text: "Remind me to send the invoice next Friday."),
            ChatEntry(speaker: .assistant(agent: "planner"), text: "Added **Send the invoice**, due `2026-12-04`."),
            ChatEntry(speaker: .assistant(agent: "assistant"), text: "half an answ", state: .cancelled),
        ]
        state.trace = [TraceEntry(kind: .route, text: "planner (keywords: remind)"),
                       TraceEntry(kind: .call, text: "tasks_add {\"title\": \"Send the invoice\"}"),
                       TraceEntry(kind: .result(ok: true), text: "tasks_add succeeded 3 ms")]
        state.resources.decodeRate = 52.3
        state.resources.recentRates = [40, 52.3]
        state.resources.residentBytes = 412_000_000
        state.resources.budgetBytes = 2_048_000_000
        state.resources.cachedTokens = 1200
        state.resources.contextLength = 8192
        state.resources.modelName = "gemma3-270m"
        state.resources.modelDetail = "gemma3 · Q4_K_M · 268M · KV q8_0 26 MB"
        return state
    }

    @Test("at 120×40 the chat, tools and resources sit side by side above the input and status bar")
    func wide() {
        let (grid, cursor) = MainView.render(Self.sampleState(), width: 120, height: 40)
        #expect(grid.row(0).hasPrefix("┌ Invoices "))
        #expect(grid.row(0).contains("┌ tools "))
        #expect(grid.text.contains("┌ resources "))
        #expect(grid.text.contains("Added Send the invoice, due 2026-12-04."))
        #expect(grid.text.contains("assistant · ") && grid.text.contains(" · stopped"))
        #expect(grid.text.contains("→ planner (keywords: remind)"))
        #expect(grid.text.contains("decode  52.3 t/s"))
        #expect(grid.text.contains("RSS     412/2048 MB"))
        #expect(grid.text.contains("KV      1.2k/8.2k"))
        // the model's detail wraps in the narrow pane, so the cache's precision is seen
        #expect(grid.text.contains("gemma3 · Q4_K_M") && grid.text.contains("q8_0 26 MB"))
        #expect(grid.row(39).hasPrefix(" gemma3-270m · planner · \"Invoices\""))
        #expect(grid.row(39).hasSuffix("Ctrl-Q quit "))
        #expect(grid.row(37).contains("› Message"))
        #expect(cursor != nil)
    }

    @Test("below 100 columns the panes become tabs")
    func narrow() {
        var state = Self.sampleState()
        var grid = MainView.render(state, width: 60, height: 20).grid
        #expect(grid.row(0).hasPrefix(" F2 chat  F3 trace  F4 resources"))
        #expect(grid.row(1).hasPrefix("┌ Invoices"))
        #expect(!grid.text.contains("┌ tools"))
        state.tab = .trace
        grid = MainView.render(state, width: 60, height: 20).grid
        #expect(grid.row(1).hasPrefix("┌ tools"))
        state.tab = .resources
        grid = MainView.render(state, width: 60, height: 20).grid
        #expect(grid.text.contains("decode  52.3 t/s"))
    }

    @Test("a terminal too small gets a notice, and nothing breaks down to nothing at all", arguments: [
        (20, 6), (39, 30), (100, 9), (5, 2), (1, 1), (0, 0),
    ])
    func tiny(width: Int, height: Int) {
        let (grid, cursor) = MainView.render(Self.sampleState(), width: width, height: height)
        #expect(cursor == nil)
        if width >= 18, height >= 3 { #expect(grid.text.contains("Terminal too small")) }
    }

    @Test("model text is sanitised and wide characters are laid out by width")
    func hostileText() {
        var state = AppState()
        state.entries = [ChatEntry(speaker: .assistant(agent: "assistant"), text: "red\u{1B}[31m bell\u{07} 日本語😀 e\u{301} \u{202E}gnp.exe")]
        let grid = MainView.render(state, width: 100, height: 20).grid
        for y in 0..<grid.height {
            for x in 0..<grid.width {
                #expect(!grid[x, y].text.unicodeScalars.contains(where: TerminalText.isUnsafe))
            }
        }
        #expect(grid.text.contains("red␛[31m bell␇ 日本語😀 e\u{301} \\u{202E}gnp.exe"))
    }

    @Test("a long conversation scrolls from its end and says how much is below")
    func scrolling() {
        var state = AppState()
        state.entries = (0..<40).map { ChatEntry(speaker: .user, text: "message \($0)") }
        var grid = MainView.render(state, width: 100, height: 20).grid
        #expect(grid.text.contains("message 39") && !grid.text.contains("message 0\n"))
        state.chatScroll = 30
        grid = MainView.render(state, width: 100, height: 20).grid
        #expect(grid.text.contains("↓ 30 more"))
        #expect(!grid.text.contains("message 39"))
    }

    @Test("dialogs: the picker with its progress, an approval, help")
    func dialogs() {
        var state = Self.sampleState()
        var picker = ModelPicker(choices: [
            ModelChoice(name: "gemma3-270m", detail: "gemma3 · 268M · Q4_K_M · 253.1 MB · fits · library", isInstalled: true, isCurrent: true),
            ModelChoice(name: "qwen2.5-0.5b-instruct", detail: "qwen2 · 494M · Q4_K_M · 398 MB · download", isInstalled: false, isCurrent: false),
            ModelChoice(name: "broken.gguf", detail: "", isInstalled: true, isCurrent: false, unusable: "not a GGUF file"),
        ])
        picker.progress = ("downloading qwen2.5-0.5b-instruct…", 0.5)
        state.modal = .models(picker)
        var grid = MainView.render(state, width: 120, height: 40).grid
        #expect(grid.text.contains("┌ Models "))
        #expect(grid.text.contains("● gemma3-270m  (loaded)"))
        #expect(grid.text.contains("↓ qwen2.5-0.5b-instruct"))
        #expect(grid.text.contains("unusable: not a GGUF file"))
        #expect(grid.text.contains("50%"))
        picker.filter = "qwen"
        picker.progress = nil
        state.modal = .models(picker)
        grid = MainView.render(state, width: 120, height: 40).grid
        #expect(!grid.text.contains("gemma3-270m  (loaded)"))
        state.modal = .approval(ApprovalRequest(id: 1, tool: "tasks_delete", arguments: .object(["id": .number(2)]),
                                                reason: "tasks_delete cannot be undone"))
        grid = MainView.render(state, width: 120, height: 40).grid
        #expect(grid.text.contains("Allow tasks_delete?") && grid.text.contains("y allow · n deny"))
        state.modal = .help
        grid = MainView.render(state, width: 120, height: 40).grid
        #expect(grid.text.contains("┌ Keys ") && grid.text.contains("stop the answer"))
    }

    @Test("the chat wraps an entry once and again only when it or the width changes")
    func layoutCache() {
        let cache = ChatLayoutCache()
        let long = String(repeating: "word ", count: 40_000)
        var entries = [ChatEntry(speaker: .user, text: long), ChatEntry(speaker: .assistant(agent: "assistant"), text: "hi")]
        var wrapped = 0
        func lines(width: Int) -> [[StyledLine]] {
            cache.lines(entries.map { ChatLayoutCache.Key(entry: $0) }, width: width) { key in
                wrapped += 1
                return [Array(key.entry.text.prefix(width)).map { ($0, Style(.text)) }]
            }
        }
        _ = lines(width: 80)
        #expect(wrapped == 2)
        _ = lines(width: 80)
        #expect(wrapped == 2, "an idle frame wraps nothing")
        entries[1].text += " there"
        let after = lines(width: 80)
        #expect(wrapped == 3 && after.count == 2)
        _ = lines(width: 60)
        #expect(wrapped == 5)
        entries.removeLast()
        #expect(lines(width: 60).count == 1 && wrapped == 5)
    }
}
