import Foundation
import SLMAgent

extension App {
    /// Routes a key to the open dialog, the messages, or the message box.
    func handle(_ key: Key) {
        if key == .resize { return }
        if case .alt(let character) = key {
            switch character {
            case "b": return handle(.wordLeft)
            case "f": return handle(.wordRight)
            default:
                // no other command uses an Alt chord: it is an Esc that arrived with the next
                // key still waiting (a busy frame), and that key is text the user typed
                handle(.escape)
                return handle(.character(character))
            }
        }
        if case .control("c") = key {
            // as in a shell: the first Ctrl-C clears what was typed (kept in the input
            // history, so ↑ brings it back); with nothing typed it quits
            guard state.modal == nil, !state.input.isEmpty else { return quit() }
            _ = state.input.take()
            state.editing = nil
            state.notice = AppState.Notice(text: "input cleared (↑ brings it back) — Ctrl-C again quits", isError: false)
            return
        }
        if case .control("q") = key { return quit() }
        if let modal = state.modal {
            handleModal(modal, key)
        } else if state.focus == .messages {
            handleMessages(key)
        } else {
            handleMain(key)
        }
    }

    private func handleMain(_ key: Key) {
        if handleGlobal(key) { return }
        switch key {
        case .enter: submit()
        case .newline: state.input.newline()
        case .paste(let text): state.input.insert(text)
        case .character("?") where state.input.isEmpty: state.modal = .help
        case .character(let character): state.input.insert(String(character))
        case .tab: complete()
        case .backspace: state.input.backspace()
        case .delete: state.input.deleteForward()
        case .left: state.input.left()
        case .right: state.input.right()
        case .wordLeft: state.input.wordLeft()
        case .wordRight: state.input.wordRight()
        case .home: state.input.lineStart()
        case .end: state.input.lineEnd()
        case .up: state.input.up()
        case .down: state.input.down()
        case .control("a"): state.input.lineStart()
        case .control("e"): state.input.lineEnd()
        case .control("w"): state.input.deleteWordBackward()
        case .control("u"): state.input.deleteToLineStart()
        case .control("k"): state.input.deleteToLineEnd()
        case .escape:
            if state.generating {
                stopAnswer()
            } else if state.editing != nil {
                cancelEdit()
            } else {
                focusMessages()
            }
        default: break
        }
    }

    /// Keys that act the same with the focus on the input or on the messages.
    private func handleGlobal(_ key: Key) -> Bool {
        switch key {
        case .control("p"): openModelPicker(filter: "")
        case .control("l"): openConversations()
        case .control("n"): newConversation()
        case .control("t"): setTheme(services.themes.next(after: theme.name))
        case .control("f"): openSearch(query: "")
        case .control("y"): copyLastAnswer(block: nil)
        case .control("r"): regenerate()
        case .control("z"): undoLastChange()
        case .pageUp, .wheelUp: scrollChat(by: pageSize, up: true, wheel: key == .wheelUp)
        case .pageDown, .wheelDown: scrollChat(by: pageSize, up: false, wheel: key == .wheelDown)
        case .function(1): state.modal = .help
        case .function(2): state.tab = .chat
        case .function(3): state.tab = .trace
        case .function(4): state.tab = .resources
        case .function(5): toggleFigures()
        case .function(6): toggleMouse()
        case .function(7): openRecords(.tasks)
        case .function(8): openRecords(.drafts)
        case .function(9): openRecords(.notes)
        default: return false
        }
        return true
    }

