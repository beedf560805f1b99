import Foundation

/// Reads the words of one date or time phrase ("tomorrow at 5pm", "next friday morning",
/// "on the 3rd", "in 2 hours", "dec 24 2026", "noon") into a day and a time of day,
/// relative to a moment in a calendar. Every word must be understood, or the phrase is not
/// one: nothing is guessed.
struct DatePhraseParser {
    let calendar: Calendar
    let now: Date

    /// What the words said, before the missing parts are filled in.
    struct Reading: Equatable {
        var day: Date?
        var time: ClockTime?
        /// A default time from a part of the day ("morning"); a clock time replaces it.
        var partOfDay: ClockTime?
        /// An hour said without am/pm ("at 5").
        var bareHour: Int?
        /// Whether some word named a day or a time (not only a part of the day).
        var isSpecific: Bool { day != nil || time != nil || bareHour != nil }

        /// The time of day it names: a clock time; else a bare hour, in the afternoon when the
        /// part of the day says so or (with none) for 1–7; else the part of the day's own.
        var timeOfDay: ClockTime? {
            if let time { return time }
            guard let bareHour else { return partOfDay }
            let afternoon = partOfDay.map { $0.hour >= 12 } ?? (1...7).contains(bareHour)
            return ClockTime(hour: bareHour % 12 + (afternoon ? 12 : 0))
        }
    }

    /// The phrase in `words` (lower case, punctuation removed) as a reading, or nil when a
    /// word is not understood or the words name two days or two times.
    func read(_ words: [String]) -> Reading? {
        var reading = Reading()
        var index = 0
        var sawValue = false
        while index < words.count {
            guard let (element, used) = element(words, at: index) else { return nil }
            switch element {
            case .filler:
                break
            case .day(let day):
                guard reading.day == nil else { return nil }
                reading.day = day
            case .time(let time):
                guard reading.time == nil, reading.bareHour == nil else { return nil }
                reading.time = time
            case .bareHour(let hour):
                guard reading.time == nil, reading.bareHour == nil else { return nil }
                reading.bareHour = hour
            case .partOfDay(let time, let day):
                guard reading.partOfDay == nil else { return nil }
                reading.partOfDay = time
                if let day {
                    guard reading.day == nil else { return nil }
                    reading.day = day
                }
            case .moment(let day, let time):
                guard reading.day == nil, reading.time == nil, reading.bareHour == nil else { return nil }
                reading.day = day
                reading.time = time
            }
            if element != .filler { sawValue = true }
            index += used
        }
        // "tomorrow at" is not a phrase: it must end on what it names
        guard sawValue, let last = words.last, !Self.fillers.contains(last) else { return nil }
        return reading
    }

    // MARK: - Elements

    private enum Element: Equatable {
        case filler
        case day(Date)
        case time(ClockTime)
        /// An hour said without am/pm ("at 5"): a part of the day decides, else 1–7 are afternoon.
        case bareHour(Int)
        /// A part of the day, and the day it implies ("tonight", "this morning").
        case partOfDay(ClockTime, day: Date?)
        /// An exact moment ("in 2 hours").
        case moment(Date, ClockTime)
    }

    private static let fillers: Set<String> = ["on", "at", "by", "due", "for", "before", "around", "the", "of"]

    private func element(_ words: [String], at index: Int) -> (Element, Int)? {
        let word = words[index]
        let next = index + 1 < words.count ? words[index + 1] : nil
        if let match = relativeDay(words, at: index) ?? calendarDate(words, at: index) ?? clockTime(words, at: index) {
            return match
        }
        let afterNext = index + 2 < words.count ? words[index + 2] : nil
        if word == "at", let next, let hour = Int(next), (1...12).contains(hour),
            !["am", "pm", "a.m.", "p.m.", "o'clock", "oclock"].contains(afterNext ?? "") {
            return (.bareHour(hour), 2)
        }
        if Self.fillers.contains(word) { return (.filler, 1) }
        return nil
    }

