#!/usr/bin/env bash
# Measures the endpoints people use most, on the services started by deploy/local/run-all.sh
# (run the main flow at least once first, so that there are boletas, decisions and e-mails).
# Each endpoint is read with vendor support's token, which sees every client, and compared with
# the same service's GET /healthz in the same run: the difference is what the request's own work
# costs (token check, database queries, JSON).
#
# Prints, per endpoint: requests/s, mean and 99th-percentile latency, and the ratio to /healthz.
#   DURATION (default 10s), WRK_THREADS (2), WRK_CONNECTIONS (16), SUPPORT_STATE_DIR (/tmp/support-local)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
state=${SUPPORT_STATE_DIR:-/tmp/support-local}
DURATION=${DURATION:-10s}
WRK_THREADS=${WRK_THREADS:-2}
WRK_CONNECTIONS=${WRK_CONNECTIONS:-16}

for tool in wrk curl jq; do
    command -v "$tool" >/dev/null || { echo "missing tool: $tool" >&2; exit 1; }
done
port_of() { sed -n 's/^HTTP_PORT=//p' "$root/deploy/local/env/$1.env"; }
setting() { sed -n "s/^$1=//p" "$state/support.env"; }

token=$(curl -sf -X POST "http://127.0.0.1:$(port_of identity)/sessions" -H 'Content-Type: application/json' \
    --data "$(jq -n --arg e "$(setting BOOTSTRAP_SUPPORT_EMAIL)" --arg p "$(setting BOOTSTRAP_SUPPORT_PASSWORD)" \
        '{email: $e, password: $p}')" | jq -er .accessToken) ||
    { echo "cannot log in as support: are the services up (deploy/local/run-all.sh)?" >&2; exit 1; }

# measure SERVICE PATH: prints requests/s, mean and p99 latency; fails unless every answer was 200.
measure() {
    local url="http://127.0.0.1:$(port_of "$1")$2" status output
    status=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$url")
    [ "$status" = 200 ] || { echo "$url answered $status" >&2; return 1; }
    output=$(wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"$DURATION" --latency -H "Authorization: Bearer $token" "$url")
    if grep -q 'Non-2xx' <<<"$output"; then
        echo "$url: $(grep 'Non-2xx' <<<"$output")" >&2
        return 1
    fi
    awk '/Requests\/sec/ {rps=$2} /Latency +[0-9]/ {mean=$2} / 99%/ {p99=$2} END {printf "%s %s %s\n", rps, mean, p99}' \
        <<<"$output"
}

printf '%-9s %-42s %12s %10s %10s %9s\n' service endpoint 'requests/s' mean p99 '/healthz'
for line in \
    "identity /clients/ABS/users" \
    "identity /staff" \
    "boleta /reports/service?limit=100" \
    "boleta /pats?limit=50" \
    "approval /reports/billing?limit=100" \
    "approval /divergences?limit=50" \
    "mail /messages?limit=50"; do
    read -r service path <<<"$line"
    read -r ceiling _ _ <<<"$(measure "$service" /healthz)"
    read -r rps mean p99 <<<"$(measure "$service" "$path")"
    printf '%-9s %-42s %12s %10s %10s %9.2f\n' "$service" "GET $path" "$rps" "$mean" "$p99" \
        "$(awk -v a="$rps" -v b="$ceiling" 'BEGIN {print a / b}')"
done
