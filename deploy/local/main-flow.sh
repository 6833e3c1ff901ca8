#!/usr/bin/env bash
# The main flow against services already running on loopback (see run-all.sh). Each step prints
# what it did and whether it did what it should; the exit status is 0 only if every step did.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
passed=0
failed=0

step() {
    local title=$1
    shift
    if output=$("$@" 2>&1); then
        passed=$((passed + 1)); printf '  ok    %s\n' "$title"
    else
        failed=$((failed + 1)); printf '  FAIL  %s\n' "$title"; printf '        %s\n' "$output"
    fi
}

port_of() { sed -n 's/^HTTP_PORT=//p' "$root/deploy/local/env/$1.env"; }

expect_status() {
    local expected=$1 url=$2 status
    status=$(curl -s -o /dev/null -w '%{http_code}' "$url")
    [ "$status" = "$expected" ] || { echo "$url answered $status, expected $expected"; return 1; }
}

expect_problem() {
    local url=$1 content_type
    content_type=$(curl -s -o /dev/null -w '%{content_type}' "$url")
    [ "$content_type" = "application/problem+json" ] || { echo "$url answered $content_type"; return 1; }
}

echo "Platform: the four services"
for service in identity boleta approval mail; do
    port=$(port_of "$service")
    step "$service is alive (GET :$port/healthz)" expect_status 200 "http://127.0.0.1:$port/healthz"
    step "$service reaches its database and the broker (GET :$port/readyz)" \
        expect_status 200 "http://127.0.0.1:$port/readyz"
    step "$service publishes its metrics (GET :$port/metrics)" expect_status 200 "http://127.0.0.1:$port/metrics"
    step "$service refuses its operator endpoints without a token (401)" \
        expect_status 401 "http://127.0.0.1:$port/admin/parked-events"
    step "$service answers an unknown path with a problem document (404)" \
        expect_problem "http://127.0.0.1:$port/no-such-path"
done

echo
echo "Summary: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
