import Shared

/// Identity's tables, in its own schema; numbered from 100, after the platform's.
enum IdentityMigrations {
    static let all: [Migration] = [
        Migration(
            version: 100, name: "clients_and_users",
            sql: """
            CREATE TABLE client (
                code text PRIMARY KEY CHECK (code ~ '^[A-Z0-9]{1,20}$'),
                name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
                time_zone text NOT NULL DEFAULT 'America/Sao_Paulo',
                is_active boolean NOT NULL DEFAULT true,
                created_at timestamptz NOT NULL DEFAULT now(),
                updated_at timestamptz NOT NULL DEFAULT now()
            );

            CREATE TABLE app_user (
                id uuid PRIMARY KEY,
                client_code text REFERENCES client (code),
                vendor_role text CHECK (vendor_role IN ('technician', 'support', 'management')),
                code text NOT NULL,
                job_function_code text,
                job_title text,
                name text NOT NULL,
                email text NOT NULL,
                birthday date,
                phone text,
                is_manager boolean NOT NULL DEFAULT false,
                is_approver boolean NOT NULL DEFAULT false,
                password_hash text,
                must_change_password boolean NOT NULL DEFAULT true,
                initial_password_expires_at timestamptz,
                password_changed_at timestamptz,
                active_until date,
                is_active boolean NOT NULL DEFAULT true,
                deleted_at timestamptz,
                created_at timestamptz NOT NULL DEFAULT now(),
                updated_at timestamptz NOT NULL DEFAULT now(),
                CHECK ((client_code IS NULL) <> (vendor_role IS NULL)),
                CHECK (vendor_role IS NULL OR NOT (is_manager OR is_approver))
            );
            CREATE UNIQUE INDEX app_user_email ON app_user (lower(email)) WHERE deleted_at IS NULL;
            CREATE UNIQUE INDEX app_user_code ON app_user (coalesce(client_code, ''), code) WHERE deleted_at IS NULL;
            CREATE INDEX app_user_client ON app_user (client_code) WHERE deleted_at IS NULL;
            CREATE INDEX app_user_active_until ON app_user (active_until) WHERE deleted_at IS NULL AND is_active;

            CREATE TABLE flag_change (
                id bigserial PRIMARY KEY,
                user_id uuid NOT NULL REFERENCES app_user (id),
                flag text NOT NULL CHECK (flag IN ('manager', 'approver')),
                granted boolean NOT NULL,
                pat_number text NOT NULL,
                changed_by uuid NOT NULL,
                changed_at timestamptz NOT NULL DEFAULT now()
            );
            CREATE INDEX flag_change_user ON flag_change (user_id, changed_at);
            """
        ),
        Migration(
            version: 101, name: "sessions",
            sql: """
            CREATE TABLE refresh_token (
                id uuid PRIMARY KEY,
                family_id uuid NOT NULL,
                user_id uuid NOT NULL REFERENCES app_user (id),
                token_hash bytea NOT NULL UNIQUE,
                created_at timestamptz NOT NULL DEFAULT now(),
                expires_at timestamptz NOT NULL,
                used_at timestamptz,
                revoked_at timestamptz
            );
            CREATE INDEX refresh_token_family ON refresh_token (family_id);

            CREATE TABLE throttle (
                key text PRIMARY KEY,
                failures integer NOT NULL,
                window_started_at timestamptz NOT NULL,
                blocked_until timestamptz
            );

            CREATE TABLE signature_assertion (
                id uuid PRIMARY KEY,
                user_id uuid NOT NULL REFERENCES app_user (id),
                issued_at timestamptz NOT NULL DEFAULT now(),
                expires_at timestamptz NOT NULL
            );
            """
        ),
        // An initial password works for one login only (R9): the session it opens is for choosing a password.
        Migration(
            version: 110, name: "initial_password_single_use",
            sql: "ALTER TABLE app_user ADD COLUMN initial_password_used_at timestamptz"
        ),
    ]
}
