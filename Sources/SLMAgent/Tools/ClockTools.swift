import Foundation
import SLMEngine

/// The clock: what time it is here, and which day a phrase like "next Friday" means.
enum ClockTools {
    static let all: [any Tool] = [Now(), Resolve()]

    static func weekday(_ date: Date, _ timeZone: TimeZone) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = "EEEE"
        return formatter.string(from: date)
    }

    struct Now: Tool {
        let name = "clock_now"
        let description = "The current date, time and weekday in the user's time zone."
        let hints = ["what time", "time is it", "what day", "today's date", "day of the week", "date today"]
        let permission = ToolPermission.read
        let arguments = JSONSchema.object([])

        func summary(of result: JSONValue) -> String {
            "It is \(result["time"]?.stringValue ?? "") on \(result["weekday"]?.stringValue ?? "") \(result["date"]?.stringValue ?? "")."
        }

        func call(_ arguments: JSONValue, context: ToolContext) async throws(ToolError) -> JSONValue {
            let now = context.now()
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = context.timeZone
            formatter.dateFormat = "yyyy-MM-dd"
            let date = formatter.string(from: now)
            formatter.dateFormat = "HH:mm"
            return .object([
                "date": .string(date), "time": .string(formatter.string(from: now)),
                "weekday": .string(ClockTools.weekday(now, context.timeZone)),
                "time_zone": .string(context.timeZone.identifier),
            ])
        }
    }

    struct Resolve: Tool {
        let name = "clock_resolve"
        let description = "The date (and time) a phrase names: tomorrow, friday 5pm, next friday, in 3 days, 2026-12-04."
        let hints = ["which date", "what date", "date is", "when is", "what day is"]
        let permission = ToolPermission.read
        let arguments = JSONSchema.object([.init("phrase", .text(1...40))])

        func summary(of result: JSONValue) -> String {
            "\(result["phrase"]?.stringValue ?? "That") is \(result["weekday"]?.stringValue ?? "") \(result["date"]?.stringValue ?? "")"
                + (result["time"]?.stringValue.map { " at " + $0 } ?? "") + "."
        }

        func call(_ arguments: JSONValue, context: ToolContext) async throws(ToolError) -> JSONValue {
            let phrase = arguments.string("phrase") ?? ""
            let resolver = DateResolver(timeZone: context.timeZone)
            guard let moment = resolver.moment(phrase, now: context.now()) else {
                throw ToolError("cannot tell when \"\(phrase)\" is; try today, tomorrow 5pm, a weekday, in N days or yyyy-mm-dd")
            }
            let date = moment.day
            let day = resolver.calendar.date(from: DateComponents(
                year: Int(date.prefix(4)), month: Int(date.dropFirst(5).prefix(2)), day: Int(date.suffix(2)), hour: 12))
            var members: [JSONValue.Member] = [
                .init("phrase", .string(phrase)), .init("date", .string(date)),
                .init("weekday", .string(day.map { ClockTools.weekday($0, context.timeZone) } ?? "")),
            ]
            if let time = moment.time { members.append(.init("time", .string(time))) }
            return .object(members)
        }
    }
}