    private var today: Date { calendar.startOfDay(for: now) }

    private func adding(_ days: Int, to date: Date) -> Date {
        calendar.date(byAdding: .day, value: days, to: date) ?? date
    }

    /// today, tomorrow, tonight, weekdays, next week, the weekend, in N days/hours, end of the week…
    private func relativeDay(_ words: [String], at index: Int) -> (Element, Int)? {
        let word = words[index]
        let rest = Array(words[(index + 1)...].prefix(4))
        switch word {
        case "today": return (.day(today), 1)
        case "tomorrow", "tmrw", "tmr": return (.day(adding(1, to: today)), 1)
        case "yesterday": return (.day(adding(-1, to: today)), 1)
        case "tonight": return (.partOfDay(ClockTime(hour: 20), day: today), 1)
        case "eod": return (.time(ClockTime(hour: 17)), 1)
        case "noon", "midday": return (.time(ClockTime(hour: 12)), 1)
        case "midnight": return (.time(ClockTime(hour: 23, minute: 59)), 1)
        case "weekend": return (.day(weekend(next: false)), 1)
        default: break
        }
        if let time = Self.partsOfDay[word] { return (.partOfDay(time, day: nil), 1) }
        if word == "day", rest.starts(with: ["after", "tomorrow"]) { return (.day(adding(2, to: today)), 3) }
        if let weekday = Self.weekdays.firstIndex(of: word) { return (.day(self.weekday(weekday, modifier: nil)), 1) }
        if word == "this" || word == "next" || word == "coming", let following = rest.first {
            if let weekday = Self.weekdays.firstIndex(of: following) {
                return (.day(self.weekday(weekday, modifier: word == "coming" ? nil : word)), 2)
            }
            if let time = Self.partsOfDay[following], word == "this" { return (.partOfDay(time, day: today), 2) }
            switch (word, following) {
            case ("next", "week"): return (.day(weekday(1, modifier: "next")), 2)
            case ("this", "weekend"), ("coming", "weekend"): return (.day(weekend(next: false)), 2)
            case ("next", "weekend"): return (.day(weekend(next: true)), 2)
            case ("next", "month"):
                let parts = calendar.dateComponents([.year, .month], from: today)
                let first = calendar.date(from: parts).flatMap { calendar.date(byAdding: .month, value: 1, to: $0) }
                return first.map { (.day($0), 2) }
            default: return nil
            }
        }
        if word == "end", rest.first == "of" {
            let skip = rest.count > 1 && rest[1] == "the" ? 1 : 0
            guard rest.count > 1 + skip else { return nil }
            switch rest[1 + skip] {
            case "day": return (.time(ClockTime(hour: 17)), 3 + skip)
            case "week": return (.day(weekday(5, modifier: "this")), 3 + skip)
            case "month":
                guard let range = calendar.range(of: .day, in: .month, for: today) else { return nil }
                let day = calendar.component(.day, from: today)
                return (.day(adding(range.count - day, to: today)), 3 + skip)
            default: return nil
            }
        }
        if word == "in" { return span(Array(rest)) }
        return nil
    }

    /// `in 3 days`, `in two weeks`, `in an hour`, `in 30 minutes`, `in half an hour`
    private func span(_ words: [String]) -> (Element, Int)? {
        if words.starts(with: ["half", "an", "hour"]) { return moment(minutesFromNow: 30, used: 4) }
        guard words.count >= 2, let count = Self.number(words[0]) else { return nil }
        switch words[1] {
        case "day", "days": return (.day(adding(count, to: today)), 3)
        case "week", "weeks": return (.day(adding(7 * count, to: today)), 3)
        case "month", "months":
            return calendar.date(byAdding: .month, value: count, to: today).map { (.day($0), 3) }
        case "hour", "hours", "hr", "hrs": return moment(minutesFromNow: 60 * count, used: 3)
        case "minute", "minutes", "min", "mins": return moment(minutesFromNow: count, used: 3)
        default: return nil
        }
    }

