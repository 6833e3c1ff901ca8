#!/usr/bin/env bash
# Measures the service report's query (GET /reports/service for vendor support: every client's boletas,
# newest first, a page of 100) with pgbench, before and after the index boleta_date_number.
# Builds a database of its own (as the postgres user) with Boleta's report tables cut down to the
# columns the query reads, fills it with [boletas] boletas, and drops it at the end.
#   bench/service-report-query.sh [boletas]        (default 20000)
set -euo pipefail
boletas=${1:-20000}
database="bench_report_$$"
work=$(mktemp -d)
chmod 755 "$work"
as_postgres() { su postgres -c "$*"; }
cleanup() {
    as_postgres "psql -q -c 'DROP DATABASE IF EXISTS $database'" >/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

as_postgres "psql -q -c 'CREATE DATABASE $database'"
cat >"$work/schema.sql" <<SQL
CREATE TABLE known_user (id uuid PRIMARY KEY, name text NOT NULL);
CREATE TABLE boleta (
    number bigint PRIMARY KEY, client_code text NOT NULL, work_date date NOT NULL, contact_user_id uuid NOT NULL,
    technician_user_id uuid NOT NULL, pat_number text, service_description text NOT NULL, nature text NOT NULL,
    amount numeric(14, 2) NOT NULL, status text NOT NULL, deleted_at timestamptz);
CREATE INDEX boleta_client_date ON boleta (client_code, work_date);
CREATE INDEX boleta_contact ON boleta (contact_user_id);
CREATE INDEX boleta_technician ON boleta (technician_user_id);
CREATE TABLE signature (boleta_number bigint PRIMARY KEY, signed_at timestamptz NOT NULL,
    agrees_with_nature boolean NOT NULL);
CREATE TABLE approval_outcome (boleta_number bigint PRIMARY KEY, decision text, decided_by_user_id uuid,
    resolved_nature text);
INSERT INTO known_user SELECT gen_random_uuid(), 'user ' || g FROM generate_series(1, 50) g;
WITH users AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM known_user)
INSERT INTO boleta
SELECT g, 'C' || (g % 10), DATE '2025-01-01' + (g % 365), c.id, t.id, 'PAT-' || g, repeat('x', 60), 'billed',
    g * 1.5, 'signed', NULL
FROM generate_series(1, $boletas) g JOIN users c ON c.n = g % 50 JOIN users t ON t.n = (g + 7) % 50;
INSERT INTO signature SELECT number, now(), true FROM boleta;
INSERT INTO approval_outcome SELECT number, 'approve', contact_user_id, NULL FROM boleta WHERE number % 2 = 0;
ANALYZE;
SQL
# The statement of ServiceReportStore.rows for a principal that sees every client, without filters.
cat >"$work/page.sql" <<'SQL'
SELECT b.number, b.work_date, b.client_code, b.pat_number, b.contact_user_id,
    coalesce(c.name, '') AS contact_name, b.technician_user_id, coalesce(t.name, '') AS technician_name,
    b.service_description, b.nature, b.amount, b.status, s.signed_at, s.agrees_with_nature,
    o.decision, o.resolved_nature
FROM boleta b
    LEFT JOIN known_user c ON c.id = b.contact_user_id
    LEFT JOIN known_user t ON t.id = b.technician_user_id
    LEFT JOIN signature s ON s.boleta_number = b.number
    LEFT JOIN approval_outcome o ON o.boleta_number = b.number
WHERE b.deleted_at IS NULL
ORDER BY b.work_date DESC, b.number DESC
LIMIT 100 OFFSET 0;
SQL
chmod 644 "$work"/*.sql
as_postgres "psql -q -v ON_ERROR_STOP=1 -d $database -f $work/schema.sql"
run() {
    as_postgres "pgbench -n -M prepared -c 2 -j 2 -T 5 -f $work/page.sql $database" 2>/dev/null |
        grep -E '^(tps|latency average)' | sed "s/^/$1: /"
}
echo "boletas: $boletas, page of 100, every client's, newest first"
run "without boleta_date_number"
as_postgres "psql -q -d $database -c 'CREATE INDEX boleta_date_number ON boleta (work_date, number); ANALYZE'"
run "with boleta_date_number   "
