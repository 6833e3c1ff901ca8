import Foundation
import Shared

extension ApprovalService {
    /// The names of Approval's daily jobs, as `job_run` and the operator endpoint know them.
    enum ReminderJob {
        static let approvals = "approval-reminders"
    }

    /// How many days a boleta waits for its decision before its approver is reminded (R32).
    static let approvalReminderDelayDays = 2

    /// Approval's daily jobs, in São Paulo's calendar: the approval reminders at 07:00 (R32).
    func reminderJobs() -> [ScheduledJob] {
        let service = self
        return [
            ScheduledJob(name: ReminderJob.approvals, hour: 7) { period, connection in
                try service.publishApprovalReminders(for: period, on: connection)
            }
        ]
    }

    /// A scheduler of ``reminderJobs()`` like the one the service host runs, recording its runs as
    /// `instance`; tests tick it by hand. Which days ran is kept in `job_run`, so any number of
    /// schedulers still run each day once.
    func reminderScheduler(instance: String = JobScheduler.defaultInstance) throws -> JobScheduler {
        try context.scheduler(of: reminderJobs(), instance: instance, clock: clock)
    }

    /// Publishes one ``ApprovalRemindersDue`` per approver with decisions pending on boletas of work date
    /// two or more days before `period` (R32); nothing for an approver with none.
    ///
    /// A deleted approver cannot decide, so it is not reminded.
    func publishApprovalReminders(for period: PostgresDate, on connection: PostgresConnection) throws {
        let rows = try connection.query(
            """
            SELECT r.approver_user_id, r.client_code, r.number, r.work_date,
                coalesce(t.name, '') AS technician_name, coalesce(r.resolved_nature, r.nature) AS nature, r.amount,
                r.minutes, r.boleta_status = 'signed' AS is_signed
            FROM approval_request r
                LEFT JOIN known_user t ON t.id = r.technician_user_id
                LEFT JOIN known_user a ON a.id = r.approver_user_id
            WHERE r.decision IS NULL AND r.boleta_status IN ('unsigned', 'signed')
                AND coalesce(r.resolved_nature, r.nature) IN ('billed', 'contracted')
                AND r.work_date <= $1::date - $2::int AND NOT coalesce(a.is_deleted, false)
            ORDER BY r.approver_user_id, r.client_code, r.work_date, r.number
            """, period, Self.approvalReminderDelayDays)
        var reminders: [ApprovalRemindersDue] = []
        for row in rows {
            let approver = try row.decode(UUID.self, "approver_user_id")
            let clientCode = try row.decode(String.self, "client_code")
            let entry = ApprovalRemindersDue.Entry(
                number: try row.decode(Int64.self, "number"),
                workDate: try row.decode(PostgresDate.self, "work_date").description,
                technicianName: try row.decode(String.self, "technician_name"),
                nature: try ApprovalRecords.nature(row.decode(String.self, "nature")),
                amount: ApprovalFormats.money(try row.decode(Decimal.self, "amount")),
                isSigned: try row.decode(Bool.self, "is_signed"), minutes: try row.decode(Int?.self, "minutes"))
            if let last = reminders.last, last.approverUserId == approver, last.clientCode == clientCode {
                reminders[reminders.count - 1].boletas.append(entry)
            } else {
                reminders.append(
                    ApprovalRemindersDue(
                        approverUserId: approver, clientCode: clientCode, period: period.description, boletas: [entry]))
            }
        }
        for reminder in reminders {
            try outbox.append(reminder, clientCode: reminder.clientCode, on: connection)
            logger.info(
                "Approval reminder due",
                metadata: [
                    "user.id": reminder.approverUserId.uuidString, "job.period": period.description,
                    "boletas.count": "\(reminder.boletas.count)",
                ])
        }
    }
}
