/// Follows a `Grammar` one UTF-8 byte at a time: a pushdown matcher whose stack holds one
/// frame per open JSON construct. It is a small value, so testing whether a token fits is
/// copying it and feeding the token's bytes; only bytes that can still lead to a complete,
/// schema-valid text are accepted, so a constrained answer never reaches a dead end.
///
/// ```swift
/// var matcher = GrammarMatcher(.toolCall(tools: tools))
/// if matcher.allows(tokenBytes) { matcher.accept(tokenBytes) }
/// if matcher.isComplete { … }
/// ```
///
/// The JSON it accepts is written the usual way: members in schema order (optional ones may
/// be left out), at most one space after `:` and `,`, strings without `\u` escapes.
public struct GrammarMatcher: Sendable {
    private var stack: [Frame]

    /// A matcher at the start of `grammar`; `leadingWhitespace` allows one space or newline first.
    public init(_ grammar: Grammar, leadingWhitespace: Bool = false) {
        switch grammar {
        case .json(let schema): stack = [Frame.expecting(schema)]
        case .toolCall(let tools, let argumentsKey):
            stack = [.toolCall(ToolCallState(tools: tools, argumentsKey: argumentsKey))]
        case .toolCallList(let tools, let argumentsKey):
            stack = [.toolCall(ToolCallState(tools: tools, argumentsKey: argumentsKey, inList: true))]
        case .oneOf(let words): stack = [.choice(ChoiceState(words.map { Array($0.utf8) }))]
        }
        if leadingWhitespace { stack.append(.optionalSpace(allowNewline: true)) }
    }

    /// The grammar has been matched in full; nothing more is accepted.
    public var isComplete: Bool { stack.isEmpty }

    /// Feeds one byte. Returns false, leaving the matcher unchanged, when it does not fit.
    @discardableResult
    public mutating func accept(_ byte: UInt8) -> Bool {
        var copy = self
        guard copy.feed(byte) else { return false }
        self = copy
        return true
    }

    /// Feeds bytes. Returns false, leaving the matcher unchanged, when any does not fit.
    @discardableResult
    public mutating func accept<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> Bool {
        var copy = self
        for byte in bytes where !copy.feed(byte) { return false }
        self = copy
        return true
    }

    /// Whether all of `bytes` fit from here.
    public func allows<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> Bool {
        var copy = self
        for byte in bytes where !copy.feed(byte) { return false }
        return true
    }

    /// For each byte value, whether it may come next.
    public func allowedFirstBytes() -> [Bool] {
        (0...255).map { byte in
            var copy = self
            return copy.feed(UInt8(byte))
        }
    }

    private mutating func feed(_ byte: UInt8) -> Bool {
        while var frame = stack.popLast() {
            switch frame.step(byte) {
            case .reject:
                return false
            case .consumed:
                stack.append(frame)
                return true
            case .consumedAndDone(let result):
                finishChild(result)
                return true
            case .doneBefore(let result):
                finishChild(result)
            case .replace(let replacement):
                stack.append(replacement)
            case .push(let child):
                stack.append(frame)
                stack.append(child)
            case .consumedAndPush(let child):
                stack.append(frame)
                stack.append(child)
                return true
            }
        }
        return false
    }

    /// Tells the frame below a finished one, which may finish in turn.
    private mutating func finishChild(_ result: Int?) {
        var result = result
        while var parent = stack.popLast() {
            let outcome = parent.childFinished(result)
            guard outcome.finished else {
                stack.append(parent)
                return
            }
            result = outcome.result
        }
    }
}

// MARK: - Frames

/// What a frame does with a byte.
private enum Step {
    case reject
    /// The byte was used; the frame stays.
    case consumed
    /// The byte was used and finished the frame (with a choice's index).
    case consumedAndDone(Int?)
    /// The frame was already complete; the byte belongs to its parent.
    case doneBefore(Int?)
    /// Swap this frame for another and give the byte to it.
    case replace(Frame)
    /// Keep this frame, push a child and give the byte to the child.
    case push(Frame)
    /// The byte was used; keep this frame and push a child for the bytes that follow.
    case consumedAndPush(Frame)
}

private enum Frame: Sendable {
    case literal([UInt8], Int)
    case choice(ChoiceState)
    case string(StringState)
    case date(DateState)
    /// A `day`-format string before its first character says date or phrase.
    case day(opened: Bool)
    case integer(IntegerState)
    case number(NumberState)
    case object(ObjectState)
    case array(ArrayState)
    case optionalSpace(allowNewline: Bool)
    case toolCall(ToolCallState)

