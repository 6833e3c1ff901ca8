#!/usr/bin/env bash
# Builds and starts the four services on one machine, or stops them.
#   services.sh start    build (release), start identity, boleta, approval and mail, wait until ready
#   services.sh stop     stop the services this script started (SIGTERM, by their pids)
#   services.sh status   show each service's /readyz
# Each service gets deploy/local/env/common.env, then its own env file. The keys (token signing,
# and the sealed-box pair for initial passwords) and the first support account's password are
# made once per state directory, in keys.env and support.env there.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
state=${SUPPORT_STATE_DIR:-/tmp/support-local}
services=(identity boleta approval mail)
mkdir -p "$state/logs"

log() { printf '[services] %s\n' "$*"; }

port_of() { sed -n 's/^HTTP_PORT=//p' "$root/deploy/local/env/$1.env"; }

wait_ready() {
    local name=$1 port
    port=$(port_of "$name")
    for ((i = 0; i < 120; i++)); do
        if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then log "$name ready on port $port"; return 0; fi
        if ! kill -0 "$(cat "$state/$name.pid")" 2>/dev/null; then
            log "$name exited; its log ends with:"; tail -n 20 "$state/logs/$name.log" >&2; return 1
        fi
        sleep 0.25
    done
    log "$name not ready after 30s; see $state/logs/$name.log"
    return 1
}

start() {
    (cd "$root" && swift build -c release --product identity-service >/dev/null &&
        swift build -c release >/dev/null)
    local bin
    bin=$(cd "$root" && swift build -c release --show-bin-path)

    if [ ! -f "$state/keys.env" ]; then
        "$bin/identity-service" generate-keys >"$state/keys.env"
        chmod 600 "$state/keys.env"
    fi
    if [ ! -f "$state/support.env" ]; then
        printf 'BOOTSTRAP_SUPPORT_EMAIL=support@vendor.local\nBOOTSTRAP_SUPPORT_PASSWORD=%s\n' \
            "$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')" >"$state/support.env"
        chmod 600 "$state/support.env"
    fi
    local keys support
    keys=$(cat "$state/keys.env")
    support=$(cat "$state/support.env")
    value_of() { sed -n "s/^$1=//p" <<<"$2"; }

    for name in "${services[@]}"; do
        if [ -f "$state/$name.pid" ] && kill -0 "$(cat "$state/$name.pid")" 2>/dev/null; then
            log "$name already running"; continue
        fi
        (
            set -a
            source "$root/deploy/local/env/common.env"
            source "$root/deploy/local/env/$name.env"
            JWT_PUBLIC_KEY=$(value_of JWT_PUBLIC_KEY "$keys")
            if [ "$name" = identity ]; then
                JWT_SIGNING_KEY=$(value_of JWT_SIGNING_KEY "$keys")
                MAIL_SEAL_PUBLIC_KEY=$(value_of MAIL_SEAL_PUBLIC_KEY "$keys")
                BOOTSTRAP_SUPPORT_EMAIL=$(value_of BOOTSTRAP_SUPPORT_EMAIL "$support")
                BOOTSTRAP_SUPPORT_PASSWORD=$(value_of BOOTSTRAP_SUPPORT_PASSWORD "$support")
            fi
            [ "$name" = mail ] && MAIL_SEAL_SECRET_KEY=$(value_of MAIL_SEAL_SECRET_KEY "$keys")
            set +a
            exec "$bin/$name-service" >>"$state/logs/$name.log" 2>&1
        ) &
        echo $! >"$state/$name.pid"
    done
    for name in "${services[@]}"; do wait_ready "$name"; done
}

stop() {
    for name in "${services[@]}"; do
        [ -f "$state/$name.pid" ] || continue
        local pid
        pid=$(cat "$state/$name.pid")
        if kill -TERM "$pid" 2>/dev/null; then
            for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            log "$name stopped"
        fi
        rm -f "$state/$name.pid"
    done
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status)
        for name in "${services[@]}"; do
            printf '%-9s ' "$name"; curl -sS "http://127.0.0.1:$(port_of "$name")/readyz" || echo "down"; echo
        done
        ;;
    *) echo "usage: $0 start|stop|status" >&2; exit 64 ;;
esac
