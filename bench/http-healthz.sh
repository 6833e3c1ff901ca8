#!/usr/bin/env bash
# Compares our HTTP stack with a bare libmicrohttpd server on GET /healthz.
#
# Builds bench/bare_mhd.c, starts it, starts our server with OUR_COMMAND (or measures an already
# running one at OUR_URL), runs wrk against each, and prints requests/s of both, the ratio
# ours/bare and our resident memory idle and after the load.
#
#   OUR_COMMAND   command that starts a server answering OUR_URL (default: the release build of
#                 identity-service on port 18090, which needs PostgreSQL and RabbitMQ running)
#   OUR_URL       our /healthz URL                     (default http://127.0.0.1:18090/healthz)
#   OUR_PID       pid to read memory from when OUR_COMMAND is not given (optional)
#   BARE_PORT     port for the bare server             (default 18089)
#   THREADS       thread pool size of the bare server  (default 2 x cores, as HTTPServer)
#   DURATION      wrk duration                         (default 10s)
#   WARMUP        wrk run before measuring each server (default 2s)
#   WRK_THREADS, WRK_CONNECTIONS                       (default 2 and 32)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
if [ -z "${OUR_URL:-}" ] && [ -z "${OUR_COMMAND:-}" ]; then
    root=$(cd "$here/.." && pwd)
    (cd "$root" && swift build -c release --product identity-service >/dev/null)
    OUR_COMMAND="env HTTP_PORT=18090 LOG_LEVEL=warning $(cd "$root" && swift build -c release --show-bin-path)/identity-service"
fi
OUR_URL=${OUR_URL:-http://127.0.0.1:18090/healthz}
OUR_COMMAND=${OUR_COMMAND:-}
OUR_PID=${OUR_PID:-}
BARE_PORT=${BARE_PORT:-18089}
THREADS=${THREADS:-$((2 * $(nproc)))}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-2s}
WRK_THREADS=${WRK_THREADS:-2}
WRK_CONNECTIONS=${WRK_CONNECTIONS:-32}

for tool in gcc wrk curl pkg-config; do
    command -v "$tool" >/dev/null || { echo "missing tool: $tool" >&2; exit 1; }
done

work=$(mktemp -d)
bare_pid=""
our_started_pid=""
cleanup() {
    # Stop only what this script started, by pid.
    [ -n "$our_started_pid" ] && kill "$our_started_pid" 2>/dev/null && wait "$our_started_pid" 2>/dev/null
    [ -n "$bare_pid" ] && kill "$bare_pid" 2>/dev/null && wait "$bare_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

wait_for() {
    local url=$1
    for _ in $(seq 1 200); do
        curl -sf -o /dev/null "$url" && return 0
        sleep 0.05
    done
    echo "no answer from $url" >&2
    return 1
}

rss_kib() {
    awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo "?"
}

warm_up() {
    wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"$WARMUP" "$1" >/dev/null
}

requests_per_second() {
    wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"$DURATION" "$1" >"$work/wrk.out"
    if grep -q "Non-2xx" "$work/wrk.out"; then
        echo "non-2xx answers from $1:" >&2
        cat "$work/wrk.out" >&2
    fi
    awk '/^Requests\/sec:/ { print $2 }' "$work/wrk.out"
}

gcc -O2 -Wall -o "$work/bare_mhd" "$here/bare_mhd.c" $(pkg-config --cflags --libs libmicrohttpd) -lpthread
"$work/bare_mhd" "$BARE_PORT" "$THREADS" &
bare_pid=$!
bare_url="http://127.0.0.1:$BARE_PORT/healthz"
wait_for "$bare_url"

if [ -n "$OUR_COMMAND" ]; then
    bash -c "exec $OUR_COMMAND" >"$work/our.log" 2>&1 &
    our_started_pid=$!
    OUR_PID=$our_started_pid
fi
wait_for "$OUR_URL"

idle_rss=$([ -n "$OUR_PID" ] && rss_kib "$OUR_PID" || echo "?")
# Both servers are warmed up first, and the measured runs follow each other, so that both see
# the same machine: the other load on a shared machine drifts by the minute.
warm_up "$bare_url"
warm_up "$OUR_URL"
bare_rps=$(requests_per_second "$bare_url")
our_rps=$(requests_per_second "$OUR_URL")
loaded_rss=$([ -n "$OUR_PID" ] && rss_kib "$OUR_PID" || echo "?")

echo "wrk -t$WRK_THREADS -c$WRK_CONNECTIONS -d$DURATION, bare pool $THREADS threads"
printf 'bare libmicrohttpd   %12s req/s\n' "$bare_rps"
printf 'ours                 %12s req/s\n' "$our_rps"
awk -v ours="$our_rps" -v bare="$bare_rps" 'BEGIN { printf "ratio ours/bare      %12.2f\n", ours / bare }'
printf 'our VmRSS idle       %12s KiB\n' "$idle_rss"
printf 'our VmRSS after load %12s KiB\n' "$loaded_rss"
