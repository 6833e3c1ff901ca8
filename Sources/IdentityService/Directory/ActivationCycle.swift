import Foundation
import Shared

extension IdentityService {
    /// The names of the activation cycle's jobs, as `job_run` and the operator endpoint know them.
    enum ActivationJob {
        static let warnings = "inactivation-warnings"
        static let inactivation = "inactivation"
    }

    /// The activation cycle's daily jobs (R10, R11), in São Paulo's calendar.
    func activationJobs() -> [ScheduledJob] {
        let service = self
        return [
            ScheduledJob(name: ActivationJob.warnings, hour: 6) { period, connection in
                try service.publishInactivationWarnings(for: period, on: connection)
            },
            ScheduledJob(name: ActivationJob.inactivation, hour: 0, minute: 5) { period, connection in
                try service.inactivateExpiredUsers(for: period, on: connection)
            },
        ]
    }

    /// A scheduler of ``activationJobs()`` like the one the service host runs, recording its runs as
    /// `instance`; tests tick it by hand. Which days ran is kept in `job_run`, so any number of
    /// schedulers still run each day once.
    func activationScheduler(instance: String = JobScheduler.defaultInstance) throws -> JobScheduler {
        try context.scheduler(of: activationJobs(), instance: instance, clock: clock)
    }

    /// Reactivation (R11).
    func addActivationRoutes(to router: inout Router) {
        let service = self
        router.post("/users/{id}/reactivation") { request in
            try service.reactivate(try request.userID(), request: request)
        }
    }

    /// Extends the user by one cycle from its date, or from today when that has passed (R11).
    private func reactivate(_ id: UUID, request: Request) throws -> Response {
        let principal = try Self.caller(of: request)
        let user = try pool.withTransaction { connection -> UserRecord in
            let user = try visibleUser(id, seenBy: principal, on: connection, locking: true)
            try requireSupportOrManager(principal, of: user, on: connection)
            guard !user.isDeleted else { throw HTTPError.conflict("A deleted user cannot be reactivated.") }
            guard let code = user.clientCode, let client = try ClientQueries.find(code: code, on: connection) else {
                throw HTTPError.invalid([
                    HTTPError.FieldError(field: "id", message: "vendor staff have no activation cycle")
                ])
            }
            let today = PostgresDate(clock(), in: client.zone)
            let updated = try UserRecord(
                row: try connection.query(
                    """
                    UPDATE app_user SET active_until = greatest($2::date, active_until) + $3::int, is_active = true,
                        updated_at = now()
                    WHERE id = $1 RETURNING \(UserRecord.columns)
                    """, id, today, configuration.activationCycleDays)[0])
            try outbox.append(UserReactivated(user: updated.summary), clientCode: code, on: connection)
            return updated
        }
        request.logger.info(
            "User reactivated", metadata: ["user.id": id.uuidString, "user.activeUntil": "\(user.activeUntil!)"])
        return try .json(UserView(user))
    }

    /// Publishes one ``InactivationWarningDue`` per active client with users whose date is
    /// `inactivationWarningDays` after `period`, listing all the client's active users (R11).
    func publishInactivationWarnings(for period: PostgresDate, on connection: PostgresConnection) throws {
        let clients = try connection.query(
            """
            SELECT c.code, c.name FROM client c
            WHERE c.is_active AND EXISTS (
                SELECT 1 FROM app_user u
                WHERE u.client_code = c.code AND u.deleted_at IS NULL AND u.is_active
                    AND u.active_until = $1::date + $2::int)
            ORDER BY c.code
            """, period, configuration.inactivationWarningDays)
        for row in clients {
            let code = try row.decode(String.self, "code")
            let users = try connection.query(
                """
                SELECT id, code, name, active_until FROM app_user
                WHERE client_code = $1 AND deleted_at IS NULL AND is_active ORDER BY active_until, code
                """, code
            ).map { user in
                InactivationWarningDue.Entry(
                    userId: try user.decode(UUID.self, "id"), code: try user.decode(String.self, "code"),
                    name: try user.decode(String.self, "name"),
                    activeUntil: try user.decode(PostgresDate.self, "active_until").description)
            }
            let managers = try connection.query(
                """
                SELECT id FROM app_user
                WHERE client_code = $1 AND is_manager AND is_active AND deleted_at IS NULL ORDER BY code
                """, code
            ).map { try $0.decode(UUID.self, at: 0) }
            let warning = InactivationWarningDue(
                clientCode: code, clientName: try row.decode(String.self, "name"), recipients: managers, users: users,
                period: period.description)
            try outbox.append(warning, clientCode: code, on: connection)
            logger.info(
                "Inactivation warning due",
                metadata: ["client.code": code, "job.period": period.description, "users.count": "\(users.count)"])
        }
    }

    /// Inactivates the users whose date passed before `period` (R10) and publishes ``UserDeactivated``
    /// for each, so that every service refuses their tokens.
    func inactivateExpiredUsers(for period: PostgresDate, on connection: PostgresConnection) throws {
        let expired = try connection.query(
            """
            UPDATE app_user SET is_active = false, updated_at = now()
            WHERE is_active AND deleted_at IS NULL AND active_until < $1
            RETURNING id, client_code
            """, period)
        for row in expired {
            let id = try row.decode(UUID.self, "id")
            let client = try row.decode(String?.self, "client_code")
            try outbox.append(UserDeactivated(userId: id, clientCode: client), clientCode: client, on: connection)
        }
        if !expired.isEmpty {
            logger.info(
                "Users inactivated", metadata: ["job.period": period.description, "users.count": "\(expired.count)"])
        }
    }
}