    private func moment(minutesFromNow minutes: Int, used: Int) -> (Element, Int)? {
        guard let then = calendar.date(byAdding: .minute, value: minutes, to: now) else { return nil }
        let parts = calendar.dateComponents([.hour, .minute], from: then)
        return (.moment(calendar.startOfDay(for: then), ClockTime(hour: parts.hour ?? 0, minute: parts.minute ?? 0)), used)
    }

    /// 2026-12-04 (with `T17:00`), dec 24, 24 december 2026, december 3rd, the 3rd
    private func calendarDate(_ words: [String], at index: Int) -> (Element, Int)? {
        let word = words[index]
        let next = index + 1 < words.count ? words[index + 1] : nil
        if CalendarDay.isValid(word), let date = date(year: Int(word.prefix(4)), month: Int(word.dropFirst(5).prefix(2)),
                                                       day: Int(word.suffix(2))) {
            return (.day(date), 1)
        }
        if let moment = DueMoment(text: word), let time = moment.time.flatMap(ClockTime.init),
            let date = date(year: Int(moment.day.prefix(4)), month: Int(moment.day.dropFirst(5).prefix(2)),
                            day: Int(moment.day.suffix(2))) {
            return (.moment(date, time), 1)
        }
        // month first: "december 3", "dec 3rd 2026"
        if let month = Self.month(word), let next, let day = Self.dayOfMonth(next) {
            let year = index + 2 < words.count ? Self.year(words[index + 2]) : nil
            return nextDate(month: month, day: day, year: year).map { (.day($0), year == nil ? 2 : 3) }
        }
        // day first: "3 december", "3rd of december 2026"
        if let day = Self.dayOfMonth(word) {
            var look = index + 1
            if look < words.count, words[look] == "of" { look += 1 }
            if look < words.count, let month = Self.month(words[look]) {
                let year = look + 1 < words.count ? Self.year(words[look + 1]) : nil
                return nextDate(month: month, day: day, year: year).map { (.day($0), look - index + (year == nil ? 1 : 2)) }
            }
            // "the 3rd": a day of this month, or of the next when it has passed
            if Self.isOrdinal(word) || (index > 0 && words[index - 1] == "the") {
                return nextDayOfMonth(day).map { (.day($0), 1) }
            }
        }
        return nil
    }

    /// 5pm, 5:30 pm, 17:00, 9 o'clock, 11am
    private func clockTime(_ words: [String], at index: Int) -> (Element, Int)? {
        let word = words[index]
        let next = index + 1 < words.count ? words[index + 1] : nil
        for suffix in ["am", "pm", "a.m.", "p.m."] where word.hasSuffix(suffix) && word.count > suffix.count {
            return Self.twelveHour(String(word.dropLast(suffix.count)), pm: suffix.hasPrefix("p")).map { (.time($0), 1) }
        }
        if let next, ["am", "pm", "a.m.", "p.m."].contains(next) {
            return Self.twelveHour(word, pm: next.hasPrefix("p")).map { (.time($0), 2) }
        }
        if word.contains(":"), let time = ClockTime(word) { return (.time(time), 1) }
        if let next, next == "o'clock" || next == "oclock", let hour = Int(word), (1...12).contains(hour) {
            return (.bareHour(hour), 2)
        }
        return nil
    }

    // MARK: - Days

    /// The day of `weekday` (0 Sunday … 6 Saturday): bare, the next one after today; `this`,
    /// the one in the current week (Monday first); `next`, the one in the following week.
    private func weekday(_ weekday: Int, modifier: String?) -> Date {
        let target = weekday + 1
        let current = calendar.component(.weekday, from: today)
        let mondayBased = { (day: Int) in (day + 5) % 7 }
        switch modifier {
        case "this": return adding(mondayBased(target) - mondayBased(current), to: today)
        case "next": return adding(7 - mondayBased(current) + mondayBased(target), to: today)
        default:
            let ahead = (target - current + 7) % 7
            return adding(ahead == 0 ? 7 : ahead, to: today)
        }
    }

