import SLMEngine

/// What answers a turn's steps: the in-process engine (`LoadedModel`) or a model on a
/// server (`RemoteModel`). The turn decides what a step may do (`StepInput`); the model
/// turns that into its own request — a prompt of tokens and a grammar in process, a
/// chat-completions request on a server — and streams back text, a tool call and figures.
protocol TurnModel: Sendable {
    /// The name history and metrics record: a file name, or `model@server`.
    var name: String { get }
    /// Whether the model may start tool calls on its own (see `LoadedModel.isChatTuned`).
    var isChatTuned: Bool { get }
    /// Tokens the context holds (0: the server's to know).
    var contextLength: Int { get }
    /// Tokens whose keys and values are cached now (0 for a server).
    var cachedTokenCount: Int { get }
    /// Whether the step's tools are narrowed to what the request says (a date already
    /// resolved, the record numbers it names): help a small model in process needs, and
    /// a bigger model on a server is better without.
    var takesReadArguments: Bool { get }
    /// Whether a step whose call is required always ends in a call (the engine's grammar
    /// holds it from the first token); a server may let the model answer in words instead.
    var enforcesCalls: Bool { get }
    /// The key a call's arguments come under in the text `.constrained` carries.
    var argumentsKey: String { get }
    /// What hides call markup from the shown answer.
    func visibleAnswer(callsPossible: Bool) -> VisibleAnswer
    /// The call as an assistant message of the turn, for the next step.
    func callMessage(name: String, arguments: JSONValue, id: String) -> ChatMessage
    /// Starts a step: `.text`/`.token` pieces, a `.constrained` call, then `.finished`.
    func step(_ input: StepInput) throws -> StepStream
}

/// One step as the turn decides it, in chat messages: the same for every kind of model.
struct StepInput: Sendable {
    var system: String
    /// Earlier turns, oldest first; the model may leave the oldest out to fit.
    var history: [ChatMessage]
    /// This turn so far: the user's message, calls made and their results.
    var turn: [ChatMessage]
    var calls: StepPlan.Calls
    /// The tools the step may call, as this request offers them.
    var tools: [any Tool]
    /// The agent's tools, which a prompt that describes tools in its system text lists.
    var agentTools: [any Tool]
    var maxTokens: Int
    var sampling: SamplingParameters
    /// The saved text of an answer being carried on: the answer continues it.
    var answerPrefix: String
    var enableThinking: Bool
    /// Where the engine keeps this conversation's context between runs.
    var contextFile: String?
}

/// A started step: its events, and what fitting the prompt cost.
struct StepStream: Sendable {
    let events: AsyncThrowingStream<GenerationEvent, Error>
    /// Messages of the earlier conversation left out to fit.
    var droppedMessages = 0
    /// Why the model's own template could not write this prompt, when it could not.
    var notice: String?
}
