import Foundation
import SLMEngine
import SLMStore

/// One user turn, start to end: route the message, pick the model, then alternate
/// generation and tool calls (at most `maxToolSteps`, within the token budget) until the
/// model answers. Everything is saved as it happens and reported as events.
struct TurnRunner: Sendable {
    let runtime: AgentRuntime
    let text: String
    let options: TurnOptions
    let emit: AsyncStream<AgentEvent>.Continuation
    /// The turn's store writes.
    let journal: TurnJournal
    /// How many answer pieces the consumer has taken: a piece is shown only once the
    /// previous one was taken.
    let pacer: TokenPacer

    private var configuration: RuntimeConfiguration { runtime.configuration }
    private var store: Store { runtime.store }

    /// State carried across the steps of the turn.
    private struct Progress {
        var conversationID: Int?
        var title: String?
        var messages: [ChatMessage] = []
        var steps = 0
        var generated = 0
        var calls = 0
        var dropped = 0
        /// Calls made so far, to catch a model repeating itself.
        var made: Set<String> = []
        /// No more calls: the next step answers.
        var mustAnswer = false
        /// Successful calls of this turn, in their own words.
        var summaries: [String] = []
        /// The summaries of successful calls that changed something: the answer always says them.
        var changes: [String] = []
        /// Calls of this turn that failed or were refused, in words.
        var failures: [String] = []
        /// Answer pieces shown so far.
        var shownPieces = 0
        /// The saved text of an answer being carried on: the prompt ends with it.
        var answerPrefix = ""
        /// The template's notice was given.
        var noticed = false
    }

    func run() async {
        do {
            try await runTurn()
        } catch let stopped as TurnStopped {
            emit.yield(.finished(stopped.summary))
        } catch is CancellationError {
            emit.yield(.failed("cancelled"))
        } catch {
            emit.yield(.failed(String(describing: error)))
        }
    }

    /// A turn cancelled while it generated: its partial answer is saved and summed up.
    private struct TurnStopped: Error {
        let summary: TurnSummary
    }

