import Shared

/// Mail's tables, in its own schema; numbered from 100, after the platform's.
enum MailMigrations {
    static let all: [Migration] = [
        Migration(
            version: 100, name: "directory",
            sql: """
                -- What Mail knows of Identity's clients and users, kept from Identity's events.
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
                    active_until date,
                    updated_at timestamptz NOT NULL DEFAULT now()
                );
                CREATE INDEX known_user_client ON known_user (client_code);
                CREATE INDEX known_user_vendor_role ON known_user (vendor_role) WHERE vendor_role IS NOT NULL;
                """
        ),
        Migration(
            version: 101, name: "messages",
            sql: """
                -- Every e-mail, written once in the transaction of the event that asked for it, and
                -- delivered by the delivery part. message_key (event, template, recipient) makes a
                -- redelivered event write nothing new.
                CREATE TABLE message (
                    id bigserial PRIMARY KEY,
                    message_key text NOT NULL UNIQUE,
                    event_id uuid NOT NULL,
                    event_type text NOT NULL,
                    template text NOT NULL,
                    recipient_user_id uuid,
                    recipient_email text NOT NULL,
                    recipient_name text NOT NULL,
                    subject text NOT NULL,
                    text_body text NOT NULL,
                    html_body text NOT NULL,
                    -- A secret the bodies carry (an initial password), masked in them once delivered.
                    secret text,
                    rfc_message_id text NOT NULL UNIQUE,
                    state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
                    attempts integer NOT NULL DEFAULT 0,
                    next_attempt_at timestamptz NOT NULL DEFAULT now(),
                    last_error text,
                    created_at timestamptz NOT NULL DEFAULT now(),
                    sent_at timestamptz,
                    failed_at timestamptz
                );
                CREATE INDEX message_due ON message (next_attempt_at, id) WHERE state = 'pending';
                CREATE INDEX message_event ON message (event_id);
                CREATE INDEX message_recipient ON message (lower(recipient_email));
                """
        ),
        Migration(
            version: 102, name: "held signature requests and claimed attempts",
            sql: """
                -- A signature request waits a grace period (next_attempt_at) and is withdrawn, never
                -- sent, when its boleta is signed, deleted or cancelled first, or replaced when it changes.
                ALTER TABLE message ADD COLUMN boleta_number bigint, ADD COLUMN boleta_revision integer,
                    ADD COLUMN withdrawn_at timestamptz, ADD COLUMN withdrawn_reason text;
                -- An attempt is claimed ('sending', with its own id and a lease in next_attempt_at) and
                -- committed before the SMTP transaction starts; one found still sending once its lease
                -- passed was interrupted, and may have reached the server.
                ALTER TABLE message ADD COLUMN attempt_id uuid,
                    ADD COLUMN interrupted_attempts integer NOT NULL DEFAULT 0;
                ALTER TABLE message DROP CONSTRAINT message_state_check;
                ALTER TABLE message ADD CONSTRAINT message_state_check
                    CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'withdrawn'));
                DROP INDEX message_due;
                CREATE INDEX message_due ON message (next_attempt_at, id) WHERE state IN ('pending', 'sending');
                CREATE INDEX message_boleta ON message (boleta_number, id) WHERE boleta_number IS NOT NULL;
                -- The boletas Mail heard were signed, deleted or cancelled (reason set); a request written
                -- later for one of them (an event handled late) is withdrawn at once. A row also
                -- serialises the handlers of one boleta's events.
                CREATE TABLE boleta_settlement (
                    number bigint PRIMARY KEY,
                    reason text,
                    settled_at timestamptz
                );
                """
        ),
    ]
}