    /// With the focus on the messages: ↑↓ choose one, ←→ show its other branches, c copies
    /// it (1–9 a code block of it), e edits it, r regenerates; Esc or i goes back.
    private func handleMessages(_ key: Key) {
        if handleGlobal(key) { return }
        guard let index = state.selectedEntry, index < state.entries.count else {
            state.focus = .input
            return
        }
        let entry = state.entries[index]
        switch key {
        case .up, .character("k"): selectEntry(step: -1)
        case .down, .character("j"): selectEntry(step: 1)
        case .home, .character("g"): selectEntry(at: 0)
        case .end, .character("G"): selectEntry(at: state.entries.count - 1)
        case .left, .character("h"): switchBranch(of: index, step: -1)
        case .right, .character("l"): switchBranch(of: index, step: 1)
        case .character("c"), .character("y"): copy(entry, block: nil)
        case .character(let digit) where digit.wholeNumberValue.map { (1...9).contains($0) } == true:
            copy(entry, block: digit.wholeNumberValue)
        case .character("e"), .enter:
            if entry.speaker == .user { startEdit(of: index) } else if key == .enter { copy(entry, block: nil) }
        case .character("r"):
            regenerate()
        case .character("t"):
            guard !entry.thinking.isEmpty else {
                state.notice = AppState.Notice(text: "this answer has no thinking", isError: false)
                return
            }
            state.entries[index].showsThinking.toggle()
        case .escape, .character("i"), .tab:
            state.focus = .input
        case .character(let character):
            // typing goes to the message box, as the user surely meant
            state.focus = .input
            state.input.insert(String(character))
        case .paste(let text):
            state.focus = .input
            state.input.insert(text)
        default: break
        }
    }

    var pageSize: Int { max(1, screen.size.height - 10) }

    private func scrollChat(by lines: Int, up: Bool, wheel: Bool) {
        let step = wheel ? 3 : lines
        let width = MainView.chatTextWidth(screenWidth: screen.size.width)
        let total = ChatView.lineCount(state, width: width)
        let maximum = max(0, total - pageSize)
        state.chatScroll = up ? min(maximum, state.chatScroll + step) : max(0, state.chatScroll - step)
    }

