import Foundation
import SLMAgent
import Testing

@Suite("Date resolver")
struct DateResolverTests {
    // Tuesday 24 November 2026, 23:30 in Athens (21:30 UTC)
    let now = Date(timeIntervalSince1970: 1_795_555_800)
    // the same Tuesday at 10:00 in Athens
    let morning = Date(timeIntervalSince1970: 1_795_507_200)
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

    @Test("days and times of day, against Tuesday 24 November 2026 at 10:00", arguments: [
        ("tomorrow at 5pm", "2026-11-25 17:00"), ("at 5pm tomorrow", "2026-11-25 17:00"),
        ("Tomorrow at 5 PM", "2026-11-25 17:00"), ("in 2 hours", "2026-11-24 12:00"),
        ("in 30 minutes", "2026-11-24 10:30"), ("in half an hour", "2026-11-24 10:30"),
        ("in an hour", "2026-11-24 11:00"), ("next Friday morning", "2026-12-04 09:00"),
        ("friday evening", "2026-11-27 19:00"), ("on the 3rd", "2026-12-03"), ("the 30th", "2026-11-30"),
        ("tonight", "2026-11-24 20:00"), ("tonight at 9", "2026-11-24 21:00"), ("noon", "2026-11-24 12:00"),
        ("at 9am", "2026-11-25 09:00"), ("5:30pm", "2026-11-24 17:30"), ("5.30 p.m.", "2026-11-24 17:30"),
        ("17:00", "2026-11-24 17:00"), ("at 5", "2026-11-24 17:00"), ("at 11", "2026-11-24 11:00"),
        ("2026-12-04", "2026-12-04"), ("2026-12-04 17:00", "2026-12-04 17:00"), ("2026-12-04T08:15", "2026-12-04 08:15"),
        ("dec 24", "2026-12-24"), ("24 December 2027", "2027-12-24"), ("December 3rd", "2026-12-03"),
        ("3rd of january", "2027-01-03"), ("next week", "2026-11-30"), ("this weekend", "2026-11-28"),
        ("next weekend", "2026-12-05"), ("in three days", "2026-11-27"), ("in a week", "2026-12-01"),
        ("the day after tomorrow", "2026-11-26"), ("end of the month", "2026-11-30"), ("end of the week", "2026-11-27"),
        ("by end of day", "2026-11-24 17:00"), ("tomorrow morning", "2026-11-25 09:00"),
        ("this afternoon", "2026-11-24 15:00"), ("next month", "2026-12-01"), ("midnight", "2026-11-24 23:59"),
        ("Friday at noon", "2026-11-27 12:00"), ("on Saturday", "2026-11-28"), ("due monday at 8:30am", "2026-11-30 08:30"),
    ])
    func moments(phrase: String, expected: String) {
        #expect(resolver.moment(phrase, now: morning)?.description == expected, "\(phrase)")
    }

    @Test("a time alone is tomorrow's once it has passed today")
    func passedTime() {
        #expect(resolver.moment("at 5pm", now: now)?.description == "2026-11-25 17:00")
        #expect(resolver.moment("at 5pm", now: morning)?.description == "2026-11-24 17:00")
    }

    @Test("the time zone decides which day it is")
    func timeZone() {
        let utc = DateResolver(timeZone: TimeZone(identifier: "UTC")!)
        let tokyo = DateResolver(timeZone: TimeZone(identifier: "Asia/Tokyo")!)
        #expect(utc.resolve("today", now: now) == "2026-11-24")
        #expect(tokyo.resolve("today", now: now) == "2026-11-25")
    }

    @Test("what it does not understand is nil, not a guess", arguments: [
        "", "someday", "next", "next blursday", "2026-02-30", "2026-13-01", "last friday", "tomorrow at",
        "at 25pm", "13pm", "in 3 fortnights", "tomorrow tomorrow", "friday monday", "5pm at 6pm", "the",
    ])
    func unknown(phrase: String) {
        #expect(resolver.moment(phrase, now: now) == nil, "\(phrase)")
    }

    @Test("the phrase inside a request, and the request without it", arguments: [
        ("Remind me to call mom tomorrow at 5pm", "2026-11-25 17:00", "Remind me to call mom"),
        ("Add a task: pick up the dry cleaning on Saturday", "2026-11-28", "Add a task: pick up the dry cleaning"),
        ("Call the dentist at 9am on Friday.", "2026-11-27 09:00", "Call the dentist."),
        ("Pay rent by the 1st", "2026-12-01", "Pay rent"),
        ("Please add 'renew car insurance' to my list for the 20th", "2026-12-20",
         "Please add 'renew car insurance' to my list"),
        ("Submit the report in 2 hours", "2026-11-24 12:00", "Submit the report"),
        ("At 5pm remind me to stretch, tomorrow", "2026-11-25 17:00", "remind me to stretch,"),
        ("Meeting next Friday morning with Ana", "2026-12-04 09:00", "Meeting with Ana"),
    ])
    func found(text: String, moment: String, remainder: String) throws {
        let found = try #require(resolver.find(in: text, now: morning), "\(text)")
        #expect(found.moment.description == moment, "\(text)")
        #expect(found.remainder == remainder, "\(text)")
    }

    @Test("words that only look like dates are not taken for one", arguments: [
        "Good morning! What's on my list?", "Book the 3rd floor room", "Summarize this evening's notes",
        "Buy 2 apples", "What is 5 + 3?",
    ])
    func notFound(text: String) {
        #expect(resolver.find(in: text, now: morning) == nil, "\(text)")
    }
}
