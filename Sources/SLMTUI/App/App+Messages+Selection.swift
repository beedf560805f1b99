import Foundation
import SLMAgent

/// Working with the messages already in the chat: choosing one, its branches, copying,
/// editing, regenerating and continuing.
extension App {
    // MARK: - Choosing a message

    /// Esc with nothing running: the focus goes to the messages, the last one chosen.
    func focusMessages() {
        guard !state.entries.isEmpty else {
            state.notice = nil
            return
        }
        state.focus = .messages
        selectEntry(at: state.entries.count - 1)
    }

    func selectEntry(step: Int) {
        selectEntry(at: (state.selectedEntry ?? state.entries.count - 1) + step)
    }

    /// Chooses entry `index` (kept within the chat) and scrolls so it is in view.
    func selectEntry(at index: Int) {
        guard !state.entries.isEmpty else { return }
        let index = min(max(0, index), state.entries.count - 1)
        state.selectedEntry = index
        let width = MainView.chatTextWidth(screenWidth: screen.size.width)
        let total = ChatView.lineCount(state, width: width)
        let range = ChatView.lineRange(of: index, in: state, width: width)
        let height = max(1, chatHeight)
        // the visible window is [total - height - scroll, total - scroll)
        let bottom = total - state.chatScroll
        if range.upperBound > bottom {
            state.chatScroll = max(0, total - range.upperBound)
        } else if range.lowerBound < bottom - height {
            state.chatScroll = max(0, min(total - height, total - range.lowerBound - height))
        }
    }

    /// Rows the chat pane shows now, about.
    private var chatHeight: Int {
        let (width, height) = screen.size
        let input = min(InputView.height(for: state.input, width: width), height / 3)
        return height - 1 - input - 2 - (width >= MainView.sideBySideWidth ? 0 : 1)
    }

    /// ← →: shows the previous or next alternative of the chosen message.
    func switchBranch(of index: Int, step: Int) {
        guard let branch = state.entries[index].branch, let id = state.conversationID else {
            state.notice = AppState.Notice(text: "this message has no other branches", isError: false)
            return
        }
        guard !state.generating else { return busy() }
        let target = branch.index + step
        guard (0..<branch.count).contains(target) else { return }
        background { services, inbox in
            let transcript = try await services.assistant.showBranch(branch.anchor, step: step, in: id)
            inbox.post(.entriesRefreshed(conversationID: id, entries: transcript.messages.map(ChatEntry.init),
                                         select: index))
        }
    }

    // MARK: - Copying

    /// Copies an entry's text, or its `block`th code block (1-based), and says so.
    func copy(_ entry: ChatEntry, block: Int?) {
        var text = entry.text
        var what = entry.isAnswer ? "the answer" : "the message"
        if let block {
            let blocks = CodeBlocks.extract(entry.text)
            guard block <= blocks.count else {
                state.notice = AppState.Notice(
                    text: blocks.isEmpty ? "no code blocks in \(what)" : "\(what) has \(blocks.count) code block\(blocks.count == 1 ? "" : "s")",
                    isError: true)
                return
            }
            text = blocks[block - 1]
            what = "code block \(block)"
        }
        guard !text.isEmpty else {
            state.notice = AppState.Notice(text: "nothing to copy", isError: true)
            return
        }
        screen.copyToClipboard(text)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count
        state.notice = AppState.Notice(
            text: "copied \(what): \(lines) line\(lines == 1 ? "" : "s"), \(text.count) characters", isError: false)
    }

    func copyLastAnswer(block: Int?) {
        guard let entry = state.entries.last(where: \.isAnswer) else {
            state.notice = AppState.Notice(text: "no answer to copy yet", isError: true)
            return
        }
        copy(entry, block: block)
    }

    func toggleFigures() {
        state.showFigures.toggle()
        state.notice = AppState.Notice(text: state.showFigures ? "figures shown under answers" : "figures hidden", isError: false)
    }

    func toggleMouse() {
        state.mouseCaptured.toggle()
        screen.captureMouse(state.mouseCaptured)
        state.notice = AppState.Notice(
            text: state.mouseCaptured ? "mouse on: the wheel scrolls" : "mouse off: the terminal selects text (F6 turns it on)",
            isError: false)
    }

    // MARK: - Regenerate, edit, continue

    /// Answers the last question again; the old answer stays as a branch.
    func regenerate() {
        guard !state.generating else { return busy() }
        guard let id = state.conversationID, let question = state.entries.lastIndex(where: { $0.speaker == .user }) else {
            state.notice = AppState.Notice(text: "nothing to regenerate yet", isError: true)
            return
        }
        guard selectedModel != nil else { return noModel() }
        state.entries.removeSubrange((question + 1)...)
        state.entries.append(ChatEntry(speaker: .assistant(agent: state.agent ?? "…"), text: "", state: .streaming))
        let options = turnOptions()
        beginTurn { assistant in try await assistant.regenerate(conversation: id, options: options) }
    }

    /// e on a message of yours: its text goes to the message box; Enter sends it as a
    /// branch beside the old one.
    func startEdit(of index: Int) {
        guard !state.generating else { return busy() }
        guard let messageID = state.entries[index].messageID else {
            state.notice = AppState.Notice(text: "this message is not saved yet", isError: true)
            return
        }
        if !state.input.isEmpty, state.editing == nil { _ = state.input.take() }
        state.input.setText(state.entries[index].text)
        state.editing = messageID
        state.focus = .input
        state.notice = AppState.Notice(text: "editing — Enter sends it as a new branch, Esc cancels", isError: false)
    }

    /// `/edit`: the last message of yours.
    func editLastMessage() {
        guard let index = state.entries.lastIndex(where: { $0.speaker == .user }) else {
            state.notice = AppState.Notice(text: "no message of yours to edit", isError: true)
            return
        }
        startEdit(of: index)
    }

    func cancelEdit() {
        state.editing = nil
        state.input.setText("")
        state.notice = AppState.Notice(text: "edit cancelled", isError: false)
    }

    func sendEdit(of messageID: Int, text: String) {
        guard let id = state.conversationID, let index = state.entries.firstIndex(where: { $0.messageID == messageID }) else {
            state.editing = nil
            send(text)
            return
        }
        state.editing = nil
        state.entries.removeSubrange(index...)
        state.entries.append(ChatEntry(speaker: .user, text: text))
        state.entries.append(ChatEntry(speaker: .assistant(agent: state.agent ?? "…"), text: "", state: .streaming))
        let options = turnOptions()
        beginTurn { assistant in try await assistant.edit(messageID, in: id, to: text, options: options) }
    }

    /// `/continue`: carries on the last answer in the same message.
    func continueAnswer() {
        guard !state.generating else { return busy() }
        guard let id = state.conversationID, let last = state.entries.indices.last, state.entries[last].isAnswer else {
            state.notice = AppState.Notice(text: "no answer to continue", isError: true)
            return
        }
        guard selectedModel != nil else { return noModel() }
        state.entries[last].state = .streaming
        state.entries[last].figures = nil
        let options = turnOptions()
        beginTurn { assistant in try await assistant.continueAnswer(conversation: id, options: options) }
    }

    func busy() {
        state.notice = AppState.Notice(text: "still answering — Esc stops it", isError: true)
    }

    func noModel() {
        state.notice = AppState.Notice(text: "no model loaded — Ctrl-P to choose one", isError: true)
    }
}