    private func runTurn() async throws {
        let decision = try await route()
        guard let agent = runtime.agents.first(where: { $0.name == decision.agent }) else {
            throw AgentError("there is no agent \(decision.agent)")
        }
        guard let (model, preferred) = await runtime.model(for: agent) else {
            throw AgentError("no model is loaded; choose one (Ctrl-P in the app, --model on the command line)")
        }
        var progress = Progress()
        let history = try await startConversation(decision: decision, agent: agent, model: model, progress: &progress)
        emit.yield(.started(conversation: progress.conversationID, title: progress.title))
        emit.yield(.routed(decision))
        emit.yield(.model(name: model.name, preferred: preferred))
        progress.messages = [.user(decision.text)]

        let agentTools = runtime.tools.subset(agent.toolNames)
        let system = try await systemText(agent: agent, conversation: progress.conversationID)
        let contextFile = progress.conversationID.flatMap { id in
            (model as? LoadedModel)?.fingerprint.flatMap { configuration.savedContexts?.file(conversation: id, fingerprint: $0) }
        }
        // a request that names what it wants ("delete task 2", "what time is it") gets a call
        // to the tools it names: small models choose poorly among many. An agent the model
        // chose (no word of the request named it) is not made to call one: a request for
        // something no tool does ("order a pizza") gets words, not a made-up record.
        let hinted = decision.wantsCalculator && agent.toolNames.contains("calculator")
            ? runtime.tools.subset(["calculator"]) : ToolHints.best(agentTools, for: decision.text)
        // each step of a two-step request ("mark task 1 done and delete task 2") is read on its own
        let firstStep = ToolHints.firstStep(of: decision.text)
        let readings = [firstStep, String(decision.text.dropFirst(firstStep.count))].map { text in
            RequestReading(text, resolver: runtime.toolContext.dates, now: configuration.now())
        }
        let followUp = ToolHints.followUp(agentTools, for: decision.text)
        while true {
            let reading = progress.steps >= 1 && followUp != nil ? readings[1] : readings[0]
            let plan = StepPlan(StepPlan.State(
                steps: progress.steps, generated: progress.generated, mustAnswer: progress.mustAnswer,
                agentTools: agentTools.map(\.name), hintedTools: hinted?.map(\.name), followUpTools: followUp?.map(\.name),
                agentStartsWithTool: agent.startsWithTool && decision.rule != .classifier, isChatTuned: model.isChatTuned,
                requestedTokens: options.maxTokens),
                configuration: configuration)
            let stepTools = runtime.tools.subset(plan.calls.toolNames).map { model.takesReadArguments ? reading.offering($0) : $0 }
            // a model that may answer in words where a call was required: its words are the
            // answer, within an answer's length
            let wordsMayCome = plan.calls.isRequired && !model.enforcesCalls
            let maxTokens = wordsMayCome ? min(plan.maxTokens, options.maxTokens ?? configuration.answerTokens) : plan.maxTokens
            let stream = try model.step(StepInput(
                system: system, history: history, turn: progress.messages, calls: plan.calls, tools: stepTools,
                agentTools: agentTools, maxTokens: maxTokens,
                sampling: plan.calls.isRequired ? agent.toolSampling(choice: options.sampling)
                    : options.sampling?.parameters ?? agent.sampling,
                answerPrefix: progress.answerPrefix, enableThinking: options.enableThinking, contextFile: contextFile))
            if let notice = stream.notice, !progress.noticed {
                progress.noticed = true
                emit.yield(.note(notice))
            }
            if stream.droppedMessages != progress.dropped {
                progress.dropped = stream.droppedMessages
                emit.yield(.contextTrimmed(droppedMessages: stream.droppedMessages))
            }
            let step = try await generate(stream.events, callsPossible: plan.calls != .none, model: model, agent: agent,
                                          showText: plan.showsText || wordsMayCome, progress: &progress)
            if let call = step.call {
                try await perform(call, tools: stepTools, reading: reading, model: model, progress: &progress)
                progress.steps += 1
                continue
            }
            if plan.calls.isRequired, !wordsMayCome {
                // the call was cut off by the token budget: tell the model and go on
                progress.messages += [.tool(JSONValue.object(["error": .string("the tool call was cut off")]).text)]
                progress.steps += 1
                continue
            }
            emit.yield(.finished(TurnSummary(
                conversationID: progress.conversationID ?? 0, messageID: step.messageID, agent: agent.name,
                model: model.name, text: progress.answerPrefix + step.text, status: step.status,
                toolCalls: progress.calls, generatedTokens: progress.generated, thinking: step.thinking,
                stopReason: step.stopReason)))
            return
        }
    }

    // MARK: - Routing

    private func route() async throws -> RouteDecision {
        if let name = options.agent {
            guard runtime.agents.contains(where: { $0.name == name }) else {
                throw AgentError("there is no agent \(name); agents: \(runtime.agents.map(\.name).joined(separator: ", "))")
            }
            let routed = (try? runtime.router.route(text)) ?? nil
            let stripped = routed?.rule == .mention ? routed?.text : nil
            return RouteDecision(agent: name, rule: .mention, detail: "chosen", text: stripped ?? text,
                                 wantsCalculator: Router.looksLikeArithmetic(text))
        }
        do {
            if let decision = try runtime.router.route(text) { return decision }
        } catch {
            throw AgentError(error.description)
        }
        return await classify()
    }

    /// Asks the selected model for one agent name, constrained to the names.
    private func classify() async -> RouteDecision {
        let fallback = RouteDecision(agent: runtime.router.fallback, rule: .fallback, detail: "no rule matched", text: text)
        // a server's model is not asked: a round trip to pick an agent costs more than it helps
        guard let model = await runtime.selectedLoadedModel() else { return fallback }
        let names = runtime.agents.map(\.name)
        let prompt = model.template.tokens(
            for: model.template.render([.user(runtime.router.classifierPrompt(for: text))]), tokenizer: model.tokenizer)
        guard prompt.count + 8 < model.estimate.contextLength else { return fallback }
        let request = GenerationRequest(prompt: prompt, maxTokens: 8, sampling: .greedy,
                                        constraint: GrammarConstraint(.oneOf(names)))
        var chosen: String?
        do {
            for try await event in model.generator.generate(request) {
                if case .constrained(let word) = event { chosen = word.trimmingCharacters(in: .whitespacesAndNewlines) }
            }
        } catch {
            return fallback
        }
        guard let chosen, names.contains(chosen) else { return fallback }
        return RouteDecision(agent: chosen, rule: .classifier, detail: "the model chose \(chosen)", text: text)
    }

