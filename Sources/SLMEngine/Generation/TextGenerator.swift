import Foundation
import SLMSync

/// Generates text with one model and one KV cache: one generation at a time, and the cache
/// carries over, so a follow-up turn only evaluates its new tokens.
///
/// Generations run on the generator's own thread, not on Swift's shared task threads: a
/// forward pass is long, blocking work, and on a two-core machine it would otherwise starve
/// every other task (the UI's event handling among them) until it finished.
///
/// ```swift
/// let generator = try TextGenerator(model: model, tokenizer: tokenizer, contextLength: 4096)
/// for try await event in generator.generate(GenerationRequest(prompt: ids)) { … }
/// ```
public final class TextGenerator: @unchecked Sendable {
    public let model: TransformerModel
    public let tokenizer: Tokenizer
    /// Used only on `queue`.
    private let session: InferenceSession
    /// Runs one generation after another.
    private let queue = DispatchQueue(label: "slm-tui.generator", qos: .userInitiated)
    /// What other threads may ask while a generation runs.
    private let cachedCount = Locked(0)
    /// Each token's bytes, built by the first constrained request.
    private let byteTable = Locked<TokenByteTable?>(nil)
    /// Used only on `queue`: the file of the conversation whose context the cache holds,
    /// and the tokens it held when last saved there or loaded from there.
    private var contextFile: String?
    private var contextFileTokens: [Int]?

    public init(model: TransformerModel, tokenizer: Tokenizer, contextLength: Int,
                cacheType: KVCacheType = .f16, threads: Int = ProcessInfo.processInfo.activeProcessorCount)
        throws(EngineError)
    {
        self.model = model
        self.tokenizer = tokenizer
        session = try InferenceSession(model: model, contextLength: contextLength, cacheType: cacheType,
                                       threads: threads)
    }

    /// The context length in tokens.
    public var contextLength: Int { session.contextLength }

    /// Tokens the cache holds: after the last generation, or so far in the running one.
    public var cachedTokenCount: Int { cachedCount.value }

    /// Streams tokens for `request`. When the consumer stops listening (its task is
    /// cancelled, or it breaks out of the loop), generation stops before the next token or
    /// the next batch of prompt positions and finishes with `.cancelled`.
    public func generate(_ request: GenerationRequest) -> AsyncThrowingStream<GenerationEvent, Error> {
        AsyncThrowingStream { continuation in
            let stop = StopFlag()
            continuation.onTermination = { _ in stop.raise() }
            queue.async { self.run(request, continuation, stop: stop) }
        }
    }

