import Foundation
import TestSupport
import Testing

@testable import ApprovalService
@testable import Shared

/// The daily approval reminders (R32).
@Suite(.serialized)
struct ApprovalReminderTests {
    /// 2006-12-04, two days after the seed's work date 2006-12-02.
    static let period = PostgresDate(year: 2006, month: 12, day: 4)

    /// A scheduler of Approval's jobs on the world's clock, as replica `instance` would run it.
    static func scheduler(_ world: ApprovalWorld, instance: String) throws -> JobScheduler {
        try ApprovalService(context: world.approval.context, clock: { world.clock.read() })
            .reminderScheduler(instance: instance)
    }

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

    static func reminders(_ world: ApprovalWorld, for period: String) throws -> [ApprovalRemindersDue] {
        try world.published(ApprovalRemindersDue.self).filter { $0.period == period }
    }

    @Test("R32 each approver is reminded once a day of decisions pending two days or more, across replicas")
    func eachApproverIsRemindedOncePerDay() throws {
        let world = try ApprovalWorld()
        defer { world.stop() }
        let old = try world.recordNew(workDate: "2006-11-30", nature: .contracted, amount: "10.50", minutes: 135)
        let twoDays = try world.recordNew(workDate: "2006-12-02")
        _ = try world.recordNew(workDate: "2006-12-03")
        _ = try world.recordNew(workDate: "2006-12-01", nature: .notBilled)
        let decided = try world.recordNew(workDate: "2006-12-01")
        let forOther = try world.recordNew(workDate: "2006-12-01", approver: world.otherApprover)
        _ = try world.recordNew(workDate: "2006-12-03", approver: world.otherClientManager, clientCode: "XYZ")
        try world.publish(world.signature(twoDays))
        #expect(try world.decide(decided.number, "approve", token: world.approverToken()).status == 200)
        let job = try #require(world.approval.reminderJobs().first { $0.name == "approval-reminders" })
        let due = try #require(job.dueMoment(of: Self.period))

        world.clock.set(due.addingTimeInterval(-60))
        Self.tickTogether([try Self.scheduler(world, instance: "one")])
        let beforeSeven = try Self.reminders(world, for: "\(Self.period)")
        world.clock.set(due.addingTimeInterval(3600))
        Self.tickTogether(try ["one", "two", "three"].map { try Self.scheduler(world, instance: $0) })
        Self.tickTogether([try Self.scheduler(world, instance: "four")])

        #expect(beforeSeven.isEmpty)
        let reminders = try Self.reminders(world, for: "\(Self.period)")
        #expect(reminders.count == 2)
        #expect(Set(reminders.map(\.approverUserId)) == [world.approver, world.otherApprover])
        let mine = try #require(reminders.first { $0.approverUserId == world.approver })
        #expect(mine.clientCode == "ABS")
        #expect(mine.boletas.map(\.number) == [old.number, twoDays.number])
        #expect(
            mine.boletas.first
                == ApprovalRemindersDue.Entry(
                    number: old.number, workDate: "2006-11-30", technicianName: "D51591", nature: .contracted,
                    amount: "10.50", isSigned: false, minutes: 135))
        #expect(mine.boletas.last?.isSigned == true)
        #expect(
            reminders.first { $0.approverUserId == world.otherApprover }?.boletas.map(\.number) == [forOther.number])
        #expect(SystemTopology.consumers["mail"]?.contains(ApprovalRemindersDue.type) == true)
    }

    @Test("R32 a day with nothing pending reminds nobody, and the day still counts as run")
    func aDayWithNothingPendingRemindsNobody() throws {
        let world = try ApprovalWorld()
        defer { world.stop() }
        let decided = try world.recordNew(workDate: "2006-12-01")
        #expect(try world.decide(decided.number, "reject", token: world.approverToken()).status == 200)
        let job = try #require(world.approval.reminderJobs().first)
        world.clock.set(try #require(job.dueMoment(of: Self.period)).addingTimeInterval(60))

        Self.tickTogether([try Self.scheduler(world, instance: "one")])

        let ran = try world.sql(
            "SELECT count(*) FROM job_run WHERE job = 'approval-reminders' AND period = $1", Self.period)
        #expect(try ran[0].decode(Int64.self, at: 0) == 1)
        #expect(try Self.reminders(world, for: "\(Self.period)").isEmpty)
    }

    @Test("R32 vendor support runs a chosen day once through the operator endpoint")
    func theOperatorRunsADayOnce() throws {
        let world = try ApprovalWorld()
        defer { world.stop() }
        let pending = try world.recordNew(workDate: "2006-11-10")
        let path = "/admin/jobs/approval-reminders/runs"
        // Before the week the service's own scheduler catches up on at its start.
        let body = ["period": "2006-11-20"]

        #expect(try world.send("POST", path, token: world.managementToken(), json: body).status == 403)
        #expect(try world.send("POST", path, token: world.supportToken(), json: body).status == 201)
        #expect(try world.send("POST", path, token: world.supportToken(), json: body).status == 409)
        let reminders = try Self.reminders(world, for: "2006-11-20")
        #expect(reminders.map(\.approverUserId) == [world.approver])
        #expect(reminders.first?.boletas.map(\.number) == [pending.number])
    }
}