    /// The coming Saturday (today on a Saturday, yesterday's on a Sunday), or the one after.
    private func weekend(next: Bool) -> Date {
        let current = calendar.component(.weekday, from: today)
        let ahead = current == 1 ? -1 : 7 - current
        return adding(ahead + (next ? 7 : 0), to: today)
    }

    private func date(year: Int?, month: Int?, day: Int?) -> Date? {
        guard let year, let month, let day else { return nil }
        let components = DateComponents(year: year, month: month, day: day)
        guard let date = calendar.date(from: components),
            calendar.dateComponents([.year, .month, .day], from: date) == components
        else { return nil }
        return date
    }

    /// `month`/`day` in `year`, or the next such day from today when no year is given.
    private func nextDate(month: Int, day: Int, year: Int?) -> Date? {
        if let year { return date(year: year, month: month, day: day) }
        let thisYear = calendar.component(.year, from: today)
        for candidate in thisYear...(thisYear + 4) {
            if let date = date(year: candidate, month: month, day: day), date >= today { return date }
        }
        return nil
    }

    /// Day `day` of this month if it has not passed, else of the next month that has it.
    private func nextDayOfMonth(_ day: Int) -> Date? {
        let parts = calendar.dateComponents([.year, .month], from: today)
        guard var year = parts.year, var month = parts.month else { return nil }
        for _ in 0..<4 {
            if let date = date(year: year, month: month, day: day), date >= today { return date }
            month += 1
            if month > 12 { (month, year) = (1, year + 1) }
        }
        return nil
    }

    // MARK: - Words

    private static let weekdays = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]
    private static let partsOfDay: [String: ClockTime] = [
        "morning": ClockTime(hour: 9), "afternoon": ClockTime(hour: 15), "evening": ClockTime(hour: 19),
        "night": ClockTime(hour: 21), "lunchtime": ClockTime(hour: 12),
    ]
    private static let months = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
                                 "october", "november", "december"]
    private static let numberWords = ["a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                                      "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12]

    /// The month a name or its three-letter form (and `sept`) names, 1 … 12.
    private static func month(_ word: String) -> Int? {
        if let index = months.firstIndex(of: word) { return index + 1 }
        guard word.count == 3 || word == "sept", word != "may",
            let index = months.firstIndex(where: { $0.hasPrefix(word) })
        else { return nil }
        return index + 1
    }

    /// 3, 3rd, 21st: 1 … 31.
    private static func dayOfMonth(_ word: String) -> Int? {
        let digits = isOrdinal(word) ? String(word.dropLast(2)) : word
        guard (1...2).contains(digits.count), let day = Int(digits), (1...31).contains(day) else { return nil }
        return day
    }

    private static func isOrdinal(_ word: String) -> Bool {
        ["st", "nd", "rd", "th"].contains(where: word.hasSuffix) && word.count > 2 && word.dropLast(2).allSatisfy(\.isNumber)
    }

    private static func year(_ word: String) -> Int? {
        guard word.count == 4, let year = Int(word), (2000...2100).contains(year) else { return nil }
        return year
    }

    private static func number(_ word: String) -> Int? {
        if let count = Int(word), (0...999).contains(count) { return count }
        return numberWords[word]
    }

    /// `5`, `5:30`, `5.30` with am/pm as a 24-hour time.
    private static func twelveHour(_ text: String, pm: Bool) -> ClockTime? {
        let parts = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == ":" || $0 == "." })
        guard (1...2).contains(parts.count), let hour = Int(parts[0]), (1...12).contains(hour) else { return nil }
        var minute = 0
        if parts.count == 2 {
            guard parts[1].count == 2, let value = Int(parts[1]), (0...59).contains(value) else { return nil }
            minute = value
        }
        return ClockTime(hour: hour % 12 + (pm ? 12 : 0), minute: minute)
    }
}