    // MARK: - Conversation and prompt

    /// Opens or creates the conversation, saves the user's message where the turn's start
    /// says, and returns the earlier messages as the model should read them.
    private func startConversation(
        decision: RouteDecision, agent: AgentProfile, model: any TurnModel, progress: inout Progress
    ) async throws -> [ChatMessage] {
        guard let id = options.conversationID else {
            guard options.start == .newMessage else { throw AgentError("there is no conversation to branch") }
            let opened = try await journal.open(
                conversation: nil, userText: text, titleText: decision.text, agent: agent.name,
                model: model.name, systemPrompt: options.systemPrompt)
            (progress.conversationID, progress.title) = (opened.id, opened.title)
            return []
        }
        progress.conversationID = id
        let transcript = try await Transcript.load(id, from: store)
        let path = try await store.path(in: id)
        /// The history before saved message `id`, which must be on the shown path.
        func history(before message: Int) throws -> [ChatMessage] {
            guard let index = transcript.messages.firstIndex(where: { $0.id == message }) else {
                throw AgentError("message \(message) is not on the conversation's shown path")
            }
            return Self.history(of: transcript.messages[..<index], router: runtime.router)
        }
        switch options.start {
        case .newMessage:
            // saved as typed; the model reads it without the @mention
            progress.title = try await journal.open(
                conversation: id, userText: text, agent: agent.name, model: model.name).title
            return Self.history(of: transcript.messages[...], router: runtime.router)
        case .regenerate(let question):
            let earlier = try history(before: question)
            progress.title = try await journal.reopen(conversation: id, at: question)
            return earlier
        case .edit(let question):
            let earlier = try history(before: question)
            let parent = path.first { $0.id == question }?.parentID
            progress.title = try await journal.open(
                conversation: id, userText: text, agent: agent.name, model: model.name,
                placement: .after(parent)).title
            return earlier
        case .continueAnswer(let answerID):
            guard let answer = path.last, answer.id == answerID, answer.role == .assistant,
                let question = transcript.messages.last(where: { $0.speaker == .user })
            else { throw AgentError("only the last answer can be continued") }
            let earlier = try history(before: question.id)
            progress.title = try await journal.resume(
                conversation: id, answer: answerID, text: answer.content, generatedTokens: answer.generatedTokens)
            progress.answerPrefix = answer.content
            progress.mustAnswer = true
            return earlier
        }
    }

    /// The system text: the user's system prompt, the agent's instructions and today's date
    /// (a day changes the prompt only once, so the cached prefix lasts).
    private func systemText(agent: AgentProfile, conversation: Int?) async throws -> String {
        var parts: [String] = []
        let conversationPrompt = try await conversation.asyncMap { try await store.conversation($0).systemPrompt } ?? nil
        if let prompt = conversationPrompt ?? options.systemPrompt ?? configuration.systemPrompt, !prompt.isEmpty {
            parts.append(prompt)
        }
        parts.append(agent.instructions)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = configuration.timeZone
        formatter.dateFormat = "EEEE yyyy-MM-dd"
        parts.append("Today is \(formatter.string(from: configuration.now())).")
        return parts.joined(separator: "\n\n")
    }

    /// A saved conversation as chat messages: what the user said (without @mentions) and the
    /// answers (the transcript's own; failed and empty ones left out). Earlier turns' calls
    /// and results are left out: their answers say what came of them, and a small model
    /// shown old calls writes more calls instead of answering.
    static func history(of messages: ArraySlice<Transcript.Message>, router: Router) -> [ChatMessage] {
        messages.compactMap { message in
            switch message.speaker {
            case .user:
                let routed = (try? router.route(message.text)) ?? nil
                return .user(routed?.rule == .mention ? routed?.text ?? message.text : message.text)
            case .assistant:
                guard message.status != .failed, !message.text.isEmpty else { return nil }
                return .assistant(message.text)
            }
        }
    }

    // MARK: - Generation

    private struct StepOutcome {
        var call: String?
        var text = ""
        var messageID: Int?
        var status = AnswerStatus.complete
        var stopReason: String?
        var thinking: String?
    }

