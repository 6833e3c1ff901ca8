import Shared

/// Boleta's tables, in its own schema; numbered from 100, after the platform's.
enum BoletaMigrations {
    static let all: [Migration] = [
        Migration(
            version: 100, name: "directory",
            sql: """
            -- What Boleta knows of Identity's clients and users, kept from Identity's events.
            CREATE TABLE known_client (
                code text PRIMARY KEY,
                name text NOT NULL,
                time_zone text NOT NULL,
                is_active boolean NOT NULL DEFAULT true
            );
            CREATE TABLE known_user (
                id uuid PRIMARY KEY,
                client_code text,
                vendor_role text,
                code text NOT NULL,
                name text NOT NULL,
                email text NOT NULL,
                is_manager boolean NOT NULL DEFAULT false,
                is_approver boolean NOT NULL DEFAULT false,
                is_active boolean NOT NULL DEFAULT true,
                is_deleted boolean NOT NULL DEFAULT false,
                updated_at timestamptz NOT NULL DEFAULT now()
            );
            CREATE INDEX known_user_client ON known_user (client_code);
            """
        ),
        Migration(
            version: 101, name: "pats",
            sql: """
            -- Support requests (PATs) as other systems publish them; the highest revision wins.
            CREATE TABLE pat (
                number text PRIMARY KEY,
                client_code text NOT NULL,
                contact_code text NOT NULL,
                contact_user_id uuid,
                nature text NOT NULL,
                system text,
                version text,
                priority text,
                function text,
                description text NOT NULL,
                attachments jsonb NOT NULL DEFAULT '[]',
                status text NOT NULL,
                revision bigint NOT NULL,
                opened_at timestamptz,
                closed_at timestamptz,
                updated_at timestamptz NOT NULL DEFAULT now()
            );
            CREATE INDEX pat_client ON pat (client_code);
            CREATE INDEX pat_contact ON pat (contact_user_id);
            """
        ),
        Migration(
            version: 102, name: "contracts_and_boletas",
            sql: """
            CREATE TABLE contract (
                id uuid PRIMARY KEY,
                client_code text NOT NULL,
                code text NOT NULL,
                description text NOT NULL,
                valid_from date NOT NULL,
                valid_until date,
                created_at timestamptz NOT NULL DEFAULT now(),
                UNIQUE (client_code, code),
                CHECK (valid_until IS NULL OR valid_until >= valid_from)
            );
            CREATE TABLE contract_service (
                contract_id uuid NOT NULL REFERENCES contract (id),
                service_code text NOT NULL,
                description text NOT NULL,
                hourly_rate numeric(12, 2) NOT NULL CHECK (hourly_rate >= 0),
                currency text NOT NULL DEFAULT 'BRL',
                valid_from date NOT NULL,
                valid_until date,
                PRIMARY KEY (contract_id, service_code, valid_from),
                CHECK (valid_until IS NULL OR valid_until >= valid_from)
            );

            CREATE SEQUENCE boleta_number;
            CREATE TABLE boleta (
                number bigint PRIMARY KEY,
                client_code text NOT NULL,
                work_date date NOT NULL,
                contract_id uuid NOT NULL REFERENCES contract (id),
                service_code text NOT NULL,
                contact_user_id uuid NOT NULL,
                approver_user_id uuid NOT NULL,
                technician_user_id uuid NOT NULL,
                pat_number text,
                nature text NOT NULL CHECK (nature IN ('billed', 'notBilled', 'contracted')),
                observations text NOT NULL DEFAULT '',
                hourly_rate numeric(12, 2) NOT NULL,
                amount numeric(14, 2) NOT NULL,
                status text NOT NULL DEFAULT 'unsigned' CHECK (status IN ('unsigned', 'signed', 'cancelled')),
                content_hash text NOT NULL,
                revision integer NOT NULL DEFAULT 1,
                replaces_number bigint REFERENCES boleta (number),
                cancel_reason text,
                created_at timestamptz NOT NULL DEFAULT now(),
                updated_at timestamptz NOT NULL DEFAULT now(),
                deleted_at timestamptz
            );
            CREATE INDEX boleta_client_date ON boleta (client_code, work_date);
            CREATE INDEX boleta_contact ON boleta (contact_user_id);
            CREATE INDEX boleta_technician ON boleta (technician_user_id);

            CREATE TABLE time_entry (
                boleta_number bigint NOT NULL REFERENCES boleta (number) ON DELETE CASCADE,
                position integer NOT NULL,
                starts_at time NOT NULL,
                ends_at time NOT NULL,
                pat_number text,
                history text NOT NULL,
                overtime text NOT NULL CHECK (overtime IN ('none', 'fifty', 'hundred')),
                PRIMARY KEY (boleta_number, position),
                CHECK (ends_at > starts_at)
            );

            CREATE TABLE signature (
                boleta_number bigint PRIMARY KEY REFERENCES boleta (number),
                signer_user_id uuid NOT NULL,
                signed_at timestamptz NOT NULL,
                address text NOT NULL,
                client_program text NOT NULL,
                content_hash text NOT NULL,
                assertion_id uuid NOT NULL,
                agrees_with_nature boolean NOT NULL,
                observation text NOT NULL DEFAULT ''
            );
            CREATE INDEX signature_assertion ON signature (assertion_id);
            """
        ),
    ]
}
