import Shared

/// Approval's tables, in its own schema; numbered from 100, after the platform's.
enum ApprovalMigrations {
    static let all: [Migration] = [
        DirectoryCopy.migration(version: 100),
        Migration(
            version: 101, name: "approval_requests_and_divergences",
            sql: """
                -- One row per boleta Boleta told of, billed or not: a change may make it need a decision (R25).
                -- The facts are those of the latest revision; the rest is what happened to it since.
                CREATE TABLE approval_request (
                    number bigint PRIMARY KEY,
                    revision integer NOT NULL,
                    client_code text NOT NULL,
                    work_date date NOT NULL,
                    contact_user_id uuid NOT NULL,
                    approver_user_id uuid NOT NULL,
                    technician_user_id uuid NOT NULL,
                    service_code text NOT NULL,
                    service_description text NOT NULL,
                    pat_number text,
                    nature text NOT NULL CHECK (nature IN ('billed', 'notBilled', 'contracted')),
                    -- The nature vendor management decided on, when a divergence was resolved (R28).
                    resolved_nature text CHECK (resolved_nature IN ('billed', 'notBilled', 'contracted')),
                    amount numeric(14, 2) NOT NULL,
                    boleta_status text NOT NULL DEFAULT 'unsigned'
                        CHECK (boleta_status IN ('unsigned', 'signed', 'deleted', 'cancelled')),
                    signer_user_id uuid,
                    signed_at timestamptz,
                    agrees_with_nature boolean,
                    signer_observation text,
                    decision text CHECK (decision IN ('approve', 'reject')),
                    decision_observation text,
                    decided_by_user_id uuid,
                    decided_at timestamptz,
                    -- How many times vendor support reopened the decision.
                    reopen_count integer NOT NULL DEFAULT 0,
                    updated_at timestamptz NOT NULL DEFAULT now()
                );
                CREATE INDEX approval_request_approver ON approval_request (approver_user_id, work_date);
                CREATE INDEX approval_request_client ON approval_request (client_code, work_date);

                -- A disagreement of the signer or a rejection of the approver, for vendor management (R28).
                -- One per cause, boleta and decision round, whatever number of deliveries.
                CREATE TABLE divergence (
                    id uuid PRIMARY KEY,
                    boleta_number bigint NOT NULL REFERENCES approval_request (number),
                    cause text NOT NULL CHECK (cause IN ('signerDisagreed', 'approverRejected')),
                    round integer NOT NULL,
                    raised_by_user_id uuid NOT NULL,
                    observation text NOT NULL DEFAULT '',
                    raised_at timestamptz NOT NULL,
                    original_nature text NOT NULL,
                    outcome text CHECK (outcome IN ('keep', 'change')),
                    resolved_nature text,
                    note text,
                    resolved_by_user_id uuid,
                    resolved_at timestamptz,
                    UNIQUE (boleta_number, cause, round)
                );
                CREATE INDEX divergence_raised ON divergence (raised_at);
                """),
        Migration(
            version: 102, name: "approval_request_minutes",
            sql: """
                -- The hours worked, as whole minutes, for the billing report (R30); NULL for a boleta whose
                -- events were written before Boleta told them.
                ALTER TABLE approval_request ADD COLUMN minutes integer CHECK (minutes >= 0);
                """),
        Migration(
            version: 103, name: "decision_binding_and_divergence_withdrawal",
            sql: """
                -- The hash of the content of the latest revision, and the revision and hash a decision was taken
                -- on: a later revision with other content withdraws the decision (R18, R27).
                ALTER TABLE approval_request ADD COLUMN content_hash text;
                ALTER TABLE approval_request ADD COLUMN decided_revision integer;
                ALTER TABLE approval_request ADD COLUMN decided_content_hash text;
                UPDATE approval_request SET decided_revision = revision WHERE decision IS NOT NULL;

                -- A divergence whose boleta was deleted or cancelled before it was resolved: closed, with why.
                ALTER TABLE divergence ADD COLUMN withdrawn_at timestamptz;
                ALTER TABLE divergence ADD COLUMN withdrawal_reason text;
                -- The boleta's revision when the divergence was raised, to tell a change made after it.
                ALTER TABLE divergence ADD COLUMN raised_on_revision integer;
                """),
    ]
}
