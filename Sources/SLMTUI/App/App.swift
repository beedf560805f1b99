import Foundation
import SLMSync
import SLMAgent

/// The full-screen app: one loop on one thread merges keys, messages from background work
/// (agent events, loaded lists) and a timer tick, updates the state and redraws what
/// changed, at most 30 times a second. It never waits on the engine: every model, store
/// and download call runs in a task that posts its outcome to the inbox.
///
/// ```swift
/// let app = App(screen: NcursesScreen(noColor: false), services: services)
/// let status = app.run()
/// ```
public final class App {
    public internal(set) var state = AppState()
    public let screen: Screen
    public internal(set) var services: AppServices
    public let inbox = Inbox()
    var theme: Theme
    /// The running turn: its handle once it has one, and whether Esc came before that.
    var turn: (id: Int, handle: AgentTurn?, cancelRequested: Bool)?
    /// The unsent input last saved, and for which conversation.
    var keptInput: (Int?, String)?
    var turnCounter = 0
    var discovered: [DiscoveredModel] = []
    /// Models named by path (settings, `--model`) that no search finds; the picker lists them too.
    var namedFiles: [DiscoveredModel] = []
    /// What the configured servers offer (asked at start and when the picker opens).
    var serverModels: [ServerModels] = []
    /// The model turns use, once loaded.
    var selectedModel: ModelReference?
    /// The running answer's timing, for live figures before the exact ones arrive.
    var answerClock: (sent: ContinuousClock.Instant, firstToken: ContinuousClock.Instant?, tokens: Int)?
    /// The last step's figures of the running turn.
    var lastStats: TurnStats?
    /// When the running answer's thinking began.
    var thinkingStarted: ContinuousClock.Instant?
    /// A system prompt set before the conversation exists.
    var pendingSystemPrompt: String?
    /// Due tasks already announced in the status bar.
    var announcedDue: Set<Int> = []
    private var lastDueCheck: ContinuousClock.Instant?
    /// Background tasks not finished yet (tests wait for them).
    let running = RunningCount()
    private var needsRender = true
    private var lastRender: ContinuousClock.Instant?
    private var lastTick = ContinuousClock.now
    private var lastInputSave = ContinuousClock.now
    private var lastCPU: (time: ContinuousClock.Instant, used: Duration)?

    /// Frames are at least this far apart.
    static let frameInterval = Duration.milliseconds(33)

    public init(screen: Screen, services: AppServices) {
        self.screen = screen
        self.services = services
        theme = services.settings.theme.flatMap { services.themes.named($0) } ?? services.themes.themes[0]
        state.themeName = theme.name
        state.resources.budgetBytes = services.assistant.memoryBudget
        state.resources.contextLength = services.assistant.contextLength
        for problem in services.themes.problems + services.settingsProblems {
            state.trace.append(TraceEntry(kind: .error, text: problem))
        }
    }

    /// Runs until the user quits or a signal asks to; returns the exit status.
    public func run() -> Int32 {
        start()
        while !state.quitting {
            if TerminalGuard.quitSignal != 0 { quit() }
            step(timeoutMilliseconds: state.generating ? 15 : 100)
        }
        finish()
        return 0
    }

    /// Applies the theme, reopens the last conversation and loads the model (or opens the
    /// picker when there is none).
    public func start() {
        screen.apply(theme)
        background { services, inbox in
            if let last = try await services.assistant.conversations(limit: 1).first {
                inbox.post(try await Self.opened(last, services: services))
            } else {
                inbox.post(.unsentInput(conversationID: nil, try await services.assistant.unsentInput(conversation: nil)))
            }
        }
        chooseStartupModel()
        askServers()
        refreshDue()
    }