    /// Runs one generation, streaming visible text into a saved answer.
    private func generate(
        _ events: AsyncThrowingStream<GenerationEvent, Error>, callsPossible: Bool, model: any TurnModel,
        agent: AgentProfile, showText: Bool, progress: inout Progress
    ) async throws -> StepOutcome {
        var outcome = StepOutcome()
        var visible = model.visibleAnswer(callsPossible: callsPossible)
        var thinking = ThinkingSplitter()
        var stats: GenerationStats?
        func show(_ piece: String) async throws {
            guard !piece.isEmpty else { return }
            await pacer.waitUntilTaken(progress.shownPieces)
            progress.shownPieces += 1
            emit.yield(.token(piece))
            try await journal.appendAnswer(piece, agent: agent.name)
        }
        do {
            for try await event in events {
                // a token waits until the consumer took the previous piece, and stays
                // unshown if the turn was cancelled meanwhile
                if case .token = event, showText { await pacer.waitUntilTaken(progress.shownPieces) }
                if Task.isCancelled { break }
                switch event {
                case .token(_, let piece), .text(let piece):
                    guard showText else { break }
                    let split = thinking.push(piece)
                    if !split.thought.isEmpty { emit.yield(.thinking(split.thought)) }
                    try await show(visible.push(split.answer))
                case .constrained(let call):
                    outcome.call = call
                case .finished(let finished):
                    stats = finished
                }
            }
        } catch {
            if await journal.hasOpenAnswer { _ = try? await journal.finishAnswer(.failed, agent: agent.name) }
            throw error
        }
        if showText, !Task.isCancelled {
            let rest = thinking.finish()
            if !rest.thought.isEmpty { emit.yield(.thinking(rest.thought)) }
            try await show(visible.push(rest.answer) + visible.finish(endedInCall: outcome.call != nil))
        }
        if !thinking.thought.isEmpty {
            outcome.thinking = thinking.thought
            await journal.keepThinking(thinking.thought)
        }
        if showText, !Task.isCancelled, outcome.call == nil {
            // the chat says in words what the calls did and what failed, and never shows
            // call markup the parser could not take as an answer
            let said = visible.shown.trimmingCharacters(in: .whitespacesAndNewlines)
            let unreadable = CallMarkup.looksLikeCall(said)
            // what was stored is always said, in the app's words (a small model's "Done!" says
            // nothing of which record, or may be wrong)
            var words = said.isEmpty || unreadable ? progress.summaries : progress.changes.filter { !said.contains($0) }
            words += progress.failures
            if unreadable, words.isEmpty {
                words = ["The model wrote a tool call that could not be read, so nothing was done. Ask again in other words."]
            }
            if unreadable {
                outcome.text = words.joined(separator: "\n")
                await journal.replaceAnswer(with: outcome.text)
            } else if !words.isEmpty {
                let addition = (said.isEmpty ? "" : "\n\n") + words.joined(separator: "\n")
                try await show(addition)
                outcome.text = visible.shown + addition
            }
        }
        if outcome.text.isEmpty { outcome.text = visible.shown }
        let cancelled = Task.isCancelled || stats?.stopReason == .cancelled
        if let stats {
            progress.generated += stats.generatedTokens
            emit.yield(.stats(TurnStats(stats, cachedTokens: model.cachedTokenCount, contextLength: model.contextLength)))
            await journal.recordMetrics(
                TurnMetrics(model: model.name, promptTokens: stats.promptTokens,
                            generatedTokens: stats.generatedTokens, prefillTokensPerSecond: stats.prefillTokensPerSecond,
                            decodeTokensPerSecond: stats.decodeTokensPerSecond,
                            timeToFirstTokenMilliseconds: stats.timeToFirstTokenMilliseconds,
                            peakResidentBytes: ProcessUsage.peakResidentBytes()))
        }
        outcome.status = cancelled ? .cancelled : .complete
        outcome.stopReason = cancelled ? "cancelled" : stats?.stopReason.rawValue
        // a call hidden from the start leaves no answer; anything else is one, even empty
        let answerOpen = await journal.hasOpenAnswer
        if outcome.call == nil || answerOpen {
            outcome.messageID = try await journal.finishAnswer(outcome.status, agent: agent.name,
                                                               generatedTokens: stats?.generatedTokens,
                                                               stopReason: outcome.stopReason)
        }
        if cancelled {
            throw TurnStopped(summary: TurnSummary(
                conversationID: progress.conversationID ?? 0, messageID: outcome.messageID, agent: agent.name,
                model: model.name, text: progress.answerPrefix + outcome.text, status: .cancelled,
                toolCalls: progress.calls, generatedTokens: progress.generated, stopReason: "cancelled"))
        }
        return outcome
    }

