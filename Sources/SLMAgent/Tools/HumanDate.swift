import Foundation

/// Days as a person reads them in a question or a list: `Tue 1 Dec`, with the year only
/// when it is not the current one.
enum HumanDate {
    static func day(_ isoDay: String, timeZone: TimeZone, now: Date = Date()) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = isoDay.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, let date = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2]))
        else { return isoDay }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = calendar.component(.year, from: now) == parts[0] ? "EEE d MMM" : "EEE d MMM yyyy"
        return formatter.string(from: date)
    }
}