    /// The frame that matches a value of `schema`.
    static func expecting(_ schema: JSONSchema) -> Frame {
        switch schema {
        case .object(let properties): .object(ObjectState(properties: properties))
        case .string(let allowed?, _, _, _): .choice(ChoiceState(allowed.map { Array(JSONValue.quoted($0).utf8) }))
        case .string(_, .date, _, _): .date(DateState())
        case .string(_, .day, _, _): .day(opened: false)
        case .string(_, _, let minLength, let maxLength):
            .string(StringState(minLength: minLength ?? 0, maxLength: maxLength ?? GrammarLimits.stringLength))
        case .integer(let minimum, let maximum): .integer(IntegerState(minimum: minimum, maximum: maximum))
        case .number: .number(NumberState())
        case .boolean: .choice(ChoiceState([Array("true".utf8), Array("false".utf8)]))
        case .array(let items, let maxItems):
            .array(ArrayState(items: items, maxItems: maxItems ?? GrammarLimits.arrayItems))
        }
    }

    mutating func step(_ byte: UInt8) -> Step {
        switch self {
        case .literal(let bytes, let index):
            guard byte == bytes[index] else { return .reject }
            if index + 1 == bytes.count { return .consumedAndDone(nil) }
            self = .literal(bytes, index + 1)
            return .consumed
        case .choice(var state):
            defer { self = .choice(state) }
            return state.step(byte)
        case .string(var state):
            defer { self = .string(state) }
            return state.step(byte)
        case .date(var state):
            defer { self = .date(state) }
            return state.step(byte)
        case .day(let opened):
            guard opened else {
                guard byte == UInt8(ascii: "\"") else { return .reject }
                self = .day(opened: true)
                return .consumed
            }
            if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                return .replace(.date(DateState(opened: true, thisCenturyOnly: true)))
            }
            return .replace(.choice(ChoiceState(JSONSchema.dayPhrases.map { Array(($0 + "\"").utf8) })))
        case .integer(var state):
            defer { self = .integer(state) }
            return state.step(byte)
        case .number(var state):
            defer { self = .number(state) }
            return state.step(byte)
        case .object(var state):
            defer { self = .object(state) }
            return state.step(byte)
        case .array(var state):
            defer { self = .array(state) }
            return state.step(byte)
        case .optionalSpace(let allowNewline):
            if byte == UInt8(ascii: " ") || (allowNewline && byte == UInt8(ascii: "\n")) { return .consumedAndDone(nil) }
            return .doneBefore(nil)
        case .toolCall(var state):
            defer { self = .toolCall(state) }
            return state.step(byte)
        }
    }

    /// A child pushed by this frame finished with `result`. Says whether that finished
    /// this frame too, and with what result.
    mutating func childFinished(_ result: Int?) -> (finished: Bool, result: Int?) {
        switch self {
        case .object(var state):
            state.childFinished(result)
            self = .object(state)
        case .toolCall(var state):
            let finished = state.childFinished(result)
            self = .toolCall(state)
            return (finished, nil)
        default:
            break
        }
        return (false, nil)
    }
}

// MARK: - Frame states

/// One of several byte strings, told apart as bytes arrive. The result is the index of
/// the one matched.
private struct ChoiceState: Sendable {
    let candidates: [[UInt8]]
    var alive: [Int]
    var position = 0

    init(_ candidates: [[UInt8]]) {
        self.candidates = candidates
        alive = Array(candidates.indices).filter { !candidates[$0].isEmpty }
    }

    mutating func step(_ byte: UInt8) -> Step {
        let position = position
        let remaining = alive.filter { candidates[$0][position] == byte }
        guard !remaining.isEmpty else { return .reject }
        self.position += 1
        if let finished = remaining.first(where: { candidates[$0].count == self.position }) {
            return .consumedAndDone(finished)
        }
        alive = remaining
        return .consumed
    }
}

/// A JSON string: valid UTF-8, no control characters, simple escapes, length in bounds.
private struct StringState: Sendable {
    let minLength: Int
    let maxLength: Int
    var opened = false
    var length = 0
    var escaping = false
    /// The text's last words (hashes), to stop a string that loops: once a run of one to
    /// eight words is said three times in a row ("in 3 days in 3 days in 3 days "), or a
    /// word runs past `longestWord` bytes (a model writing digits without end), the only
    /// byte left is the closing quote. Kept in fixed-size vectors, not arrays: the matcher
    /// is copied for every candidate token, and an array would be copied on each space.
    /// The last eight words' hashes, a ring indexed by `words % 8`.
    var lastWords = SIMD8<UInt64>(repeating: 0)
    /// For a run length k (lane k-1): how many words in a row equalled the word k before.
    /// A run of k words said three times in a row makes this 2k.
    var echoes = SIMD8<UInt16>(repeating: 0)
    var words = 0
    var wordHash = StringState.emptyWord
    var wordLength = 0
    var repeating = false
    static let longestWord = 64
    static let emptyWord: UInt64 = 0xcbf2_9ce4_8422_2325
    /// Continuation bytes still owed by a multi-byte character, and the range the next one
    /// must fall in (narrower after some lead bytes, to refuse overlong forms and surrogates).
    var owed = 0
    var nextLow: UInt8 = 0x80
    var nextHigh: UInt8 = 0xBF