    // MARK: - Tool calls

    /// Checks a call, asks for approval when it needs it, runs it, records it and adds
    /// the call and its result to the turn for the next step.
    private func perform(
        _ text: String, tools: [any Tool], reading: RequestReading, model: any TurnModel, progress: inout Progress
    ) async throws {
        var parsed = ToolCallParser(tools: tools, argumentsKey: model.argumentsKey).parse(text)
        if case .valid(let tool, let values) = parsed { parsed = .valid(tool: tool, arguments: reading.filling(values, for: tool)) }
        let name: String, arguments: JSONValue
        switch parsed {
        case .valid(let tool, let values): (name, arguments) = (tool.name, values)
        case .invalid(_, let given, let values): (name, arguments) = (given ?? "(none)", values)
        }
        let canonical = JSONValue.object([.init("name", .string(name)), .init("arguments", arguments)])
        let callID = try await journal.recordCall(name: name, arguments: arguments.text, canonicalCall: canonical.text)
        emit.yield(.toolCall(ToolCallEvent(id: callID, name: name, arguments: arguments)))
        progress.calls += 1

        let start = ContinuousClock.now
        var result: JSONValue
        var status: ToolCallRecord.Status
        switch parsed {
        case .invalid(let problem, _, _):
            (result, status) = (.object(["error": .string(problem)]), .failed)
        case .valid(_, let values) where progress.made.contains(name + values.text):
            (result, status) = (.object(["error": .string("\(name) was already called with these arguments; answer the user now")]), .failed)
            progress.mustAnswer = true
        case .valid(let tool, let values):
            progress.made.insert(name + values.text)
            let context = runtime.toolContext.forCall(callID, conversation: progress.conversationID)
            do {
                try await tool.precheck(values, context: context)
                (result, status) = try await approvedCall(tool, values, id: callID, context: context)
                if status == .succeeded {
                    progress.summaries.append(tool.summary(of: result))
                    if tool.permission != .read { progress.changes.append(tool.summary(of: result)) }
                }
            } catch {
                (result, status) = (.object(["error": .string(error.message)]), .failed)
            }
        }
        let elapsed = ContinuousClock.now - start
        if status == .denied {
            progress.failures.append("Not done: \(name) was not allowed.")
        } else if status == .failed, !progress.mustAnswer, case .object(let fields) = result,
            let message = fields.first(where: { $0.key == "error" })?.value.stringValue
        {
            progress.failures.append("Failed: \(name) — \(message).")
        }
        try await journal.finishCall(callID, name: name, result: result.text, status: status)
        emit.yield(.toolResult(ToolResultEvent(
            id: callID, name: name, result: result, status: ToolCallStatus(status),
            durationMilliseconds: elapsed / .milliseconds(1))))
        let id = "call_\(callID)"
        progress.messages += [model.callMessage(name: name, arguments: arguments, id: id),
                              ChatMessage(role: .tool, content: result.text, toolCallID: id)]
        try Task.checkCancellation()
    }
}

extension TurnRunner {
    /// Asks the user when the call needs it, then runs it: its result, or the refusal.
    fileprivate func approvedCall(_ tool: any Tool, _ values: JSONValue, id: Int, context: ToolContext)
        async throws(ToolError) -> (JSONValue, ToolCallRecord.Status)
    {
        if let reason = await tool.approvalReason(for: values, context: context) {
            let request = ApprovalRequest(id: id, tool: tool.name, arguments: values, reason: reason)
            let emit = self.emit
            let allowed = await runtime.waitForApproval(id) { emit.yield(.needsApproval(request)) }
            emit.yield(.approvalAnswered(id: id, approved: allowed))
            guard allowed else { return (.object(["error": .string("the user did not allow \(tool.name)")]), .denied) }
        }
        return (try await tool.call(values, context: context), .succeeded)
    }
}

/// A turn that cannot go on, in words for the user.
struct AgentError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
