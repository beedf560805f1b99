import Foundation
import SLMEngine

/// One request of the evaluation set (`Resources/eval.json`): what to ask, what state to
/// start from, and which tool call (if any) a good answer makes.
public struct EvalCase: Sendable, Decodable {
    public let category: String
    public let request: String
    public let setup: Setup?
    /// The tool the first call should use; nil when a plain answer is right.
    public let tool: String?
    /// Checks on the first call's arguments, by argument name.
    public let arguments: [String: FieldCheck]?
    /// What the store must hold after the turn; nil when the case only checks the call.
    public let expect: StoreExpectation?

    /// The store after the turn: for each kind given, exactly these records (each check
    /// matching a different one, none left over); `unchanged` means no record changed.
    public struct StoreExpectation: Sendable, Decodable {
        public let tasks: [[String: FieldCheck]]?
        public let notes: [[String: FieldCheck]]?
        public let drafts: [[String: FieldCheck]]?
        public let unchanged: Bool?
    }

    /// Records in the scratch database before the request.
    public struct Setup: Sendable, Decodable {
        public struct Task: Sendable, Decodable {
            public let title: String
            public let due: String?
            public let time: String?
            public let done: Bool?
        }

        public struct Draft: Sendable, Decodable {
            public let to: String
            public let subject: String
            public let body: String
        }

        public struct Conversation: Sendable, Decodable {
            public let title: String
            public let messages: [String]
        }

        public let tasks: [Task]?
        public let notes: [String]?
        public let drafts: [Draft]?
        public let conversations: [Conversation]?
    }

    /// What an argument must be.
    public enum FieldCheck: Sendable, Decodable {
        /// A string containing this, ignoring case.
        case contains(String)
        /// Exactly this string.
        case text(String)
        /// Absent or empty.
        case absent
        /// Exactly this number.
        case equals(Double)
        /// The same day as this phrase, resolved against the clock.
        case day(String)
        /// An arithmetic expression with this value.
        case evaluatesTo(Double)

        enum Keys: String, CodingKey {
            case contains, equals, day, text, absent
            case evaluatesTo = "evaluates_to"
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            if let text = try container.decodeIfPresent(String.self, forKey: .contains) {
                self = .contains(text)
            } else if let text = try container.decodeIfPresent(String.self, forKey: .text) {
                self = .text(text)
            } else if try container.decodeIfPresent(Bool.self, forKey: .absent) == true {
                self = .absent
            } else if let number = try container.decodeIfPresent(Double.self, forKey: .equals) {
                self = .equals(number)
            } else if let phrase = try container.decodeIfPresent(String.self, forKey: .day) {
                self = .day(phrase)
            } else if let number = try container.decodeIfPresent(Double.self, forKey: .evaluatesTo) {
                self = .evaluatesTo(number)
            } else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                        debugDescription: "a check needs contains, text, absent, equals, day or evaluates_to"))
            }
        }

        /// Whether `value` passes, with dates resolved by `resolver` at `now`.
        public func passes(_ value: JSONValue?, resolver: DateResolver, now: Date) -> Bool {
            if case .absent = self { return value == nil || value == .null || value?.stringValue == "" }
            guard let value else { return false }
            switch self {
            case .absent:
                return false
            case .text(let text):
                return value.stringValue == text
            case .contains(let text):
                return value.stringValue?.lowercased().contains(text.lowercased()) == true
            case .equals(let number):
                return value.numberValue == number
            case .day(let phrase):
                guard let given = value.stringValue, let expected = resolver.resolve(phrase, now: now) else { return false }
                return resolver.resolve(given, now: now) == expected
            case .evaluatesTo(let number):
                guard let expression = value.stringValue, let result = try? Calculator().evaluate(expression) else { return false }
                return abs(result - number) < 1e-9
            }
        }
    }

    /// The committed set.
    public static func bundled() throws -> [EvalCase] {
        struct File: Decodable { let cases: [EvalCase] }
        let url = try ResourceLocator.resource("eval.json")
        do {
            return try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).cases
        } catch {
            throw ModelError.catalogUnreadable(path: url.path, reason: String(describing: error))
        }
    }
}
