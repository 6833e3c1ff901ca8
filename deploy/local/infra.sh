#!/usr/bin/env bash
# Starts or stops PostgreSQL, RabbitMQ and the SMTP test server on loopback, without systemd.
#   infra.sh start    start all three (each only if it is not already answering) and wait until ready
#   infra.sh stop     stop what this script started (a server that was already running stays up)
#   infra.sh status   say which of them answer
# Settings come from the environment; the defaults match the services' own defaults.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
state=${SUPPORT_STATE_DIR:-/tmp/support-local}
pg_version=${PG_VERSION:-15}
pg_cluster=${PG_CLUSTER:-main}
pg_admin_password=${PG_ADMIN_PASSWORD:-support_admin}
pg_service_password=${PG_SERVICE_PASSWORD:-support}
smtp_port=${SMTP_PORT:-1025}
mkdir -p "$state"

log() { printf '[infra] %s\n' "$*"; }

postgres_ready() { pg_isready -q -h 127.0.0.1 -p 5432; }
rabbitmq_ready() { rabbitmqctl -q await_startup --timeout 2 >/dev/null 2>&1; }
smtp_ready() { "$here/python.sh" - "$smtp_port" <<'PY' 2>/dev/null
import socket, sys
socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1).close()
PY
}

wait_for() {
    local name=$1 check=$2 seconds=$3
    for ((i = 0; i < seconds * 4; i++)); do
        if $check; then log "$name ready"; return 0; fi
        sleep 0.25
    done
    log "$name did not become ready in ${seconds}s"
    return 1
}

start_postgres() {
    if ! postgres_ready; then
        pg_ctlcluster "$pg_version" "$pg_cluster" start
        touch "$state/started-postgres"
        wait_for PostgreSQL postgres_ready 30
    fi
    su postgres -c "psql -q -v ON_ERROR_STOP=1 -v admin_password='$pg_admin_password' \
        -v service_password='$pg_service_password' -f -" <"$here/postgres-setup.sql"
}

start_rabbitmq() {
    if ! rabbitmq_ready; then
        RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 ERL_EPMD_ADDRESS=127.0.0.1 rabbitmq-server -detached
        touch "$state/started-rabbitmq"
        wait_for RabbitMQ rabbitmq_ready 60
    fi
}

start_smtp() {
    if ! smtp_ready; then
        mkdir -p "$state/mail"
        nohup "$here/python.sh" "$here/smtp_sink.py" --port "$smtp_port" --directory "$state/mail" \
            >"$state/smtp.log" 2>&1 &
        echo $! >"$state/smtp.pid"
        wait_for "SMTP server" smtp_ready 15
    fi
}

stop_all() {
    if [ -f "$state/smtp.pid" ]; then
        kill "$(cat "$state/smtp.pid")" 2>/dev/null || true
        rm -f "$state/smtp.pid"
        log "SMTP server stopped"
    fi
    if [ -f "$state/started-rabbitmq" ]; then
        rabbitmqctl -q stop >/dev/null 2>&1 || true
        # epmd outlives the broker; it is ours to end only if it runs for this broker alone.
        local epmd_pid
        epmd_pid=$(pgrep -x epmd || true)
        [ -n "$epmd_pid" ] && kill "$epmd_pid" 2>/dev/null || true
        rm -f "$state/started-rabbitmq"
        log "RabbitMQ stopped"
    fi
    if [ -f "$state/started-postgres" ]; then
        pg_ctlcluster "$pg_version" "$pg_cluster" stop 2>/dev/null || true
        rm -f "$state/started-postgres"
        log "PostgreSQL stopped"
    fi
}

case "${1:-}" in
    start) start_postgres; start_rabbitmq; start_smtp ;;
    stop) stop_all ;;
    status)
        postgres_ready && log "PostgreSQL answers" || log "PostgreSQL down"
        rabbitmq_ready && log "RabbitMQ answers" || log "RabbitMQ down"
        smtp_ready && log "SMTP answers" || log "SMTP down"
        ;;
    *) echo "usage: $0 start|stop|status" >&2; exit 64 ;;
esac
