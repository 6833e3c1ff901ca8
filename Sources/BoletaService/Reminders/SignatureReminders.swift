import Foundation
import Shared

/// The body of `POST /admin/jobs/{name}/runs`.
struct JobRunBody: Decodable, Sendable {
    var period: String?
}

/// What `POST /admin/jobs/{name}/runs` answers when the job ran.
struct JobRunView: Encodable, Sendable {
    var job: String
    var period: String
}

extension BoletaService {
    /// The names of Boleta's daily jobs, as `job_run` and the operator endpoint know them.
    enum ReminderJob {
        static let signatures = "signature-reminders"
    }

    /// How many days a boleta waits for its signature before its contact is reminded (R32).
    static let signatureReminderDelayDays = 2

    /// Boleta's daily jobs, in São Paulo's calendar: the signature reminders at 07:00 (R32).
    func reminderJobs() -> [ScheduledJob] {
        let service = self
        return [
            ScheduledJob(name: ReminderJob.signatures, hour: 7) { period, connection in
                try service.publishSignatureReminders(for: period, on: connection)
            }
        ]
    }

    /// A scheduler of ``reminderJobs()`` in Boleta's schema, on the service's clock.
    ///
    /// Which periods ran is kept in `job_run`, not in the scheduler, so replicas and the operator
    /// endpoint may each hold one and every period still runs once.
    func reminderScheduler(instance: String = JobScheduler.defaultInstance) throws -> JobScheduler {
        try JobScheduler(
            schema: context.configuration.name, pool: pool, jobs: reminderJobs(), instance: instance, clock: clock,
            logger: logger)
    }

    /// The operator's way to run a job for a chosen day: vendor support only.
    func addReminderRoutes(to router: inout Router) {
        let service = self
        let middleware = [context.requireToken, context.requireVendorRole(.support)]
        router.post("/admin/jobs/{name}/runs", middleware: middleware) { request in
            let principal = try request.principal(as: Principal.self)
            let name = try request.pathParameter("name")
            let body = try request.decode(JobRunBody.self)
            guard let text = body.period else {
                throw HTTPError.invalid([HTTPError.FieldError(field: "period", message: "is required")])
            }
            guard let period = RecordingFormats.date(text) else {
                throw HTTPError.invalid([HTTPError.FieldError(field: "period", message: "is not a date YYYY-MM-DD")])
            }
            // The instance names the operator, so that job_run tells a hand-made run from a tick.
            let scheduler = try service.reminderScheduler(
                instance: "\(JobScheduler.defaultInstance) operator \(principal.userID.uuidString)")
            guard try scheduler.run(job: name, period: period) else {
                throw HTTPError.conflict("Job \(name) already ran for \(period).")
            }
            return try .json(JobRunView(job: name, period: period.description), status: 201)
        }
    }

    /// Publishes one ``SignatureRemindersDue`` per contact with unsigned boletas of work date two
    /// or more days before `period` (R32); nothing for a contact with none.
    ///
    /// Deleted and cancelled boletas are not to be signed, and a deleted contact cannot sign.
    func publishSignatureReminders(for period: PostgresDate, on connection: PostgresConnection) throws {
        let rows = try connection.query(
            """
            SELECT b.contact_user_id, b.client_code, b.number, b.work_date, coalesce(t.name, '') AS technician_name,
                b.nature, b.service_description
            FROM boleta b
                LEFT JOIN known_user t ON t.id = b.technician_user_id
                LEFT JOIN known_user c ON c.id = b.contact_user_id
            WHERE b.status = 'unsigned' AND b.deleted_at IS NULL AND b.work_date <= $1::date - $2::int
                AND NOT coalesce(c.is_deleted, false)
            ORDER BY b.contact_user_id, b.client_code, b.work_date, b.number
            """, period, Self.signatureReminderDelayDays)
        var reminders: [SignatureRemindersDue] = []
        for row in rows {
            let userID = try row.decode(UUID.self, "contact_user_id")
            let clientCode = try row.decode(String.self, "client_code")
            let entry = SignatureRemindersDue.Entry(
                number: try row.decode(Int64.self, "number"),
                workDate: try row.decode(PostgresDate.self, "work_date").description,
                technicianName: try row.decode(String.self, "technician_name"),
                nature: BoletaNature(rawValue: try row.decode(String.self, "nature")) ?? .billed,
                serviceDescription: try row.decode(String.self, "service_description"))
            if let last = reminders.last, last.userId == userID, last.clientCode == clientCode {
                reminders[reminders.count - 1].boletas.append(entry)
            } else {
                reminders.append(
                    SignatureRemindersDue(
                        userId: userID, clientCode: clientCode, period: period.description, boletas: [entry]))
            }
        }
        for reminder in reminders {
            try outbox.append(reminder, clientCode: reminder.clientCode, on: connection)
            logger.info(
                "Signature reminder due",
                metadata: [
                    "user.id": reminder.userId.uuidString, "job.period": period.description,
                    "boletas.count": "\(reminder.boletas.count)",
                ])
        }
    }
}
