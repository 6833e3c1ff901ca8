import Foundation
import Testing

@testable import Shared

/// One row of the due-period table: a job's schedule, a moment, and the periods due then.
struct DuePeriodCase: Sendable, CustomTestStringConvertible {
    var situation: String
    var zone: String
    var hour: Int
    var minute = 0
    var catchUpDays: Int
    var now: String
    var expected: [String]

    var testDescription: String { situation }
}

/// The instant an ISO 8601 text with a zone names.
func instant(_ text: String) -> Date {
    ISO8601DateFormatter().date(from: text)!
}

/// The date an ISO text (`2026-12-04`) names.
func day(_ text: String) -> PostgresDate {
    let parts = text.split(separator: "-").map { Int($0)! }
    return PostgresDate(year: parts[0], month: parts[1], day: parts[2])
}

struct SchedulingDuePeriodTests {
    static let cases: [DuePeriodCase] = [
        DuePeriodCase(
            situation: "a minute before the time of day only the past days are due", zone: "America/Sao_Paulo",
            hour: 8, catchUpDays: 2, now: "2026-12-04T10:59:00Z", expected: ["2026-12-02", "2026-12-03"]),
        DuePeriodCase(
            situation: "at the time of day today is due too", zone: "America/Sao_Paulo", hour: 8, catchUpDays: 2,
            now: "2026-12-04T11:00:00Z", expected: ["2026-12-02", "2026-12-03", "2026-12-04"]),
        DuePeriodCase(
            situation: "after midnight UTC it is still the local evening before", zone: "America/Sao_Paulo",
            hour: 22, catchUpDays: 1, now: "2026-12-05T01:30:00Z", expected: ["2026-12-03", "2026-12-04"]),
        DuePeriodCase(
            situation: "a local evening time not yet reached after midnight UTC", zone: "America/Sao_Paulo",
            hour: 23, minute: 45, catchUpDays: 1, now: "2026-12-05T02:44:00Z", expected: ["2026-12-03"]),
        DuePeriodCase(
            situation: "without catch-up only today is due", zone: "America/Sao_Paulo", hour: 8, catchUpDays: 0,
            now: "2026-12-04T15:00:00Z", expected: ["2026-12-04"]),
        DuePeriodCase(
            situation: "without catch-up nothing is due before the time of day", zone: "America/Sao_Paulo", hour: 8,
            catchUpDays: 0, now: "2026-12-04T10:00:00Z", expected: []),
        DuePeriodCase(
            situation: "the catch-up window crosses the end of February", zone: "America/Sao_Paulo", hour: 8,
            catchUpDays: 3, now: "2027-03-02T12:00:00Z",
            expected: ["2027-02-27", "2027-02-28", "2027-03-01", "2027-03-02"]),
        DuePeriodCase(
            situation: "in Tokyo the local day begins before the UTC day", zone: "Asia/Tokyo", hour: 8, catchUpDays: 1,
            now: "2026-12-04T23:30:00Z", expected: ["2026-12-04", "2026-12-05"]),
        DuePeriodCase(
            situation: "a time the spring change skips is not due before the jump", zone: "America/New_York",
            hour: 2, minute: 30, catchUpDays: 0, now: "2026-03-08T06:59:00Z", expected: []),
        DuePeriodCase(
            situation: "a time the spring change skips is due when the clock jumps", zone: "America/New_York",
            hour: 2, minute: 30, catchUpDays: 0, now: "2026-03-08T07:00:00Z", expected: ["2026-03-08"]),
        DuePeriodCase(
            situation: "a time the autumn change repeats is due at its first occurrence", zone: "America/New_York",
            hour: 1, minute: 30, catchUpDays: 0, now: "2026-11-01T05:30:00Z", expected: ["2026-11-01"]),
        DuePeriodCase(
            situation: "a day the catch-up passes over is 23 hours long", zone: "America/New_York", hour: 23,
            catchUpDays: 2, now: "2026-03-09T04:00:00Z", expected: ["2026-03-07", "2026-03-08"]),
        DuePeriodCase(
            situation: "Sao Paulo's skipped midnight of 2018 is due when the clock jumps", zone: "America/Sao_Paulo",
            hour: 0, catchUpDays: 1, now: "2018-11-04T03:00:00Z", expected: ["2018-11-03", "2018-11-04"]),
        DuePeriodCase(
            situation: "Sao Paulo's repeated hour of 2019 is due at its first occurrence", zone: "America/Sao_Paulo",
            hour: 23, minute: 30, catchUpDays: 0, now: "2019-02-17T01:30:00Z", expected: ["2019-02-16"]),
    ]

    @Test(arguments: cases)
    func duePeriodsFollowTheJobsLocalClock(_ example: DuePeriodCase) {
        let job = ScheduledJob(
            name: "reminders", hour: example.hour, minute: example.minute,
            timeZone: TimeZone(identifier: example.zone)!, catchUpDays: example.catchUpDays
        ) { _, _ in }
        #expect(job.duePeriods(now: instant(example.now)) == example.expected.map(day))
    }

    @Test func byDefaultAJobRunsInSaoPauloAndCatchesUpAWeek() {
        let job = ScheduledJob(name: "reminders", hour: 8) { _, _ in }
        let due = job.duePeriods(now: instant("2026-12-04T11:00:00Z"))
        #expect(due.count == 8)
        #expect(due.first == day("2026-11-27"))
        #expect(due.last == day("2026-12-04"))
        #expect(job.timeZone.identifier == "America/Sao_Paulo")
    }

    @Test(arguments: ["Boleta", "", "9boleta", "boleta.job_run", "boleta; DROP TABLE x", "bo leta", "boléta"])
    func aSchemaThatIsNotAPlainIdentifierIsRefused(_ schema: String) throws {
        let pool = PostgresPool(
            configuration: .init(url: PostgresTestSupport.url), logger: PostgresTestSupport.quietLogger)
        let error = #expect(throws: SchedulingError.self) {
            try JobScheduler(schema: schema, pool: pool, jobs: [], logger: PostgresTestSupport.quietLogger)
        }
        #expect(error?.code == .invalidSchema)
    }

    @Test func twoJobsWithOneNameAreRefused() throws {
        let pool = PostgresPool(
            configuration: .init(url: PostgresTestSupport.url), logger: PostgresTestSupport.quietLogger)
        let jobs = [
            ScheduledJob(name: "reminders", hour: 8) { _, _ in }, ScheduledJob(name: "reminders", hour: 9) { _, _ in },
        ]
        let error = #expect(throws: SchedulingError.self) {
            try JobScheduler(schema: "boleta", pool: pool, jobs: jobs, logger: PostgresTestSupport.quietLogger)
        }
        #expect(error?.code == .duplicateJob)
        #expect(throws: Never.self) {
            try JobScheduler(schema: "boleta_2", pool: pool, jobs: [jobs[0]], logger: PostgresTestSupport.quietLogger)
        }
    }
}
