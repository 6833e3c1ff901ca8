import Foundation
import Synchronization
import TestSupport
import Testing

@testable import BoletaService
@testable import Shared

/// A clock that tests move by hand.
final class ReminderClock: Sendable {
    private let now = Mutex(Date())

    func set(_ date: Date) { now.withLock { $0 = date } }
    func read() -> Date { now.withLock { $0 } }
}

extension RecordingWorld {
    /// A scheduler of Boleta's reminder jobs on `clock`, as replica `instance` would run it.
    func reminderScheduler(instance: String, clock: ReminderClock) throws -> JobScheduler {
        try BoletaService(context: fixture.boleta.context, clock: { clock.read() })
            .reminderScheduler(instance: instance)
    }

    /// The reminders in the outbox for `period`.
    func reminders(for period: String) throws -> [SignatureRemindersDue] {
        try fixture.running.outboxEvents(SignatureRemindersDue.self).map(\.data).filter { $0.period == period }
    }
}

@Suite(.serialized)
struct SignatureReminderTests {
    /// Runs `schedulers` at the same time, each making one tick, and waits for all of them.
    static func tickTogether(_ schedulers: [JobScheduler]) {
        let group = DispatchGroup()
        for scheduler in schedulers {
            group.enter()
            Thread {
                scheduler.runDuePeriods()
                group.leave()
            }.start()
        }
        group.wait()
    }

    /// 2006-12-04, two days after the seed's work date.
    static let period = PostgresDate(year: 2006, month: 12, day: 4)

    @Test func eachContactIsRemindedOnceOfItsBoletasUnsignedForTwoDaysOrMore() throws {
        let world = try RecordingWorld()
        defer { world.stop() }
        let technicianName = "D51591"
        let old = try world.recordForSigning(workDate: "2006-11-30", nature: "notBilled")
        let twoDays = try world.recordForSigning(workDate: "2006-12-02")
        let yesterday = try world.recordForSigning(workDate: "2006-12-03")
        let signed = try world.recordForSigning(workDate: "2006-12-01")
        let cancelled = try world.recordForSigning(workDate: "2006-12-01")
        let deleted = try world.recordForSigning(workDate: "2006-12-01")
        try world.sql("UPDATE boleta SET status = 'signed' WHERE number = $1", signed.number)
        try world.sql("UPDATE boleta SET status = 'cancelled' WHERE number = $1", cancelled.number)
        let deletion = try world.fixture.send("DELETE", "/boletas/\(deleted.number)", token: world.technicianToken())
        try #require(deletion.status == 204, "\(deletion.text)")
        let forPlain = try world.recordForSigning(
            workDate: "2006-12-01", ["contactUserId": world.plainUser.uuidString])
        let onlyRecent = try world.recordForSigning(
            workDate: "2006-12-03", ["contactUserId": world.manager.uuidString])
        let clock = ReminderClock()
        let job = try #require(world.fixture.boleta.reminderJobs().first { $0.name == "signature-reminders" })
        let due = try #require(job.dueMoment(of: Self.period))

        clock.set(due.addingTimeInterval(-60))
        Self.tickTogether([try world.reminderScheduler(instance: "one", clock: clock)])
        let beforeSeven = try world.reminders(for: "\(Self.period)")
        clock.set(due.addingTimeInterval(3600))
        Self.tickTogether(try ["one", "two"].map { try world.reminderScheduler(instance: $0, clock: clock) })
        Self.tickTogether([try world.reminderScheduler(instance: "three", clock: clock)])

        #expect(beforeSeven.isEmpty)
        let reminders = try world.reminders(for: "\(Self.period)")
        let reminded: Set<UUID> = Set(reminders.map(\.userId))
        #expect(reminders.count == 2)
        #expect(reminded == [world.contact, world.plainUser])
        let toContact = try #require(reminders.first { $0.userId == world.contact })
        #expect(toContact.clientCode == "ABS")
        #expect(toContact.boletas.map(\.number) == [old.number, twoDays.number])
        #expect(!toContact.boletas.contains { $0.number == yesterday.number })
        let expected = SignatureRemindersDue.Entry(
            number: old.number, workDate: "2006-11-30", technicianName: technicianName, nature: .notBilled,
            serviceDescription: "HORA PROD. ICMS INSENTO E IPI INSENTO")
        #expect(toContact.boletas.first == expected)
        #expect(reminders.first { $0.userId == world.plainUser }?.boletas.map(\.number) == [forPlain.number])
        #expect(!reminders.contains { $0.userId == world.manager }, "\(onlyRecent.number) is a day old only")
        #expect(SystemTopology.consumers["mail"]?.contains(SignatureRemindersDue.type) == true)
    }

    @Test func aDayWithNothingPendingRemindsNobody() throws {
        let world = try RecordingWorld()
        defer { world.stop() }
        let signed = try world.recordForSigning(workDate: "2006-12-01")
        try world.sql("UPDATE boleta SET status = 'signed' WHERE number = $1", signed.number)
        let clock = ReminderClock()
        let job = try #require(world.fixture.boleta.reminderJobs().first)
        clock.set(try #require(job.dueMoment(of: Self.period)).addingTimeInterval(60))

        Self.tickTogether([try world.reminderScheduler(instance: "one", clock: clock)])

        let ran = try world.sql(
            "SELECT count(*) FROM job_run WHERE job = 'signature-reminders' AND period = $1", Self.period)
        #expect(try ran[0].decode(Int64.self, at: 0) == 1)
        #expect(try world.reminders(for: "\(Self.period)").isEmpty)
    }

    @Test func theOperatorRunsAPeriodOnceAndOnlySupportMay() throws {
        let world = try RecordingWorld()
        defer { world.stop() }
        let pending = try world.recordForSigning(workDate: "2006-12-01")
        let path = "/admin/jobs/signature-reminders/runs"
        let body = ["period": "2006-12-10"]

        let byTechnician = try world.fixture.send("POST", path, token: world.technicianToken(), json: body)
        let run = try world.fixture.send("POST", path, token: world.supportToken(), json: body)
        let again = try world.fixture.send("POST", path, token: world.supportToken(), json: body)
        let unknown = try world.fixture.send(
            "POST", "/admin/jobs/nothing/runs", token: world.supportToken(), json: body)
        let noPeriod = try world.fixture.send("POST", path, token: world.supportToken(), json: [:])
        // An unknown job is named as such even when the body is wrong too.
        let unknownWithoutPeriod = try world.fixture.send(
            "POST", "/admin/jobs/nothing/runs", token: world.supportToken(), json: [:])

        #expect(byTechnician.status == 403)
        #expect(run.status == 201, "\(run.text)")
        #expect(try world.json(run)["period"] as? String == "2006-12-10")
        #expect(again.status == 409)
        #expect(unknown.status == 404)
        #expect(unknownWithoutPeriod.status == 404)
        #expect(try world.invalidFields(noPeriod) == ["period"])
        let reminders = try world.reminders(for: "2006-12-10")
        #expect(reminders.map(\.userId) == [world.contact])
        #expect(reminders.first?.boletas.map(\.number) == [pending.number])
    }
}
