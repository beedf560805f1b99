import Foundation
import SLMAgent

extension App {
    /// Folds a message from background work into the state.
    func apply(_ message: AppMessage) {
        switch message {
        case .agent(let id, let event):
            guard id == turn?.id else { return }
            apply(event)
        case .turnStarted(let id, let handle):
            guard id == turn?.id else { return handle.cancel() }
            if turn?.cancelRequested == true { handle.cancel() }
            turn?.handle = handle
        case .turnEnded(let id):
            guard id == turn?.id else { return }
            turn = nil
            state.generating = false
            if case .assistant(_)? = state.entries.last?.speaker, state.entries.last?.state == .streaming {
                state.entries[state.entries.count - 1].state = .cancelled
            }
            // a notice about the answer is stale once it ended
            if state.notice?.text.hasPrefix("still answering") == true { state.notice = nil }
            refreshEntries()
        case .conversationOpened(let conversation, let entries, let trace, let unsent):
            state.conversationID = conversation.id
            state.title = conversation.title
            state.entries = entries
            state.trace = trace
            state.chatScroll = 0
            state.focus = .input
            state.editing = nil
            state.notice = nil
            pendingSystemPrompt = nil
            state.input.setText(unsent)
            keptInput = (conversation.id, unsent)
        case .entriesRefreshed(let id, let entries, let select):
            guard id == state.conversationID, !state.generating else { return }
            // the app's own notes at the end (why a turn failed) are not saved: keep them
            let notes = state.entries.reversed().prefix { if case .notice = $0.speaker { true } else { false } }
            // what only the live turn knew (how long it thought, what is open) carries over
            var refreshed = entries
            for index in refreshed.indices where index < state.entries.count && state.entries[index].text == refreshed[index].text {
                refreshed[index].thinkingSeconds = state.entries[index].thinkingSeconds
                refreshed[index].showsThinking = state.entries[index].showsThinking
            }
            state.entries = refreshed + notes.reversed()
            if let select, state.focus == .messages { selectEntry(at: select) }
            if let selected = state.selectedEntry, selected >= entries.count { state.selectedEntry = entries.count - 1 }
        case .searchResults(let query, let results):
            guard case .search(var panel)? = state.modal, panel.query == query else { return }
            panel.results = results
            panel.searched = query
            panel.selection = min(panel.selection, max(0, results.count - 1))
            state.modal = .search(panel)
            if panel.opensWhenReady {
                state.modal = nil
                if let first = results.first { openSearchResult(first) }
            }
        case .selectMessage(let messageID):
            guard let index = state.entries.firstIndex(where: { ($0.messageID ?? 0) >= messageID }) ?? state.entries.indices.last
            else { return }
            state.focus = .messages
            selectEntry(at: index)
        case .unsentInput(let id, let text):
            guard id == state.conversationID, state.input.isEmpty else { return }
            state.input.setText(text)
            keptInput = (id, text)
        case .conversations(let conversations):
            if case .conversations(var list)? = state.modal {
                list.conversations = conversations
                list.selection = list.visible.firstIndex { $0.id == state.conversationID } ?? 0
                state.modal = .conversations(list)
            }
        case .models(let models):
            discovered = models
            if case .models(var picker)? = state.modal {
                picker.choices = modelChoices()
                state.modal = .models(picker)
            }
        case .serverModels(let offered):
            serverModels = offered
            if case .models(var picker)? = state.modal {
                picker.choices = modelChoices()
                state.modal = .models(picker)
            }
        case .modelFile(let model):
            namedFiles.removeAll { $0.path == model.path }
            namedFiles.append(model)
        case .modelLoaded(let reference, let detail, let contextLength, let server):
            selectedModel = reference
            state.modelName = reference.name
            state.resources.modelName = reference.name
            state.resources.modelDetail = detail
            state.resources.contextLength = server == nil ? contextLength : nil
            state.resources.cachedTokens = server == nil ? state.resources.cachedTokens : nil
            state.resources.server = server
            state.trace.append(TraceEntry(kind: .model, text: (server == nil ? "loaded " : "using ") + reference.name))
            services.settings.model = server != nil || reference.path.path.hasPrefix(services.library.directory.path)
                ? reference.name : reference.path.path
            saveSettings()
            if case .models = state.modal { state.modal = nil }
            state.notice = AppState.Notice(text: "\(reference.name) ready", isError: false)
        case .openPicker(let filter, let error):
            openModelPicker(filter: filter)
            if let error { setPickerError(error) }
        case .modelFailed(let error):
            state.trace.append(TraceEntry(kind: .error, text: error))
            setPickerError(error)
        case .progress(let label, let fraction):
            if case .models(var picker)? = state.modal {
                picker.progress = label.isEmpty ? nil : (label, fraction)
                state.modal = .models(picker)
            } else if label.isEmpty {
                // nothing to load: the picker opens on the default download
                openModelPicker(filter: "")
            } else {
                state.notice = AppState.Notice(text: label + (fraction.map { String(format: " %.0f%%", $0 * 100) } ?? ""),
                                               isError: false)
            }
        case .cacheFill(let tokens):
            state.resources.cachedTokens = tokens
        case .titleChanged(let id, let title):
            if id == state.conversationID { state.title = title }
            if case .conversations(var list)? = state.modal,
                let index = list.conversations.firstIndex(where: { $0.id == id })
            {
                list.conversations[index].title = title
                state.modal = .conversations(list)
            }
        case .listing(let listing):
            state.modal = .listing(listing)
        case .notice(let text, let isError):
            state.notice = AppState.Notice(text: text, isError: isError)
            if isError { state.trace.append(TraceEntry(kind: .error, text: text)) }
        case .recordsLoaded(let contents, let now): showRecords(contents, now: now)
        case .recordSaved(let kind, let text): recordSaved(kind, text)
        case .formFailed(let reason): formFailed(reason)
        case .changeUndone(let change): changeUndone(change)
        case .dueTasks(let tasks): showDue(tasks)
        }
    }

