import Foundation
import Shared

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

    /// A scheduler of ``reminderJobs()`` like the one the service host runs, recording its runs as
    /// `instance`; tests tick it by hand. Which days ran is kept in `job_run`, so any number of
    /// schedulers still run each day once.
    func reminderScheduler(instance: String = JobScheduler.defaultInstance) throws -> JobScheduler {
        try context.scheduler(of: reminderJobs(), instance: instance, clock: clock)
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
