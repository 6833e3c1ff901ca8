import Foundation
import Shared

/// The migrations the boleta endpoints add to Boleta's schema.
enum RecordingMigrations {
    static let all: [Migration] = [
        Migration(
            version: 111, name: "boleta_service_description_and_replacement",
            sql: """
                -- The service's description as recorded, since it is part of what the signer sees and hashed.
                ALTER TABLE boleta ADD COLUMN service_description text NOT NULL DEFAULT '';
                -- The boleta that replaces a cancelled one, when support names it.
                ALTER TABLE boleta ADD COLUMN replacement_number bigint REFERENCES boleta (number);
                """
        )
    ]
}

extension BoletaService {
    /// The first boleta number when none was issued yet; the seed's boletas start there.
    static let defaultNumberStart: Int64 = 100_000_031

    /// Moves the boleta number sequence up to `BOLETA_NUMBER_START` (default ``defaultNumberStart``)
    /// if it is below; never down, so that restarting never reissues a number.
    func prepareBoletaNumbers(environment: Environment = Environment()) throws {
        let start = Int64(
            try environment.integer("BOLETA_NUMBER_START", default: Int(Self.defaultNumberStart), in: 1...Int.max))
        try pool.withTransaction { connection in
            // Two instances starting together must not both move the sequence.
            try connection.execute("SELECT pg_advisory_xact_lock(hashtext('boleta_number'))")
            let next = try connection.query(
                "SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END AS next FROM boleta_number"
            )[0].decode(Int64.self, "next")
            if next < start {
                _ = try connection.query("SELECT setval('boleta_number', $1, false)", start)
            }
        }
    }

    /// Completes `draft` with the service's description and rate on the work date, after checking
    /// that every party and the contract belong to its client; a 422 naming each field that does not.
    func checkReferences(_ draft: BoletaDraft, on connection: PostgresConnection) throws -> BoletaDraft {
        var draft = draft
        var errors = FieldErrors()
        let client = draft.clientCode
        if try connection.query("SELECT 1 FROM known_client WHERE code = $1", client).isEmpty {
            errors.add("clientCode", "is not a known client")
        }
        let users = try connection.query(
            """
            SELECT id, is_approver FROM known_user
            WHERE id = ANY($1) AND client_code = $2 AND is_active AND NOT is_deleted
            """, [draft.contactUserID, draft.approverUserID], client)
        let found = try Dictionary(
            users.map { (try $0.decode(UUID.self, "id"), try $0.decode(Bool.self, "is_approver")) },
            uniquingKeysWith: { first, _ in first })
        if found[draft.contactUserID] == nil {
            errors.add("contactUserId", "must be an active user of client \(client)")
        }
        if found[draft.approverUserID] == nil {
            errors.add("approverUserId", "must be an active user of client \(client)")
        } else if found[draft.approverUserID] != true {
            errors.add("approverUserId", "must be a financial approver of client \(client)")
        }
        let contract = try connection.query(
            """
            SELECT valid_from <= $3 AND (valid_until IS NULL OR valid_until >= $3) AS valid
            FROM contract WHERE id = $1 AND client_code = $2
            """, draft.contractID, client, draft.workDate
        ).first
        if let contract {
            if try !contract.decode(Bool.self, "valid") {
                errors.add("contractId", "is not in force on the work date")
            } else if let service = try connection.query(
                """
                SELECT description, hourly_rate FROM contract_service
                WHERE contract_id = $1 AND service_code = $2 AND valid_from <= $3
                    AND (valid_until IS NULL OR valid_until >= $3)
                ORDER BY valid_from DESC LIMIT 1
                """, draft.contractID, draft.serviceCode, draft.workDate
            ).first {
                draft.serviceDescription = try service.decode(String.self, "description")
                draft.hourlyRate = try service.decode(Decimal.self, "hourly_rate")
            } else {
                errors.add("serviceCode", "is not covered by the contract on the work date")
            }
        } else {
            errors.add("contractId", "is not a contract of client \(client)")
        }
        if let replaces = draft.replacesNumber {
            let replaced = try connection.query(
                """
                SELECT 1 FROM boleta
                WHERE number = $1 AND client_code = $2 AND deleted_at IS NULL AND status IN ('signed', 'cancelled')
                """, replaces, client)
            if replaced.isEmpty { errors.add("replacesNumber", "must be a signed boleta of client \(client)") }
        }
        try errors.check()
        return draft
    }

    /// Stores a new boleta with the next number; returns it as stored.
    func insertBoleta(
        _ draft: BoletaDraft, technician: UUID, on connection: PostgresConnection
    ) throws
        -> BoletaRecord
    {
        let number = try connection.query("SELECT nextval('boleta_number') AS number")[0].decode(Int64.self, "number")
        let hash = try CanonicalBoleta(number: number, draft: draft, technicianUserID: technician).hash()
        try connection.execute(
            """
            INSERT INTO boleta (number, client_code, work_date, contract_id, service_code, service_description,
                contact_user_id, approver_user_id, technician_user_id, pat_number, nature, observations,
                hourly_rate, amount, content_hash, replaces_number)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
            """,
            number, draft.clientCode, draft.workDate, draft.contractID, draft.serviceCode, draft.serviceDescription,
            draft.contactUserID, draft.approverUserID, technician, draft.patNumber, draft.nature.rawValue,
            draft.observations, draft.hourlyRate, draft.amount, hash, draft.replacesNumber)
        try insertEntries(draft.entries, number: number, on: connection)
        return BoletaRecord(
            number: number, revision: 1, status: "unsigned", draft: draft, technicianUserID: technician,
            amount: draft.amount, contentHash: hash)
    }