    mutating func step(_ byte: UInt8) -> Step {
        guard opened else {
            guard byte == UInt8(ascii: "\"") else { return .reject }
            opened = true
            return .consumed
        }
        if owed > 0 {
            guard byte >= nextLow, byte <= nextHigh else { return .reject }
            owed -= 1
            nextLow = 0x80
            nextHigh = 0xBF
            return .consumed
        }
        if escaping {
            guard Array("\"\\/bfnrt".utf8).contains(byte) else { return .reject }
            escaping = false
            return .consumed
        }
        switch byte {
        case UInt8(ascii: "\""):
            return length >= minLength ? .consumedAndDone(nil) : .reject
        case 0..<0x20:
            return .reject
        default:
            guard length < maxLength, !repeating else { return .reject }
            noteWord(byte)
            switch byte {
            case UInt8(ascii: "\\"): escaping = true
            case 0x20..<0x80: break
            case 0xC2...0xDF: owed = 1
            case 0xE0: (owed, nextLow) = (2, 0xA0)
            case 0xED: (owed, nextHigh) = (2, 0x9F)
            case 0xE1...0xEF: owed = 2
            case 0xF0: (owed, nextLow) = (3, 0x90)
            case 0xF4: (owed, nextHigh) = (3, 0x8F)
            case 0xF1...0xF3: owed = 3
            default: return .reject
            }
            length += 1
            return .consumed
        }
    }

    /// Adds `byte` to the current word; a space ends it and checks for a loop.
    private mutating func noteWord(_ byte: UInt8) {
        guard byte == UInt8(ascii: " ") else {
            wordHash = (wordHash ^ UInt64(byte)) &* 0x100_0000_01b3
            wordLength += 1
            if wordLength >= Self.longestWord { repeating = true }
            return
        }
        wordLength = 0
        guard wordHash != Self.emptyWord else { return }
        for run in 1...8 {
            let echoed = words >= run && lastWords[(words - run) & 7] == wordHash
            echoes[run - 1] = echoed ? echoes[run - 1] &+ 1 : 0
            if Int(echoes[run - 1]) >= 2 * run { repeating = true }
        }
        lastWords[words & 7] = wordHash
        words += 1
        wordHash = Self.emptyWord
    }
}

/// A quoted `yyyy-MM-dd` date that exists (no 30 February, 29 February only in leap years).
private struct DateState: Sendable {
    /// Bytes after the opening quote.
    var text: [UInt8] = []
    var opened = false
    /// Years 2000 to 2099 only (the `day` format).
    var thisCenturyOnly = false

    private func digit(_ index: Int) -> Int { Int(text[index] - UInt8(ascii: "0")) }

    mutating func step(_ byte: UInt8) -> Step {
        guard opened else {
            guard byte == UInt8(ascii: "\"") else { return .reject }
            opened = true
            return .consumed
        }
        let position = text.count
        if position == 10 { return byte == UInt8(ascii: "\"") ? .consumedAndDone(nil) : .reject }
        if position == 4 || position == 7 {
            guard byte == UInt8(ascii: "-") else { return .reject }
            text.append(byte)
            return .consumed
        }
        guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return .reject }
        let value = Int(byte - UInt8(ascii: "0"))
        let fits: Bool
        switch position {
        case 0: fits = thisCenturyOnly ? value == 2 : value >= 1
        case 1: fits = !thisCenturyOnly || value == 0
        case 5: fits = value <= 1
        case 6: fits = digit(5) == 0 ? value >= 1 : value <= 2
        case 8:
            let month = digit(5) * 10 + digit(6)
            fits = value <= 2 || (value == 3 && month != 2)
        case 9:
            let year = digit(0) * 1000 + digit(1) * 100 + digit(2) * 10 + digit(3)
            let month = digit(5) * 10 + digit(6)
            let day = digit(8) * 10 + value
            fits = day >= 1 && day <= CalendarDate.days(inMonth: month, year: year)
        default: fits = true
        }
        guard fits else { return .reject }
        text.append(byte)
        return .consumed
    }
}

