import Foundation
import SLMAgent

extension App {
    /// Runs a slash command; a bad one is explained in the status bar.
    func runCommand(_ line: String) {
        let command: SlashCommand
        do {
            command = try SlashCommand.parse(line)
        } catch {
            state.notice = AppState.Notice(text: error.description, isError: true)
            return
        }
        switch command {
        case .model(let filter):
            if let filter, ModelPath.looksLikePath(filter) { return openModelFile(filter) }
            openModelPicker(filter: filter ?? "")
        case .agent(let name):
            let names = services.assistant.agentNames
            guard let name, name != "auto" else {
                state.agent = nil
                state.notice = AppState.Notice(text: "agents chosen per message", isError: false)
                return
            }
            guard names.contains(name) else {
                state.notice = AppState.Notice(text: "no agent \(name); agents: auto, \(names.joined(separator: ", "))", isError: true)
                return
            }
            state.agent = name
            state.notice = AppState.Notice(text: "agent \(name)", isError: false)
        case .new: newConversation()
        case .rename(let title):
            guard let id = state.conversationID else { return noConversation() }
            if let title {
                rename(id, to: title)
            } else {
                var editor = InputEditor()
                editor.setText(state.title)
                state.modal = .prompt(AppState.Prompt(title: "Rename", editor: editor, action: .rename(id)))
            }
        case .delete:
            guard let id = state.conversationID else { return noConversation() }
            state.modal = .confirm(AppState.Confirmation(
                message: "Delete \"\(state.title)\" and all its messages? This cannot be undone.", action: .deleteConversation(id)))
        case .export(let format):
            guard let id = state.conversationID else { return noConversation() }
            let folder = services.exportsFolder
            background { services, inbox in
                let export = try await services.assistant.export(id)
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                let file = folder.appendingPathComponent("conversation-\(id).\(format)")
                let data = format == "md" ? Data(export.markdown.utf8) : export.json
                try data.write(to: file, options: .atomic)
                inbox.post(.notice("saved \(file.path)", isError: false))
            }
        case .system(.show):
            guard let id = state.conversationID else {
                state.modal = .listing(AppState.Listing(title: "System prompt",
                                                        lines: [pendingSystemPrompt ?? "(none: the agents' own instructions only)"]))
                return
            }
            background { services, inbox in
                let prompt = try await services.assistant.conversation(id).systemPrompt
                inbox.post(.listing(AppState.Listing(title: "System prompt",
                                                     lines: (prompt ?? "(none: the agents' own instructions only)")
                                                         .components(separatedBy: "\n") + ["", "/system TEXT sets it, /system clear clears it"])))
            }
        case .system(let action):
            let prompt: String? = if case .set(let text) = action { text } else { nil }
            if let id = state.conversationID {
                background { services, inbox in
                    try await services.assistant.setSystemPrompt(of: id, to: prompt)
                    inbox.post(.notice(prompt == nil ? "system prompt cleared" : "system prompt set", isError: false))
                }
            } else {
                pendingSystemPrompt = prompt
                state.notice = AppState.Notice(
                    text: prompt == nil ? "system prompt cleared" : "system prompt set for the new conversation", isError: false)
            }
        case .set(.list):
            state.modal = .listing(AppState.Listing(title: "Sampling of this conversation", lines: SlashCommand.settingNames.map {
                "\($0.padding(toLength: 11, withPad: " ", startingAt: 0)) \(settingValue($0))"
            } + ["", "/set NAME VALUE changes one; values not set are the agent's own"]))
        case .set(.show(let name)):
            state.notice = AppState.Notice(text: "\(name) = \(settingValue(name))", isError: false)
        case .set(.value(let setting)):
            let name: String
            switch setting {
            case .temperature(let value): state.sampling.temperature = value; name = "temp"
            case .topP(let value): state.sampling.topP = value; name = "top_p"
            case .topK(let value): state.sampling.topK = value; name = "top_k"
            case .maxTokens(let value): state.sampling.maxTokens = value; name = "max_tokens"
            }
            state.notice = AppState.Notice(text: "\(name) = \(settingValue(name))", isError: false)
        case .copy(let block): copyLastAnswer(block: block)
        case .regenerate: regenerate()
        case .continueAnswer: continueAnswer()
        case .edit: editLastMessage()
        case .search(let query): openSearch(query: query ?? "")
        case .think(let on):
            if let on { state.thinking = on }
            state.notice = AppState.Notice(
                text: state.thinking ? "thinking on: thinking models think before they answer" : "thinking off", isError: false)
        case .stats: toggleFigures()
        case .mouse: toggleMouse()
        case .trace:
            let clock = DateFormatter()
            clock.dateFormat = "HH:mm:ss"
            state.modal = .listing(AppState.Listing(title: "Tool trace", lines: state.trace.flatMap { entry in
                ["\(clock.string(from: entry.time)) \(entry.text)"]
            }))
        case .tasks: openRecords(.tasks)
        case .drafts: openRecords(.drafts)
        case .notes: openRecords(.notes)
        case .undo(let id): undoLastChange(id)
        case .changes:
            background { services, inbox in
                let changes = try await services.assistant.changes(limit: 200)
                let clock = DateFormatter()
                clock.dateFormat = "MM-dd HH:mm"
                inbox.post(.listing(AppState.Listing(title: "Changes — /undo N reverts one", lines: changes.map { change in
                    "\(change.id). \(clock.string(from: change.createdAt)) \(change.byAgent ? "agent" : "you  ") "
                        + change.summary + (change.isUndone ? "  (undone)" : "")
                })))
            }
        case .server(let action): runServerCommand(action)
        case .theme(let name):
            guard let name else { return setTheme(services.themes.next(after: theme.name)) }
            guard let theme = services.themes.named(name) else {
                state.notice = AppState.Notice(
                    text: "no theme \(name); themes: \(services.themes.themes.map(\.name).joined(separator: ", "))", isError: true)
                return
            }
            setTheme(theme)
        case .help: state.modal = .help
        case .quit: quit()
        }
    }

    /// A `/set` value as chosen, or that the agent chooses it.
    private func settingValue(_ name: String) -> String {
        let chosen: String? = switch name {
        case "temp": state.sampling.temperature.map { String(format: "%g", $0) }
        case "top_p": state.sampling.topP.map { String(format: "%g", $0) }
        case "top_k": state.sampling.topK.map(String.init)
        default: state.sampling.maxTokens.map(String.init)
        }
        return chosen ?? "(the agent's default)"
    }

    private func noConversation() {
        state.notice = AppState.Notice(text: "no conversation yet — send a message first", isError: true)
    }
}