    /// Folds one agent event into the chat, the trace and the figures.
    private func apply(_ event: AgentEvent) {
        switch event {
        case .started(let id, let title):
            if let id, state.conversationID != id {
                state.conversationID = id
                pendingSystemPrompt = nil
                if let title { state.title = title }
            }
        case .routed(let decision):
            setAnsweringAgent(decision.agent)
            state.trace.append(TraceEntry(kind: .route, text: "\(decision.agent) (\(decision.rule.rawValue): \(decision.detail))"))
        case .model(let name, let preferred):
            if let preferred { state.trace.append(TraceEntry(kind: .model, text: "\(name) (\(preferred) not available)")) }
        case .note(let text):
            state.trace.append(TraceEntry(kind: .info, text: text))
        case .contextTrimmed(let dropped):
            state.trace.append(TraceEntry(kind: .context, text: "left out the \(dropped) oldest messages to fit the context"))
        case .token(let text):
            appendToAnswer(text)
            if var clock = answerClock {
                if clock.firstToken == nil {
                    clock.firstToken = .now
                    state.resources.firstTokenMilliseconds = (ContinuousClock.now - clock.sent) / .milliseconds(1)
                }
                clock.tokens += 1
                answerClock = clock
            }
        case .thinking(let text):
            guard let index = answerIndex else { return }
            if thinkingStarted == nil { thinkingStarted = .now }
            state.entries[index].thinking += text
            state.entries[index].thinkingSeconds = thinkingStarted.map { (ContinuousClock.now - $0) / .seconds(1) }
        case .toolCall(let call):
            state.trace.append(TraceEntry(kind: .call, text: "\(call.name) \(call.arguments.text)"))
        case .needsApproval(let request):
            state.trace.append(TraceEntry(kind: .approval(granted: nil), text: "\(request.tool) waits: \(request.reason)"))
            state.modal = .approval(request)
        case .approvalAnswered(_, let approved):
            state.trace.append(TraceEntry(kind: .approval(granted: approved), text: approved ? "allowed" : "denied"))
        case .toolResult(let result):
            let ok = result.status == .succeeded
            state.trace.append(TraceEntry(kind: .result(ok: ok), text: String(
                format: "%@ %@ %.0f ms: %@", result.name, result.status.rawValue, result.durationMilliseconds, result.result.text)))
        case .stats(let stats):
            state.resources.cachedTokens = stats.cachedTokens
            let evaluated = stats.promptTokens - stats.reusedPromptTokens
            // a prompt almost all cached was not prefilled at a rate worth showing
            state.resources.prefillRate = evaluated >= 16 ? stats.prefillTokensPerSecond : nil
            state.resources.reusedTokens = stats.reusedPromptTokens
            if stats.generatedTokens > 0 { state.resources.firstTokenMilliseconds = stats.timeToFirstTokenMilliseconds }
            if stats.generatedTokens > 1 { state.resources.decodeRate = stats.decodeTokensPerSecond }
            lastStats = stats
        case .finished(let summary):
            finishAnswer(summary.text, state: summary.status == .cancelled ? .cancelled : .complete, agent: summary.agent)
            thinkingStarted = nil
            if let index = state.entries.indices.last, state.entries[index].isAnswer, let stats = lastStats {
                state.entries[index].figures = AnswerFigures(
                    generatedTokens: summary.generatedTokens, stopReason: summary.stopReason,
                    decodeTokensPerSecond: stats.generatedTokens > 1 ? stats.decodeTokensPerSecond : nil,
                    timeToFirstTokenMilliseconds: stats.timeToFirstTokenMilliseconds)
            }
            lastStats = nil
            if let rate = state.resources.decodeRate {
                state.resources.recentRates.append(rate)
                state.resources.recentRates = Array(state.resources.recentRates.suffix(60))
            }
        case .failed(let message):
            state.trace.append(TraceEntry(kind: .error, text: message))
            if let index = answerIndex, !state.entries[index].text.isEmpty {
                state.entries[index].state = .failed
            } else if let index = answerIndex {
                state.entries[index] = ChatEntry(speaker: .notice(isError: true), text: message)
            } else {
                state.entries.append(ChatEntry(speaker: .notice(isError: true), text: message))
            }
            state.notice = AppState.Notice(text: message, isError: true)
        }
    }

    private var answerIndex: Int? {
        guard let index = state.entries.indices.last, case .assistant = state.entries[index].speaker,
            state.entries[index].state == .streaming
        else { return nil }
        return index
    }

    private func setAnsweringAgent(_ agent: String) {
        if let index = answerIndex { state.entries[index].speaker = .assistant(agent: agent) }
    }

    private func appendToAnswer(_ text: String) {
        if let index = answerIndex { state.entries[index].text += text }
    }

    private func finishAnswer(_ text: String, state answerState: ChatEntry.State, agent: String) {
        guard let index = answerIndex else { return }
        state.entries[index].text = text
        state.entries[index].state = answerState
        state.entries[index].speaker = .assistant(agent: agent)
    }
}