/// A JSON integer within optional bounds. Each digit is accepted only if some way of
/// going on (or stopping) lands inside the bounds.
private struct IntegerState: Sendable {
    let minimum: Int?
    let maximum: Int?
    var negative = false
    var digits = 0
    var magnitude = 0

    init(minimum: Int?, maximum: Int?) {
        self.minimum = minimum
        self.maximum = maximum
    }

    mutating func step(_ byte: UInt8) -> Step {
        if byte == UInt8(ascii: "-"), digits == 0, !negative {
            guard viable(negative: true, magnitude: 0, digits: 0) else { return .reject }
            negative = true
            return .consumed
        }
        guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else {
            return digits > 0 && inBounds(negative ? -magnitude : magnitude) ? .doneBefore(nil) : .reject
        }
        guard digits < GrammarLimits.integerDigits, !(digits == 1 && magnitude == 0) else { return .reject }
        let next = magnitude * 10 + Int(byte - UInt8(ascii: "0"))
        guard viable(negative: negative, magnitude: next, digits: digits + 1) else { return .reject }
        magnitude = next
        digits += 1
        return .consumed
    }

    private func inBounds(_ value: Int) -> Bool {
        (minimum.map { value >= $0 } ?? true) && (maximum.map { value <= $0 } ?? true)
    }

    /// Whether stopping now or adding more digits can reach a value inside the bounds.
    private func viable(negative: Bool, magnitude: Int, digits: Int) -> Bool {
        var scale = 1
        for extra in 0...(GrammarLimits.integerDigits - digits) {
            defer { scale *= 10 }
            let low: Int, high: Int
            if extra == 0 {
                guard digits > 0 else { continue }
                (low, high) = (magnitude, magnitude)
            } else if digits == 0 {
                (low, high) = (extra == 1 ? 0 : scale / 10, scale - 1)
            } else {
                guard magnitude != 0 else { break }
                (low, high) = (magnitude * scale, magnitude * scale + scale - 1)
            }
            let (from, to) = negative ? (-high, -low) : (low, high)
            if (maximum.map { from <= $0 } ?? true) && (minimum.map { to >= $0 } ?? true) { return true }
        }
        return false
    }
}

/// A JSON number: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]{1,2})?`, bounded in
/// length so it always fits a Double.
private struct NumberState: Sendable {
    enum Part { case start, sign, zero, integer, point, fraction, exponentMark, exponentSign, exponent }
    var part = Part.start
    var length = 0
    var exponentDigits = 0

    mutating func step(_ byte: UInt8) -> Step {
        let isDigit = (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        let next: Part?
        switch (part, byte) {
        case (.start, UInt8(ascii: "-")): next = .sign
        case (.start, UInt8(ascii: "0")), (.sign, UInt8(ascii: "0")): next = .zero
        case (.start, _) where isDigit, (.sign, _) where isDigit, (.integer, _) where isDigit: next = .integer
        case (.zero, UInt8(ascii: ".")), (.integer, UInt8(ascii: ".")): next = .point
        case (.point, _) where isDigit, (.fraction, _) where isDigit: next = .fraction
        case (.zero, UInt8(ascii: "e")), (.zero, UInt8(ascii: "E")), (.integer, UInt8(ascii: "e")),
            (.integer, UInt8(ascii: "E")), (.fraction, UInt8(ascii: "e")), (.fraction, UInt8(ascii: "E")):
            next = .exponentMark
        case (.exponentMark, UInt8(ascii: "+")), (.exponentMark, UInt8(ascii: "-")): next = .exponentSign
        case (.exponentMark, _) where isDigit, (.exponentSign, _) where isDigit, (.exponent, _) where isDigit:
            next = .exponent
        default: next = nil
        }
        guard let next else {
            return [.zero, .integer, .fraction, .exponent].contains(part) ? .doneBefore(nil) : .reject
        }
        if next == .exponent {
            guard exponentDigits < 2 else { return .doneBefore(nil) }
            exponentDigits += 1
        }
        // keep room to finish: a point or an exponent mark needs one more digit
        let reserve = next == .point || next == .exponentMark || next == .exponentSign || next == .sign ? 1 : 0
        guard length + 1 + reserve <= GrammarLimits.numberLength else { return .reject }
        length += 1
        part = next
        return .consumed
    }
}

/// A JSON object with the schema's properties in order; optional ones may be skipped,
/// required ones may not.
private struct ObjectState: Sendable {
    enum Stage { case open, afterOpen, key, colon, value, afterValue, afterComma }
    let properties: [JSONSchema.Property]
    var stage = Stage.open
    /// The first property that may still be written.
    var next = 0
    /// Properties offered by the key choice in progress.
    var offered: [Int] = []
    var current = 0

