import Shared

/// The migrations the signing endpoints add to Boleta's schema.
enum SigningMigrations {
    static let all: [Migration] = [
        Migration(
            version: 112, name: "signature_decision_and_used_assertions",
            sql: """
                -- The approver's decision, when the approver signs and decides in the same step (R26).
                ALTER TABLE signature ADD COLUMN decision text CHECK (decision IN ('approve', 'reject'));
                ALTER TABLE signature ADD COLUMN decision_observation text;
                -- Each signature assertion is accepted once; its id is kept from the first request that used it.
                CREATE TABLE used_signature_assertion (
                    id uuid PRIMARY KEY,
                    used_at timestamptz NOT NULL
                );
                -- The list of boletas to sign reads a contact's unsigned boletas.
                CREATE INDEX boleta_contact_unsigned ON boleta (contact_user_id, work_date DESC)
                    WHERE status = 'unsigned' AND deleted_at IS NULL;
                """
        )
    ]
}