    /// Replaces the content of unsigned boleta `record` with `draft`: a new hash and the next revision.
    func updateBoleta(
        _ record: BoletaRecord, with draft: BoletaDraft, on connection: PostgresConnection
    ) throws
        -> BoletaRecord
    {
        let hash = try CanonicalBoleta(number: record.number, draft: draft, technicianUserID: record.technicianUserID)
            .hash()
        try connection.execute(
            """
            UPDATE boleta SET client_code = $2, work_date = $3, contract_id = $4, service_code = $5,
                service_description = $6, contact_user_id = $7, approver_user_id = $8, pat_number = $9,
                nature = $10, observations = $11, hourly_rate = $12, amount = $13, content_hash = $14,
                replaces_number = $15, revision = revision + 1, updated_at = now()
            WHERE number = $1
            """,
            record.number, draft.clientCode, draft.workDate, draft.contractID, draft.serviceCode,
            draft.serviceDescription, draft.contactUserID, draft.approverUserID, draft.patNumber,
            draft.nature.rawValue, draft.observations, draft.hourlyRate, draft.amount, hash, draft.replacesNumber)
        try connection.execute("DELETE FROM time_entry WHERE boleta_number = $1", record.number)
        try insertEntries(draft.entries, number: record.number, on: connection)
        var updated = record
        updated.draft = draft
        updated.revision += 1
        updated.amount = draft.amount
        updated.contentHash = hash
        return updated
    }

    private func insertEntries(_ entries: [TimeEntry], number: Int64, on connection: PostgresConnection) throws {
        for (position, entry) in entries.enumerated() {
            try connection.execute(
                """
                INSERT INTO time_entry (boleta_number, position, starts_at, ends_at, pat_number, history, overtime)
                VALUES ($1, $2, $3::time, $4::time, $5, $6, $7)
                """,
                number, position, RecordingFormats.time(entry.start), RecordingFormats.time(entry.end),
                entry.patNumber, entry.history, entry.overtime.rawValue)
        }
    }

    /// Boleta `number` unless deleted; locked for the transaction when `forUpdate`.
    func loadBoleta(
        _ number: Int64, forUpdate: Bool = false, on connection: PostgresConnection
    ) throws
        -> BoletaRecord?
    {
        guard
            let row = try connection.query(
                """
                SELECT number, revision, status, client_code, work_date, contract_id, service_code,
                    service_description, contact_user_id, approver_user_id, technician_user_id, pat_number, nature,
                    observations, hourly_rate, amount, content_hash, replaces_number, cancel_reason,
                    replacement_number
                FROM boleta WHERE number = $1 AND deleted_at IS NULL
                """ + (forUpdate ? " FOR UPDATE" : ""), number
            ).first
        else { return nil }
        let entries = try connection.query(
            """
            SELECT to_char(starts_at, 'HH24:MI') AS starts_at, to_char(ends_at, 'HH24:MI') AS ends_at, pat_number,
                history, overtime
            FROM time_entry WHERE boleta_number = $1 ORDER BY position
            """, number
        ).map { entry in
            TimeEntry(
                start: RecordingFormats.minutes(try entry.decode(String.self, "starts_at")) ?? 0,
                end: RecordingFormats.minutes(try entry.decode(String.self, "ends_at")) ?? 0,
                patNumber: try entry.decode(String?.self, "pat_number"),
                history: try entry.decode(String.self, "history"),
                overtime: Overtime(rawValue: try entry.decode(String.self, "overtime")) ?? .none)
        }
        let draft = try BoletaDraft(
            stored: row.decode(String.self, "client_code"), workDate: try row.decode(PostgresDate.self, "work_date"),
            contractID: try row.decode(UUID.self, "contract_id"),
            serviceCode: try row.decode(String.self, "service_code"),
            serviceDescription: try row.decode(String.self, "service_description"),
            contactUserID: try row.decode(UUID.self, "contact_user_id"),
            approverUserID: try row.decode(UUID.self, "approver_user_id"),
            patNumber: try row.decode(String?.self, "pat_number"),
            nature: BoletaNature(rawValue: try row.decode(String.self, "nature")) ?? .billed,
            observations: try row.decode(String.self, "observations"),
            replacesNumber: try row.decode(Int64?.self, "replaces_number"), entries: entries,
            hourlyRate: try row.decode(Decimal.self, "hourly_rate"))
        return BoletaRecord(
            number: number, revision: try row.decode(Int.self, "revision"),
            status: try row.decode(String.self, "status"),
            draft: draft, technicianUserID: try row.decode(UUID.self, "technician_user_id"),
            amount: try row.decode(Decimal.self, "amount"), contentHash: try row.decode(String.self, "content_hash"),
            cancelReason: try row.decode(String?.self, "cancel_reason"),
            replacementNumber: try row.decode(Int64?.self, "replacement_number"))
    }
}

extension BoletaDraft {
    /// A draft as read back from the database, already checked when it was stored.
    init(
        stored clientCode: String, workDate: PostgresDate, contractID: UUID, serviceCode: String,
        serviceDescription: String, contactUserID: UUID, approverUserID: UUID, patNumber: String?,
        nature: BoletaNature, observations: String, replacesNumber: Int64?, entries: [TimeEntry], hourlyRate: Decimal
    ) {
        self.clientCode = clientCode
        self.workDate = workDate
        self.contractID = contractID
        self.serviceCode = serviceCode
        self.serviceDescription = serviceDescription
        self.contactUserID = contactUserID
        self.approverUserID = approverUserID
        self.patNumber = patNumber
        self.nature = nature
        self.observations = observations
        self.replacesNumber = replacesNumber
        self.entries = entries
        self.hourlyRate = hourlyRate
    }
}
