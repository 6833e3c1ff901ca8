/// The tables every service keeps in its own schema for reliable messaging and scheduled jobs.
///
/// They carry versions below 100; a service's own migrations start at 100, so that both lists
/// apply in one ordered sequence per schema.
public enum PlatformSchema {
    /// The SQL of the platform's tables, oldest first.
    public static let migrations: [Migration] = [
        Migration(
            version: 1, name: "outbox",
            sql: """
            CREATE TABLE outbox (
                position bigserial PRIMARY KEY,
                event_id uuid NOT NULL,
                event_type text NOT NULL,
                exchange text NOT NULL,
                routing_key text NOT NULL,
                payload bytea NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now(),
                published_at timestamptz,
                attempts integer NOT NULL DEFAULT 0,
                last_error text
            );
            CREATE INDEX outbox_unpublished ON outbox (position) WHERE published_at IS NULL;
            CREATE INDEX outbox_published_at ON outbox (published_at) WHERE published_at IS NOT NULL;
            """
        ),
        Migration(
            version: 2, name: "inbox",
            sql: """
            CREATE TABLE inbox (
                event_id uuid PRIMARY KEY,
                event_type text NOT NULL,
                processed_at timestamptz NOT NULL DEFAULT now()
            );
            CREATE INDEX inbox_processed_at ON inbox (processed_at);
            """
        ),
        Migration(
            version: 3, name: "parked_event",
            sql: """
            CREATE TABLE parked_event (
                id bigserial PRIMARY KEY,
                event_id uuid,
                event_type text,
                exchange text NOT NULL,
                routing_key text NOT NULL,
                message_id text,
                body bytea NOT NULL,
                reason text NOT NULL,
                attempts integer NOT NULL,
                parked_at timestamptz NOT NULL DEFAULT now(),
                replayed_at timestamptz
            );
            CREATE INDEX parked_event_waiting ON parked_event (parked_at) WHERE replayed_at IS NULL;
            """
        ),
        Migration(
            version: 4, name: "job_run",
            sql: """
            CREATE TABLE job_run (
                job text NOT NULL,
                period date NOT NULL,
                started_at timestamptz NOT NULL DEFAULT now(),
                instance text NOT NULL,
                PRIMARY KEY (job, period)
            );
            """
        ),
        Migration(
            version: 5, name: "revoked_user",
            sql: """
            CREATE TABLE revoked_user (
                user_id uuid PRIMARY KEY,
                reason text NOT NULL,
                revoked_at timestamptz NOT NULL DEFAULT now()
            );
            """
        ),
    ]
}
