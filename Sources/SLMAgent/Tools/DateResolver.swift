import Foundation

/// Turns the date and time phrases people use with a planner into days and times, relative
/// to a moment and a time zone, in code (a small model copies a phrase far more reliably
/// than it computes a date): `today`, `tomorrow at 5pm`, `tonight`, weekdays (`friday` is
/// the next Friday after today, `this friday` the one in the current week, `next friday`
/// the one in the following week) with a part of the day (`next friday morning`), `in 3
/// days`, `in 2 hours`, `next week`, `the weekend`, `on the 3rd`, `dec 24`, `noon`, and ISO
/// dates `2026-12-04` (`2026-12-04 17:00`). A time alone is today's when it is still ahead,
/// else tomorrow's.
public struct DateResolver: Sendable {
    public let calendar: Calendar

    /// A resolver for `timeZone` (the machine's by default), weeks starting on Monday.
    public init(timeZone: TimeZone = .current) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        calendar.firstWeekday = 2
        self.calendar = calendar
    }

    /// The day `phrase` names, as an ISO date `yyyy-MM-dd`, or nil when it is not understood.
    public func resolve(_ phrase: String, now: Date = Date()) -> String? {
        moment(phrase, now: now)?.day
    }

    /// The day and time `phrase` names, or nil unless every word of it is understood.
    public func moment(_ phrase: String, now: Date = Date()) -> DueMoment? {
        let words = Self.words(in: phrase).map(\.word)
        guard let reading = DatePhraseParser(calendar: calendar, now: now).read(words) else { return nil }
        return moment(reading, now: now)
    }

    /// A date or time phrase found in a longer text, and the text without it.
    public struct Found: Sendable, Equatable {
        public let moment: DueMoment
        /// The phrases as written (`on Saturday`, `at 5pm`), in order.
        public let phrases: [String]
        /// The text with the phrases taken out.
        public let remainder: String
    }

    /// The date and time a request names ("Remind me to call mom tomorrow at 5pm"): the
    /// longest phrases, the first day and the first time among them; nil when it names none.
    public func find(in text: String, now: Date = Date()) -> Found? {
        let words = Self.words(in: text)
        let parser = DatePhraseParser(calendar: calendar, now: now)
        var segments: [(range: Range<Int>, reading: DatePhraseParser.Reading)] = []
        var start = 0
        while start < words.count {
            let longest = stride(from: min(words.count, start + 7), to: start, by: -1).lazy.compactMap { end in
                parser.read(words[start..<end].map(\.word)).map { (start..<end, $0) }
            }.first { Self.standsAlone(words[$0.0].map(\.word), $0.1) }
            if let longest {
                segments.append((longest.0, longest.1))
                start = longest.0.upperBound
            } else {
                start += 1
            }
        }
        guard let dayed = segments.first(where: { $0.reading.day != nil }) ?? segments.first else { return nil }
        let timed = segments.first { $0.reading.time != nil || $0.reading.bareHour != nil }
        var reading = dayed.reading
        if reading.timeOfDay == nil || (reading.time == nil && reading.bareHour == nil), let timed {
            reading.time = timed.reading.timeOfDay
        }
        let used = [dayed.range] + (timed.map { $0.range == dayed.range ? [] : [$0.range] } ?? [])
        let ordered = used.sorted { $0.lowerBound < $1.lowerBound }
        let phrases = ordered.map { range in String(text[words[range.lowerBound].range.lowerBound..<words[range.upperBound - 1].range.upperBound]) }
        var remainder = ""
        var position = text.startIndex
        for range in ordered {
            remainder += text[position..<words[range.lowerBound].range.lowerBound]
            position = words[range.upperBound - 1].range.upperBound
        }
        remainder += text[position...]
        return Found(moment: moment(reading, now: now), phrases: phrases,
                     remainder: Self.tidy(remainder))
    }

    // MARK: - Plumbing

    private func moment(_ reading: DatePhraseParser.Reading, now: Date) -> DueMoment {
        let time = reading.timeOfDay
        let day: Date
        if let given = reading.day {
            day = given
        } else {
            let parts = calendar.dateComponents([.hour, .minute], from: now)
            let current = ClockTime(hour: parts.hour ?? 0, minute: parts.minute ?? 0)
            let today = calendar.startOfDay(for: now)
            day = time.map { $0 > current } ?? true ? today : calendar.date(byAdding: .day, value: 1, to: today) ?? today
        }
        let parts = calendar.dateComponents([.year, .month, .day], from: day)
        let text = String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
        return DueMoment(day: text, time: time?.text)
    }

    /// Spaces collapsed and none left before punctuation where a phrase was taken out.
    private static func tidy(_ text: String) -> String {
        var tidy = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for mark in [".", ",", "!", "?", ";", ":"] { tidy = tidy.replacingOccurrences(of: " " + mark, with: mark) }
        return tidy
    }

    /// Whether a phrase found inside a text is one on its own: it names a day or a time, not
    /// only a part of the day ("good morning"), and a lone day of the month is introduced
    /// ("on the 3rd", not "the 3rd floor").
    private static func standsAlone(_ words: [String], _ reading: DatePhraseParser.Reading) -> Bool {
        guard reading.isSpecific else { return false }
        let values = words.filter { !["on", "at", "by", "due", "for", "before", "around", "the", "of"].contains($0) }
        if values.count == 1, values[0].first?.isNumber == true, !values[0].contains(":"), !values[0].contains("-"),
            !["am", "pm"].contains(where: values[0].hasSuffix) {
            return ["on", "by", "due", "before", "at", "for"].contains(words[0])
        }
        return true
    }

    /// The text's words in lower case, each with where it stands (surrounding punctuation left out).
    private static func words(in text: String) -> [(word: String, range: Range<String.Index>)] {
        var words: [(String, Range<String.Index>)] = []
        var index = text.startIndex
        while index < text.endIndex {
            guard !text[index].isWhitespace else {
                index = text.index(after: index)
                continue
            }
            var end = index
            while end < text.endIndex, !text[end].isWhitespace { end = text.index(after: end) }
            var lower = index
            var upper = end
            let edges: Set<Character> = [",", ".", "!", "?", ";", ":", "(", ")", "\"", "'", "“", "”", "‘", "’"]
            while lower < upper, edges.contains(text[lower]) { lower = text.index(after: lower) }
            while upper > lower, edges.contains(text[text.index(before: upper)]) { upper = text.index(before: upper) }
            var word = String(text[lower..<upper]).lowercased()
            // "p.m." keeps its dots; a sentence's last "5pm." does not
            if text[lower..<end].lowercased().hasSuffix("p.m.") || text[lower..<end].lowercased().hasSuffix("a.m.") {
                word = String(text[lower..<end]).lowercased().trimmingCharacters(in: CharacterSet(charactersIn: ",;!?)"))
                upper = end
            }
            if !word.isEmpty { words.append((word, lower..<upper)) }
            index = end
        }
        return words
    }
}
