import Foundation

/// A daily job: what to do for one day (its period), and from what local time of day it is due.
///
/// The work runs inside the transaction that records the period in `job_run`, so the record and
/// the job's effects (outbox events, say) commit together or not at all. A transaction that lost a
/// conflict runs again whole, so the work must have no effect outside the database.
public struct ScheduledJob: Sendable {
    /// The work for one period, on the connection of the transaction that records the run.
    public typealias Work = @Sendable (_ period: PostgresDate, _ connection: PostgresConnection) throws -> Void

    /// The time zone work dates live in unless a job says otherwise.
    public static let defaultTimeZone = TimeZone(identifier: "America/Sao_Paulo")!

    /// The job's name in `job_run` and in logs, such as `signature-reminders`.
    public let name: String
    /// The local hour (0–23) from which a day's run is due.
    public let hour: Int
    /// The minute (0–59) of that hour.
    public let minute: Int
    /// The zone whose calendar and clock define the periods and the time of day.
    public let timeZone: TimeZone
    /// How many days before today a run missed while the service was down is still made up.
    public let catchUpDays: Int
    /// What the job does for a period.
    public let work: Work

    private let calendar: Calendar

    /// Creates a job due every day at `hour:minute` in `timeZone`.
    public init(
        name: String, hour: Int, minute: Int = 0, timeZone: TimeZone = defaultTimeZone, catchUpDays: Int = 7,
        work: @escaping Work
    ) {
        precondition(!name.isEmpty, "a scheduled job needs a name")
        precondition((0...23).contains(hour) && (0...59).contains(minute), "\(hour):\(minute) is no time of day")
        precondition(catchUpDays >= 0, "catchUpDays cannot be negative")
        self.name = name
        self.hour = hour
        self.minute = minute
        self.timeZone = timeZone
        self.catchUpDays = catchUpDays
        self.work = work
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
    }

    /// The instant from which `period`'s run is due: that day at `hour:minute` in the job's zone.
    ///
    /// A time that a daylight-saving change skips falls due when the clock jumps over it; a time
    /// that it repeats falls due at its first occurrence.
    public func dueMoment(of period: PostgresDate) -> Date? {
        // Noon exists on every day a zone changes its clocks, whereas midnight may not.
        let noon = DateComponents(year: period.year, month: period.month, day: period.day, hour: 12)
        guard let day = calendar.date(from: noon) else { return nil }
        return calendar.date(
            bySettingHour: hour, minute: minute, second: 0, of: day, matchingPolicy: .nextTime,
            repeatedTimePolicy: .first, direction: .forward)
    }

    /// The periods due at `now` in the catch-up window (today and `catchUpDays` before), oldest first.
    public func duePeriods(now: Date) -> [PostgresDate] {
        let today = PostgresDate(now, in: timeZone)
        return (0...catchUpDays).reversed().compactMap { daysAgo in
            let period = today.adding(days: -daysAgo)
            guard let due = dueMoment(of: period), due <= now else { return nil }
            return period
        }
    }
}

extension PostgresDate {
    private static let utcCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// The date `days` calendar days after this one (before it when negative).
    ///
    /// Counted in UTC, whose days all have 24 hours: calendar dates do not depend on a zone.
    func adding(days: Int) -> PostgresDate {
        let calendar = Self.utcCalendar
        let midnight = calendar.date(from: DateComponents(year: year, month: month, day: day))!
        return PostgresDate(calendar.date(byAdding: .day, value: days, to: midnight)!, in: calendar.timeZone)
    }
}
