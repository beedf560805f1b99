import Foundation
import SLMAgent
import Testing

@Suite("Date resolver")
struct DateResolverTests {
    // Tuesday 24 November 2026, 23:30 in Athens (21:30 UTC)
    let now = Date(timeIntervalSince1970: 1_795_555_800)
    let resolver = DateResolver(timeZone: TimeZone(identifier: "Europe/Athens")!)

    @Test("relative days, weekdays and ISO dates", arguments: [
        ("today", "2026-11-24"), ("tomorrow", "2026-11-25"), ("Yesterday", "2026-11-23"),
        ("friday", "2026-11-27"), ("this friday", "2026-11-27"), ("next friday", "2026-12-04"),
        ("tuesday", "2026-12-01"), ("this monday", "2026-11-23"), ("next monday", "2026-11-30"),
        ("in 3 days", "2026-11-27"), ("in 2 weeks", "2026-12-08"), ("2026-12-31", "2026-12-31"),
    ])
    func phrases(phrase: String, expected: String) {
        #expect(resolver.resolve(phrase, now: now) == expected, "\(phrase)")
    }

    @Test("the time zone decides which day it is")
    func timeZone() {
        let utc = DateResolver(timeZone: TimeZone(identifier: "UTC")!)
        let tokyo = DateResolver(timeZone: TimeZone(identifier: "Asia/Tokyo")!)
        #expect(utc.resolve("today", now: now) == "2026-11-24")
        #expect(tokyo.resolve("today", now: now) == "2026-11-25")
    }

    @Test("what it does not understand is nil, not a guess", arguments: [
        "", "someday", "next", "next blursday", "in three days", "2026-02-30", "2026-13-01", "last friday",
    ])
    func unknown(phrase: String) {
        #expect(resolver.resolve(phrase, now: now) == nil, "\(phrase)")
    }
}
