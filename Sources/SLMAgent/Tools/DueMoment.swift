/// When something is due: a day, and maybe a time of day.
public struct DueMoment: Sendable, Equatable, CustomStringConvertible {
    /// `yyyy-MM-dd`
    public let day: String
    /// `HH:mm`, 24-hour, or nil for the whole day.
    public let time: String?

    public init(day: String, time: String? = nil) {
        self.day = day
        self.time = time
    }

    /// `2026-12-03 17:00`, or `2026-12-03` without a time: the form tools take and give.
    public var description: String { time.map { day + " " + $0 } ?? day }

    /// Reads the form `description` writes (a `T` in place of the space too); nil for anything else.
    public init?(text: String) {
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "T" || $0 == "t" }).map(String.init)
        guard parts.count == 1 || parts.count == 2, CalendarDay.isValid(parts[0]) else { return nil }
        if parts.count == 2 {
            guard let time = ClockTime(parts[1]) else { return nil }
            self.init(day: parts[0], time: time.text)
        } else {
            self.init(day: parts[0])
        }
    }
}

/// A time of day, minutes after midnight.
struct ClockTime: Equatable, Comparable {
    let minutes: Int

    init(hour: Int, minute: Int = 0) { minutes = hour * 60 + minute }

    /// `17:00`, `9:30`: 24-hour, two-digit minutes.
    init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[1].count == 2, (1...2).contains(parts[0].count),
            let hour = Int(parts[0]), let minute = Int(parts[1]), (0...23).contains(hour), (0...59).contains(minute)
        else { return nil }
        self.init(hour: hour, minute: minute)
    }

    var hour: Int { minutes / 60 }

    /// `HH:mm`
    var text: String {
        let minute = minutes % 60
        return (hour < 10 ? "0" : "") + String(hour) + ":" + (minute < 10 ? "0" : "") + String(minute)
    }

    static func < (left: ClockTime, right: ClockTime) -> Bool { left.minutes < right.minutes }
}

/// Checks `yyyy-MM-dd` text without a calendar: digits, ranges, month lengths, leap years.
enum CalendarDay {
    static func isValid(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.count == 10, parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]), (1...12).contains(month)
        else { return false }
        return (1...length(month: month, year: year)).contains(day)
    }

    static func length(month: Int, year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
