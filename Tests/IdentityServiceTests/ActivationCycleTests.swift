import Foundation
import Testing

@testable import IdentityService
@testable import Shared

@Suite(.serialized)
struct ActivationCycleTests {
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

    @Test
    func managersAreWarnedOncePerClientFiveDaysBeforeTheirUsersDate() throws {
        let fixture = try IdentityFixture()
        defer { fixture.stop() }
        // Far enough ahead that the ticks of today's periods cannot reach it.
        let period = fixture.today.adding(days: 30)
        let due = period.adding(days: 5)
        let managed = try fixture.insertClient()
        let manager = try fixture.insertUser(client: managed, manager: true, activeUntil: period.adding(days: 60))
        let expiring = try fixture.insertUser(client: managed, activeUntil: due)
        // Its date passed: the 00:05 run of the period inactivates it before the warning goes out.
        let lapsedManager = try fixture.insertUser(client: managed, manager: true, activeUntil: period.adding(days: -3))
        let unmanaged = try fixture.insertClient()
        _ = try fixture.insertUser(client: unmanaged, activeUntil: due)
        let inactiveManager = try fixture.insertUser(client: unmanaged, manager: true, activeUntil: due.adding(days: 9))
        let later = try fixture.insertClient()
        _ = try fixture.insertUser(client: later, activeUntil: due.adding(days: 1))
        try fixture.service.context.pool.withConnection { connection in
            _ = try connection.execute(
                "UPDATE \(fixture.schema).app_user SET is_active = false WHERE id = $1", inactiveManager.id)
        }
        let warningJob = try #require(fixture.identity.activationJobs().first { $0.name == "inactivation-warnings" })

        fixture.clock.set(try #require(warningJob.dueMoment(of: period)).addingTimeInterval(-60))
        Self.tickTogether([try fixture.identity.activationScheduler(instance: "one")])
        let beforeSix = try fixture.outboxEvents(InactivationWarningDue.self).filter { $0.data.period == "\(period)" }
        fixture.clock.set(try #require(warningJob.dueMoment(of: period)).addingTimeInterval(3600))
        Self.tickTogether(
            try ["one", "two"].map { try fixture.identity.activationScheduler(instance: $0) })
        Self.tickTogether([try fixture.identity.activationScheduler(instance: "three")])

        #expect(beforeSix.isEmpty)
        let warnings = try fixture.outboxEvents(InactivationWarningDue.self).filter { $0.data.period == "\(period)" }
        #expect(warnings.map(\.data.clientCode).sorted() == [managed, unmanaged].sorted())
        let toManaged = try #require(warnings.first { $0.data.clientCode == managed })
        #expect(toManaged.data.recipients == [manager.id])
        #expect(!toManaged.data.users.contains { $0.userId == lapsedManager.id })
        #expect(Set(toManaged.data.users.map(\.userId)) == [manager.id, expiring.id])
        #expect(toManaged.data.users.first { $0.userId == expiring.id }?.activeUntil == "\(due)")
        #expect(toManaged.clientCode == managed)
        let toUnmanaged = try #require(warnings.first { $0.data.clientCode == unmanaged })
        #expect(toUnmanaged.data.recipients.isEmpty)
    }

    @Test
    func usersPastTheirDateAreInactivatedAndTheirTokensRefused() throws {
        let fixture = try IdentityFixture()
        defer { fixture.stop() }
        let world = try DirectoryWorld(fixture)
        let period = fixture.today.adding(days: 20)
        let expired = try fixture.insertUser(client: world.clientA, activeUntil: period.adding(days: -1))
        let lastDay = try fixture.insertUser(client: world.clientA, activeUntil: period)
        let path = "/admin/jobs/inactivation/runs"
        #expect(try fixture.send("GET", "/users/me", token: expired.token).status == 200)

        let run = try fixture.send("POST", path, token: world.support.token, json: ["period": "\(period)"])
        let again = try fixture.send("POST", path, token: world.support.token, json: ["period": "\(period)"])

        #expect(run.status == 201)
        #expect(again.status == 409)
        #expect(try fixture.column("is_active", of: expired.id, as: Bool.self) == false)
        #expect(try fixture.column("is_active", of: lastDay.id, as: Bool.self))
        let deactivated = try fixture.outboxEvents(UserDeactivated.self).map(\.data.userId)
        #expect(deactivated.contains(expired.id))
        #expect(!deactivated.contains(lastDay.id))
        var status = 0
        let deadline = Date().addingTimeInterval(8)
        repeat {
            status = try fixture.send("GET", "/users/me", token: expired.token).status
            if status != 401 { Thread.sleep(forTimeInterval: 0.1) }
        } while status != 401 && Date() < deadline
        #expect(status == 401)
        #expect(try fixture.send("GET", "/users/me", token: lastDay.token).status == 200)
    }

    @Test
    func reactivationExtendsAUserByOneCycle() throws {
        let fixture = try IdentityFixture()
        defer { fixture.stop() }
        let world = try DirectoryWorld(fixture)
        let current = fixture.today.adding(days: 3)
        let active = try fixture.insertUser(client: world.clientA, activeUntil: current)
        let lapsed = try fixture.insertUser(client: world.clientA, activeUntil: fixture.today.adding(days: -10))
        try fixture.service.context.pool.withConnection { connection in
            _ = try connection.execute(
                "UPDATE \(fixture.schema).app_user SET is_active = false WHERE id = $1", lapsed.id)
        }

        let extended = try fixture.send("POST", "/users/\(active.id)/reactivation", token: world.managerA.token)
        let revived = try fixture.send("POST", "/users/\(lapsed.id)/reactivation", token: world.support.token)
        let staff = try fixture.send("POST", "/users/\(world.technician.id)/reactivation", token: world.support.token)

        #expect(try IdentityFixture.object(extended)["activeUntil"] as? String == "\(current.adding(days: 90))")
        #expect(try IdentityFixture.object(revived)["activeUntil"] as? String == "\(fixture.today.adding(days: 90))")
        #expect(try IdentityFixture.object(revived)["isActive"] as? Bool == true)
        #expect(staff.status == 422)
        let events = try fixture.outboxEvents(UserReactivated.self)
        #expect(events.map(\.data.user.userId) == [active.id, lapsed.id])
        #expect(events.first?.data.user.activeUntil == "\(current.adding(days: 90))")
    }

    @Test
    func theOperatorEndpointRefusesAnUnknownJobAndABadDate() throws {
        let fixture = try IdentityFixture()
        defer { fixture.stop() }
        let world = try DirectoryWorld(fixture)

        let unknown = try fixture.send(
            "POST", "/admin/jobs/nothing/runs", token: world.support.token, json: ["period": "2026-01-01"])
        let badDate = try fixture.send(
            "POST", "/admin/jobs/inactivation/runs", token: world.support.token, json: ["period": "2026-13-01"])

        #expect(unknown.status == 404)
        #expect(badDate.status == 422)
        #expect(try IdentityFixture.invalidFields(badDate) == ["period"])
    }
}
