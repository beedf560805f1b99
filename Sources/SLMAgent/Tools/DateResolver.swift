import Foundation

/// Turns the date phrases people use with a planner into calendar dates, relative to a
/// moment and a time zone: `today`, `tomorrow`, `yesterday`, weekday names (`friday` is the
/// next Friday after today, `this friday` the one in the current week, `next friday` the one
/// in the following week), `in 3 days` / `in 2 weeks`, and ISO dates `2026-12-04`.
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
        let words = phrase.lowercased().split(whereSeparator: { $0.isWhitespace }).map(String.init)
        guard !words.isEmpty else { return nil }
        let today = calendar.startOfDay(for: now)
        if words.count == 1, let date = Self.isoDate(words[0], calendar: calendar) { return format(date) }
        switch words {
        case ["today"]: return format(today)
        case ["tomorrow"]: return format(adding(1, to: today))
        case ["yesterday"]: return format(adding(-1, to: today))
        default: break
        }
        if words.count == 3, words[0] == "in", let count = Int(words[1]) {
            switch words[2] {
            case "day", "days": return format(adding(count, to: today))
            case "week", "weeks": return format(adding(7 * count, to: today))
            default: return nil
            }
        }
        let modifier = words.count == 2 ? words[0] : nil
        guard words.count <= 2, modifier == nil || modifier == "this" || modifier == "next",
            let weekday = Self.weekdays.firstIndex(of: words[words.count - 1])
        else { return nil }
        // calendar weekdays: 1 = Sunday … 7 = Saturday
        let target = weekday + 1
        let current = calendar.component(.weekday, from: today)
        let mondayBased = { (day: Int) in (day + 5) % 7 }  // Monday 0 … Sunday 6
        switch modifier {
        case "this":
            return format(adding(mondayBased(target) - mondayBased(current), to: today))
        case "next":
            return format(adding(7 - mondayBased(current) + mondayBased(target), to: today))
        default:
            let ahead = (target - current + 7) % 7
            return format(adding(ahead == 0 ? 7 : ahead, to: today))
        }
    }

    private static let weekdays = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]

    private func adding(_ days: Int, to date: Date) -> Date {
        calendar.date(byAdding: .day, value: days, to: date) ?? date
    }

    private func format(_ date: Date) -> String {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }

    private static func isoDate(_ text: String, calendar: Calendar) -> Date? {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, text.count == 10 else { return nil }
        let components = DateComponents(year: parts[0], month: parts[1], day: parts[2])
        guard let date = calendar.date(from: components),
            calendar.dateComponents([.year, .month, .day], from: date) == components
        else { return nil }
        return date
    }
}