    private func run(_ request: GenerationRequest, _ continuation: AsyncThrowingStream<GenerationEvent, Error>.Continuation,
                     stop: StopFlag) {
        var history = request.prompt
        var drafts = DraftCheck(length: request.lookup?.draftLength ?? 0)
        defer {
            // guesses the answer did not take are cut; what the cache keeps matches the history
            if !drafts.isEmpty { session.truncate(to: session.cachedPrefixLength(of: history)) }
            cachedCount.withLock { $0 = session.cachedTokens.count }
        }
        let clock = ContinuousClock()
        let start = clock.now
        let restored = switchContext(to: request.contextFile, prompt: request.prompt)
        var sampler = Sampler(request.sampling)
        var decoder = TokenTextDecoder(tokenizer: tokenizer)
        var filter = StopStringFilter(stopStrings: request.stopStrings)
        var progress = ConstraintProgress(request.constraint)
        let candidates = request.constraint.map { _ in ConstrainedCandidates(table: tokenBytes()) }
        var stats = GenerationStats(
            promptTokens: request.prompt.count, reusedPromptTokens: 0, generatedTokens: 0,
            prefillTokensPerSecond: 0, decodeTokensPerSecond: 0, timeToFirstTokenMilliseconds: 0,
            stopReason: .maxTokens, restoredTokens: restored)
        do {
            var logits = try session.evaluate(request.prompt, isCancelled: { stop.isRaised })
            let reused = session.reusedPositions
            // the cache's fill is read while the answer streams (the resource pane's KV gauge)
            cachedCount.withLock { $0 = session.cachedTokens.count }
            let prefillSeconds = (clock.now - start) / .seconds(1)
            stats.reusedPromptTokens = reused
            stats.prefillTokensPerSecond = Double(request.prompt.count - min(reused, request.prompt.count - 1)) / max(prefillSeconds, 1e-9)
            var firstTokenTime: ContinuousClock.Instant?
            while stats.generatedTokens < request.maxTokens {
                if stop.isRaised {
                    stats.stopReason = .cancelled
                    break
                }
                var token: Int
                if progress.isActive, let candidates {
                    token = try Self.constrainedToken(logits, history, &sampler, candidates, progress, decoder)
                } else {
                    token = sampler.sample(logits, history: history)
                    if let candidates, progress.shouldTakeOver(at: candidates.table[token]) {
                        token = try Self.constrainedToken(logits, history, &sampler, candidates, progress, decoder)
                    }
                }
                if firstTokenTime == nil {
                    firstTokenTime = clock.now
                    stats.timeToFirstTokenMilliseconds = (clock.now - start) / .milliseconds(1)
                }
                if !progress.isActive, tokenizer.vocabulary.endOfGeneration.contains(token) {
                    stats.stopReason = .endOfGeneration
                    break
                }
                stats.generatedTokens += 1
                history.append(token)
                let text = decoder.append(token)
                if progress.isActive, let candidates {
                    progress.accept(candidates.table[token])
                    continuation.yield(.token(id: token, text: text))
                    if progress.isComplete {
                        continuation.yield(.text(decoder.finish()))
                        continuation.yield(.constrained(String(decoding: progress.text, as: UTF8.self)))
                        stats.stopReason = .grammarComplete
                        break
                    }
                } else {
                    let (emitted, stopped) = filter.push(text)
                    continuation.yield(.token(id: token, text: emitted))
                    if stopped {
                        stats.stopReason = .stopString
                        break
                    }
                    if progress.observe(piece: tokenizer.piece(token)) {
                        // the grammar's text is never held back or cut by a stop string
                        let held = filter.flush()
                        if !held.isEmpty { continuation.yield(.text(held)) }
                    }
                }
                if stats.generatedTokens == request.maxTokens || history.count >= session.contextLength { break }
                logits = try next(after: token, history: history, drafts: &drafts, request: request, stats: &stats,
                                  isCancelled: { stop.isRaised })
                cachedCount.withLock { $0 = session.cachedTokens.count }
            }
            if stats.stopReason != .stopString, stats.stopReason != .grammarComplete {
                let rest = filter.push(decoder.finish()).emit + filter.flush()
                if !rest.isEmpty { continuation.yield(.text(rest)) }
            }
            if let firstTokenTime, stats.generatedTokens > 1 {
                stats.decodeTokensPerSecond = Double(stats.generatedTokens - 1) / max((clock.now - firstTokenTime) / .seconds(1), 1e-9)
            }
            continuation.yield(.finished(stats))
            continuation.finish()
        } catch EngineError.cancelled {
            stats.stopReason = .cancelled
            continuation.yield(.finished(stats))
            continuation.finish()
        } catch {
            continuation.finish(throwing: error)
        }
    }

    // MARK: - Saved contexts

    /// Saves the cache to the file of the conversation it holds, when it changed since it
    /// was last saved there or loaded from there: call when the app leaves a conversation
    /// or quits. Generations queued before this call finish first.
    public func saveContext() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
            queue.async {
                do {
                    try self.saveCurrentContext()
                    continuation.resume()
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    /// Stops keeping the cache in `file` (its conversation was deleted): the cache is never
    /// saved there again, and forgotten if it holds that conversation.
    public func forgetContext(in file: String) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async {
                if self.contextFile == file {
                    self.session.reset()
                    self.contextFile = nil
                    self.contextFileTokens = nil
                    self.cachedCount.withLock { $0 = 0 }
                }
                continuation.resume()
            }
        }
    }

    /// Makes the cache serve the conversation kept in `file`: saves the context of the one
    /// it held if that was another, then loads the saved context in `file` when it holds more
    /// of `prompt` than the cache. Returns the positions loaded. A saved context that cannot
    /// be written or does not fit is passed over: the prompt is then evaluated as usual.
    private func switchContext(to file: String?, prompt: [Int]) -> Int {
        guard file != contextFile else { return 0 }
        try? saveCurrentContext()
        // the cache keeps of the other conversation only what this prompt shares with it, so
        // nothing of that one is ever saved under this one's name (a cancelled prefill)
        session.truncate(to: session.cachedPrefixLength(of: prompt))
        contextFile = file
        contextFileTokens = nil
        guard let file, let saved = try? session.savedContextTokens(at: file) else { return 0 }
        var shared = 0
        while shared < saved.count, shared < prompt.count, saved[shared] == prompt[shared] { shared += 1 }
        guard shared > session.cachedPrefixLength(of: prompt), (try? session.restoreContext(from: file)) != nil else {
            return 0
        }
        contextFileTokens = saved
        cachedCount.withLock { $0 = saved.count }
        return saved.count
    }

    private func saveCurrentContext() throws {
        guard let contextFile else { return }
        let tokens = session.cachedTokens
        guard !tokens.isEmpty, tokens != contextFileTokens else { return }
        try session.saveContext(to: contextFile)
        contextFileTokens = tokens
    }

    // MARK: - Steps