    /// Enter: a slash command, or a message to the agent (a rewrite, when editing).
    private func submit() {
        let text = state.input.text
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return }
        if text.hasPrefix("/"), state.editing == nil {
            _ = state.input.take()
            runCommand(text)
            return
        }
        guard !state.generating else {
            state.notice = AppState.Notice(text: "still answering — Esc stops it", isError: true)
            return
        }
        guard selectedModel != nil else {
            // the message stays in the box: nothing typed is lost
            state.notice = AppState.Notice(text: "no model loaded — Ctrl-P to choose one", isError: true)
            return
        }
        if let editing = state.editing {
            sendEdit(of: editing, text: state.input.take())
        } else {
            send(state.input.take())
        }
    }

    /// Tab: completes a slash command, listing the candidates when there are several.
    private func complete() {
        let text = state.input.text
        guard text.hasPrefix("/"), !text.contains(" "), !text.contains("\n") else {
            if !state.input.isEmpty {
                state.notice = AppState.Notice(text: "Tab completes /commands", isError: false)
            }
            return
        }
        let completion = SlashCommand.complete(text)
        if completion.text != text { state.input.setText(completion.text) }
        if completion.candidates.count > 1 {
            state.notice = AppState.Notice(text: completion.candidates.map { "/" + $0 }.joined(separator: " "), isError: false)
        } else if completion.candidates.isEmpty {
            state.notice = AppState.Notice(text: "no command starts with \(text)", isError: true)
        }
    }

    private func handleModal(_ modal: AppState.Modal, _ key: Key) {
        switch modal {
        case .help:
            if key == .escape || key == .enter || key == .character("q") || key == .function(1) { state.modal = nil }
        case .listing(var listing):
            switch key {
            case .escape, .enter, .character("q"): state.modal = nil; return
            case .up, .wheelUp: listing.offset = max(0, listing.offset - (key == .up ? 1 : 3))
            case .down, .wheelDown: listing.offset += key == .down ? 1 : 3
            case .pageUp: listing.offset = max(0, listing.offset - pageSize)
            case .pageDown: listing.offset += pageSize
            case .home: listing.offset = 0
            case .end: listing.offset = Int.max / 2
            default: return
            }
            // never scrolled past the end
            let width = min(screen.size.width - 2, 84) - 4
            let rows = max(0, screen.size.height - 6)
            listing.offset = min(listing.offset, max(0, ModalView.wrappedLines(listing, width: width).count - rows))
            state.modal = .listing(listing)
        case .models(var picker):
            handlePicker(&picker, key)
        case .conversations(var list):
            handleConversations(&list, key)
        case .search(var panel):
            handleSearch(&panel, key)
        case .records(var browser):
            handleRecords(&browser, key)
        case .approval(let request):
            switch key {
            case .character("y"), .character("Y"): answer(request, approved: true)
            case .character("n"), .character("N"), .escape: answer(request, approved: false)
            default: break
            }
        case .confirm(let confirmation):
            switch key {
            case .character("y"), .character("Y"):
                state.modal = nil
                confirm(confirmation.action)
            case .character("n"), .character("N"), .escape: state.modal = nil
            default: break
            }
        case .prompt(var prompt):
            switch key {
            case .escape: state.modal = nil
            case .enter:
                state.modal = nil
                let text = prompt.editor.text.trimmingCharacters(in: .whitespacesAndNewlines)
                if case .rename(let id) = prompt.action, !text.isEmpty { rename(id, to: text) }
            case .backspace: prompt.editor.backspace(); state.modal = .prompt(prompt)
            case .character(let character): prompt.editor.insert(String(character)); state.modal = .prompt(prompt)
            case .paste(let text): prompt.editor.insert(text.replacingOccurrences(of: "\n", with: " ")); state.modal = .prompt(prompt)
            case .control("u"): prompt.editor.deleteToLineStart(); state.modal = .prompt(prompt)
            default: break
            }
        }
    }

    private func handleSearch(_ panel: inout SearchPanel, _ key: Key) {
        if key != .enter { panel.opensWhenReady = false }
        switch key {
        case .escape: state.modal = nil; return
        case .up: panel.selection = max(0, panel.selection - 1)
        case .down: panel.selection = min(max(0, panel.results.count - 1), panel.selection + 1)
        case .backspace:
            if !panel.query.isEmpty { panel.query.removeLast() }
            search(&panel)
        case .control("u"):
            panel.query = ""
            search(&panel)
        case .character(let character):
            panel.query.append(character)
            search(&panel)
        case .paste(let text):
            panel.query += text.replacingOccurrences(of: "\n", with: " ")
            search(&panel)
        case .enter:
            guard panel.isCurrent else {
                // the results still belong to fewer letters: open the first when they come
                panel.opensWhenReady = true
                break
            }
            state.modal = nil
            if panel.selection < panel.results.count { openSearchResult(panel.results[panel.selection]) }
            return
        default: break
        }
        state.modal = .search(panel)
    }

    private func handlePicker(_ picker: inout ModelPicker, _ key: Key) {
        let count = picker.visible.count
        switch key {
        case .escape: state.modal = nil; return
        case .up: picker.selection = max(0, picker.selection - 1)
        case .down: picker.selection = min(max(0, count - 1), picker.selection + 1)
        case .pageUp: picker.selection = max(0, picker.selection - 5)
        case .pageDown: picker.selection = min(max(0, count - 1), picker.selection + 5)
        case .enter:
            let visible = picker.visible
            picker.error = nil
            state.modal = .models(picker)
            if picker.selection < visible.count {
                choose(visible[picker.selection].name)
            } else if ModelPath.looksLikePath(picker.filter) {
                // no listed model matches a path typed in the filter: open that file
                openModelFile(picker.filter)
            }
            return
        default:
            if FilterEditing.apply(key, to: &picker.filter) { picker.selection = 0 }
        }
        state.modal = .models(picker)
    }

    /// Typing filters the list (letters never act on a conversation); Ctrl-R renames, Del
    /// or Ctrl-D deletes after a confirmation that names it.
    private func handleConversations(_ list: inout ConversationPicker, _ key: Key) {
        let visible = list.visible
        let selected = list.selection < visible.count ? visible[list.selection] : nil
        switch key {
        case .escape: state.modal = nil; return
        case .up: list.selection = max(0, list.selection - 1)
        case .down: list.selection = min(max(0, visible.count - 1), list.selection + 1)
        case .enter:
            state.modal = nil
            if let selected { open(selected) }
            return
        case .control("r"):
            if let selected {
                var editor = InputEditor()
                editor.setText(selected.title)
                state.modal = .prompt(AppState.Prompt(title: "Rename", editor: editor, action: .rename(selected.id)))
            }
            return
        case .delete, .control("d"):
            if let selected {
                state.modal = .confirm(AppState.Confirmation(
                    message: "Delete \"\(selected.title)\" and all its messages? This cannot be undone.",
                    action: .deleteConversation(selected.id)))
            }
            return
        case .control("n"):
            state.modal = nil
            newConversation()
            return
        default:
            if FilterEditing.apply(key, to: &list.filter) { list.selection = 0 }
        }
        state.modal = .conversations(list)
    }
}