    init(properties: [JSONSchema.Property]) { self.properties = properties }

    /// Properties that may come next: from `next` up to and including the first required one.
    private var candidates: [Int] {
        var result: [Int] = []
        for index in next..<properties.count {
            result.append(index)
            if properties[index].isRequired { break }
        }
        return result
    }

    private var requiredRemain: Bool { properties[next...].contains(where: \.isRequired) }

    mutating func step(_ byte: UInt8) -> Step {
        switch stage {
        case .open:
            guard byte == UInt8(ascii: "{") else { return .reject }
            stage = .afterOpen
            return .consumed
        case .afterOpen, .afterComma:
            if byte == UInt8(ascii: "}"), stage == .afterOpen, !requiredRemain { return .consumedAndDone(nil) }
            guard byte == UInt8(ascii: "\"") else { return .reject }
            offered = candidates
            guard !offered.isEmpty else { return .reject }
            stage = .key
            return .consumedAndPush(.choice(ChoiceState(offered.map { Array((properties[$0].name + "\"").utf8) })))
        case .key:
            return .reject
        case .colon:
            guard byte == UInt8(ascii: ":") else { return .reject }
            stage = .value
            return .consumedAndPush(.optionalSpace(allowNewline: false))
        case .value:
            stage = .afterValue
            return .push(.expecting(properties[current].schema))
        case .afterValue:
            if byte == UInt8(ascii: ","), next < properties.count {
                stage = .afterComma
                return .consumedAndPush(.optionalSpace(allowNewline: false))
            }
            if byte == UInt8(ascii: "}"), !requiredRemain { return .consumedAndDone(nil) }
            return .reject
        }
    }

    /// A key choice finished with the index of the key among those offered, or a value or
    /// a space finished.
    mutating func childFinished(_ result: Int?) {
        switch stage {
        case .key:
            current = offered[result ?? 0]
            stage = .colon
        case .afterValue:
            next = current + 1
        default:
            break
        }
    }
}

/// A JSON array of `items`, at most `maxItems` long.
private struct ArrayState: Sendable {
    enum Stage { case open, afterOpen, afterItem, afterComma }
    let items: JSONSchema
    let maxItems: Int
    var stage = Stage.open
    var count = 0

    mutating func step(_ byte: UInt8) -> Step {
        switch stage {
        case .open:
            guard byte == UInt8(ascii: "[") else { return .reject }
            stage = .afterOpen
            return .consumed
        case .afterOpen:
            if byte == UInt8(ascii: "]") { return .consumedAndDone(nil) }
            guard maxItems > 0 else { return .reject }
            return pushItem()
        case .afterComma:
            return pushItem()
        case .afterItem:
            if byte == UInt8(ascii: "]") { return .consumedAndDone(nil) }
            guard byte == UInt8(ascii: ","), count < maxItems else { return .reject }
            stage = .afterComma
            return .consumedAndPush(.optionalSpace(allowNewline: false))
        }
    }

    private mutating func pushItem() -> Step {
        count += 1
        stage = .afterItem
        return .push(.expecting(items))
    }
}

/// `{"name": "<tool>", "<argumentsKey>": <arguments>}`, in parts pushed one after another.
private struct ToolCallState: Sendable {
    let tools: [ToolSignature]
    let argumentsKey: String
    /// Wrapped in a one-item list: `[{…}]`.
    var inList = false
    var part = 0
    var chosen = 0

    private static let partCount = 9

    mutating func step(_ byte: UInt8) -> Step {
        guard part < Self.partCount else { return .reject }
        let frame: Frame
        switch part {
        case 0: frame = .literal(Array((inList ? "[{\"name\":" : "{\"name\":").utf8), 0)
        case 2: frame = .choice(ChoiceState(tools.map { Array(JSONValue.quoted($0.name).utf8) }))
        case 3: frame = .literal(Array(",".utf8), 0)
        case 5: frame = .literal(Array((JSONValue.quoted(argumentsKey) + ":").utf8), 0)
        case 7: frame = .expecting(tools[chosen].arguments)
        case 8: frame = .literal(Array((inList ? "}]" : "}").utf8), 0)
        default: frame = .optionalSpace(allowNewline: false)
        }
        part += 1
        return .push(frame)
    }

    /// Returns true when the last part has finished.
    mutating func childFinished(_ result: Int?) -> Bool {
        if part == 3, let result { chosen = result }
        return part == Self.partCount
    }
}