    /// The logits after `token`, the history's last: those a checked guess already gave, or
    /// from a pass over the token (and, with prompt lookup, the next tokens guessed, whose
    /// logits are kept for the next steps).
    private func next(after token: Int, history: [Int], drafts: inout DraftCheck, request: GenerationRequest,
                      stats: inout GenerationStats, isCancelled: () -> Bool) throws(EngineError) -> [Float] {
        if let logits = drafts.take(token) {
            stats.acceptedDraftTokens += 1
            return logits
        }
        if drafts.reject() {
            // a guess was wrong: the cache keeps the tokens before this one
            session.truncate(to: history.count - 1)
        }
        let limit = min(drafts.length, request.maxTokens - stats.generatedTokens - 1, session.contextLength - history.count)
        // drafts need a cache that can be cut back anywhere (not a hybrid model's recurrent state)
        let lookup = session.canTruncateAnywhere ? request.lookup : nil
        let guesses = drafts.isPaused() ? [] : lookup?.draft(after: history, limit: limit) ?? []
        guard !guesses.isEmpty else { return try session.append(token, isCancelled: isCancelled) }
        let rows = try session.appendAll([token] + guesses, isCancelled: isCancelled)
        stats.draftedTokens += guesses.count
        drafts.check(guesses, logits: Array(rows.dropFirst()))
        return rows[0]
    }

    /// The sampler's choice among the tokens the grammar allows next.
    private static func constrainedToken(
        _ logits: [Float], _ history: [Int], _ sampler: inout Sampler, _ candidates: ConstrainedCandidates,
        _ progress: ConstraintProgress, _ decoder: TokenTextDecoder
    ) throws(EngineError) -> Int {
        guard let matcher = progress.matcher else { throw .grammarDeadEnd(after: "") }
        let penalized = sampler.penalized(logits, history: history)
        let limit = sampler.isGreedy ? 1 : (sampler.parameters.topK > 0 ? sampler.parameters.topK : 64)
        guard let token = sampler.choose(among: candidates.best(penalized, matcher: matcher, limit: limit)) else {
            throw .grammarDeadEnd(after: String(decoding: progress.text, as: UTF8.self))
        }
        return token
    }

    /// Each token's bytes, built on the first constrained request and kept.
    private func tokenBytes() -> TokenByteTable {
        byteTable.withLock { table in
            if let table { return table }
            let built = TokenByteTable(tokenizer: tokenizer)
            table = built
            return built
        }
    }
}

/// Guessed tokens already in the cache, each with the logits after it, waiting to be
/// compared with what the sampler chooses; and how many to guess next. A check costs more
/// than a lone token's pass (on two cores, 1.2 to 2 passes for one guess, 3 to 6 for seven),
/// so guesses get shorter while they fail (down to one) and longer while they all hold (up
/// to the lookup's draft length), and after a check that took nothing guessing pauses for a
/// number of tokens that doubles with each such check in a row (up to 32).
private struct DraftCheck {
    private var guesses: [Int] = []
    private var logits: [[Float]] = []
    private var taken = 0
    private let longest: Int
    /// Most tokens to guess next time.
    private(set) var length: Int
    /// Tokens to go without guessing, and the pause the next failed check sets.
    private var paused = 0, nextPause = 1

    init(length: Int) {
        longest = length
        self.length = length
    }

    /// The logits after `token` when it is the next guess (which is then used up).
    mutating func take(_ token: Int) -> [Float]? {
        guard guesses.first == token else { return nil }
        guesses.removeFirst()
        taken += 1
        if guesses.isEmpty {
            length = min(longest, length * 2)
            nextPause = 1
        }
        return logits.removeFirst()
    }

    /// Drops the guesses left after a token that was not the next one; true when there
    /// were some (their positions in the cache are to be cut).
    mutating func reject() -> Bool {
        guard !guesses.isEmpty else { return false }
        if taken == 0 {
            length = max(1, length / 2)
            paused = nextPause
            nextPause = min(32, nextPause * 2)
        } else {
            nextPause = 1
        }
        guesses = []
        logits = []
        return true
    }

    /// Starts a check of `guesses`, whose logits are `logits`.
    mutating func check(_ guesses: [Int], logits: [[Float]]) {
        self.guesses = guesses
        self.logits = logits
        taken = 0
    }

    var isEmpty: Bool { guesses.isEmpty }

    /// Whether this token goes without guessing (counting the pause down).
    mutating func isPaused() -> Bool {
        guard paused > 0 else { return false }
        paused -= 1
        return true
    }
}

/// Set once when a generation's consumer goes away; read by the generating thread.
struct StopFlag: Sendable {
    private let raised = Locked(false)

    func raise() { raised.withLock { $0 = true } }

    var isRaised: Bool { raised.value }
}
