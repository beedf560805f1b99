import Foundation
import SLMAgent

extension App {
    /// Routes a key to the open dialog, or to the main screen.
    func handle(_ key: Key) {
        if key == .resize { return }
        if case .alt(let character) = key {
            // no command uses an Alt chord: it is an Esc that arrived with the next key
            // still waiting (a busy frame), and that key is text the user typed
            handle(.escape)
            return handle(.character(character))
        }
        if case .control("c") = key {
            // as in a shell: the first Ctrl-C clears what was typed (kept in the input
            // history, so ↑ brings it back); with nothing typed it quits
            guard state.modal == nil, !state.input.isEmpty else { return quit() }
            _ = state.input.take()
            state.notice = AppState.Notice(text: "input cleared (↑ brings it back) — Ctrl-C again quits", isError: false)
            return
        }
        if case .control("q") = key { return quit() }
        if let modal = state.modal {
            handleModal(modal, key)
        } else {
            handleMain(key)
        }
    }

    private func handleMain(_ key: Key) {
        switch key {
        case .enter: submit()
        case .newline: state.input.newline()
        case .paste(let text): state.input.insert(text)
        case .character("?") where state.input.isEmpty: state.modal = .help
        case .character(let character): state.input.insert(String(character))
        case .tab: state.input.insert("    ")
        case .backspace: state.input.backspace()
        case .delete: state.input.deleteForward()
        case .left: state.input.left()
        case .right: state.input.right()
        case .home: state.input.lineStart()
        case .end: state.input.lineEnd()
        case .up: state.input.up()
        case .down: state.input.down()
        case .control("a"): state.input.lineStart()
        case .control("e"): state.input.lineEnd()
        case .control("w"): state.input.deleteWordBackward()
        case .control("u"): state.input.deleteToLineStart()
        case .control("k"): state.input.deleteToLineEnd()
        case .control("p"): openModelPicker(filter: "")
        case .control("l"): openConversations()
        case .control("n"): newConversation()
        case .control("t"): setTheme(services.themes.next(after: theme.name))
        case .escape:
            if state.generating { stopAnswer() } else { state.notice = nil }
        case .pageUp, .wheelUp: scrollChat(by: state.modal == nil ? pageSize : 3, up: true, wheel: key == .wheelUp)
        case .pageDown, .wheelDown: scrollChat(by: pageSize, up: false, wheel: key == .wheelDown)
        case .function(1): state.modal = .help
        case .function(2): state.tab = .chat
        case .function(3): state.tab = .trace
        case .function(4): state.tab = .resources
        default: break
        }
    }

    private var pageSize: Int { max(1, screen.size.height - 10) }

    private func scrollChat(by lines: Int, up: Bool, wheel: Bool) {
        let step = wheel ? 3 : lines
        let width = MainView.chatTextWidth(screenWidth: screen.size.width)
        let total = ChatView.lineCount(state.entries, width: width, cache: state.chatLayout)
        let maximum = max(0, total - pageSize)
        state.chatScroll = up ? min(maximum, state.chatScroll + step) : max(0, state.chatScroll - step)
    }

    /// Enter: a slash command, or a message to the agent.
    private func submit() {
        let text = state.input.text
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return }
        if text.hasPrefix("/") {
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
        send(state.input.take())
    }

    private func handleModal(_ modal: AppState.Modal, _ key: Key) {
        switch modal {
        case .help, .listing:
            if key == .escape || key == .enter || key == .character("q") || key == .function(1) { state.modal = nil }
        case .models(var picker):
            handlePicker(&picker, key)
        case .conversations(var list):
            handleConversations(&list, key)
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

    private func handlePicker(_ picker: inout ModelPicker, _ key: Key) {
        let count = picker.visible.count
        switch key {
        case .escape: state.modal = nil; return
        case .up: picker.selection = max(0, picker.selection - 1)
        case .down: picker.selection = min(max(0, count - 1), picker.selection + 1)
        case .pageUp: picker.selection = max(0, picker.selection - 5)
        case .pageDown: picker.selection = min(max(0, count - 1), picker.selection + 5)
        case .backspace: picker.filter = String(picker.filter.dropLast()); picker.selection = 0
        case .control("u"): picker.filter = ""; picker.selection = 0
        case .character(let character): picker.filter.append(character); picker.selection = 0
        case .paste(let text): picker.filter += text; picker.selection = 0
        case .enter:
            let visible = picker.visible
            guard picker.selection < visible.count else { return }
            picker.error = nil
            state.modal = .models(picker)
            choose(visible[picker.selection].name)
            return
        default: break
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
        case .character(let character):
            list.filter.append(character)
            list.selection = 0
        case .paste(let text):
            list.filter += text.replacingOccurrences(of: "\n", with: " ")
            list.selection = 0
        case .backspace:
            if !list.filter.isEmpty { list.filter.removeLast() }
            list.selection = 0
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
        default: break
        }
        state.modal = .conversations(list)
    }
}