    /// One turn of the loop: a key (waiting up to the timeout), then messages, the tick and
    /// a frame if one is due.
    public func step(timeoutMilliseconds: Int) {
        if let key = screen.nextKey(timeoutMilliseconds: timeoutMilliseconds) {
            handle(key)
            needsRender = true
        }
        let messages = inbox.take()
        for message in messages { apply(message) }
        if !messages.isEmpty { needsRender = true }
        if ContinuousClock.now - lastTick >= .milliseconds(500) { tick() }
        if needsRender, lastRender.map({ ContinuousClock.now - $0 >= Self.frameInterval }) ?? true { render() }
    }

    /// Draws the state now.
    public func render() {
        let (width, height) = screen.size
        let frame = MainView.render(state, width: width, height: height)
        screen.present(frame.grid, cursor: frame.cursor)
        lastRender = .now
        needsRender = false
    }

    /// Stops a running answer (keeping what was written), saves the settings and the models'
    /// contexts, and waits a moment for the answer's last save.
    public func finish() {
        turn?.handle?.cancel()
        let deadline = ContinuousClock.now + .seconds(3)
        while turn != nil, ContinuousClock.now < deadline {
            for message in inbox.take() { apply(message) }
            Thread.sleep(forTimeInterval: 0.02)
        }
        saveUnsentInput(wait: true)
        saveSettings()
        saveContexts()
    }

    func quit() {
        state.quitting = true
    }

    /// Resource figures: memory, CPU and how full the KV cache is.
    func tick() {
        let now = ContinuousClock.now
        lastTick = now
        if let notice = state.notice, notice.expires <= now { state.notice = nil }
        if now - lastInputSave >= .seconds(3) {
            lastInputSave = now
            saveUnsentInput()
        }
        if lastDueCheck.map({ now - $0 >= .seconds(60) }) ?? true {
            lastDueCheck = now
            refreshDue()
        }
        state.resources.residentBytes = ProcessUsage.residentBytes()
        let used = ProcessUsage.cpuTime()
        if let last = lastCPU {
            let wall = (now - last.time) / .seconds(1)
            if wall > 0 { state.resources.cpuPercent = (used - last.used) / .seconds(1) / wall * 100 }
        }
        lastCPU = (now, used)
        if state.generating, let clock = answerClock, let first = clock.firstToken, clock.tokens > 1 {
            state.resources.decodeRate = Double(clock.tokens - 1) / max((now - first) / .seconds(1), 1e-3)
        }
        if let reference = selectedModel {
            background { services, inbox in
                if let model = await services.assistant.modelState(reference) {
                    inbox.post(.cacheFill(tokens: model.cachedTokens))
                }
            }
        }
        needsRender = true
    }

    /// Runs `work` off the UI thread; a thrown error becomes a notice.
    func background(_ work: @escaping @Sendable (AppServices, Inbox) async throws -> Void) {
        let services = services, inbox = inbox, running = running
        running.add(1)
        Task.detached {
            do {
                try await work(services, inbox)
            } catch {
                inbox.post(.notice(String(describing: error), isError: true))
            }
            running.add(-1)
        }
    }

    /// Lets tests wait until background work has posted everything (or `timeout` passes: a
    /// debug build answering with the real model while the rest of the suite fills both
    /// cores can take over a minute),
    /// sleeping between steps so the tasks it waits for get a thread.
    public func settle(timeout: Duration = .seconds(180)) async {
        let deadline = ContinuousClock.now + timeout
        repeat {
            repeat {
                step(timeoutMilliseconds: 0)
                try? await Task.sleep(for: .milliseconds(10))
            } while (running.value > 0 || turn != nil) && ContinuousClock.now < deadline
            // the last messages may start more work (a save reloads its list)
            step(timeoutMilliseconds: 0)
        } while running.value > 0 && ContinuousClock.now < deadline
        render()
    }

    func saveSettings() {
        guard services.settingsProblems.isEmpty else { return }
        services.settings.theme = theme.name
        try? services.settings.save(to: services.settingsFile)
    }
}

/// A count shared with background tasks.
public struct RunningCount: Sendable {
    private let count = Locked(0)

    func add(_ delta: Int) { count.withLock { $0 += delta } }

    public var value: Int { count.value }
}
