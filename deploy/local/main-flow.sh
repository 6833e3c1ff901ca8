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
echo "Identity: the vendor registers client ABS and its people"
identity="http://127.0.0.1:$(port_of identity)"
state=${SUPPORT_STATE_DIR:-/tmp/support-local}
support_email=$(sed -n 's/^BOOTSTRAP_SUPPORT_EMAIL=//p' "$state/support.env")
support_password=$(sed -n 's/^BOOTSTRAP_SUPPORT_PASSWORD=//p' "$state/support.env")
run=$(date +%s)

# Sends METHOD URL [JSON] with the support token; prints the body, fails unless the status is EXPECTED.
call_url() {
    local expected=$1 method=$2 url=$3 body=${4:-} status
    status=$(curl -s -o "$state/last-body" -w '%{http_code}' -X "$method" "$url" \
        -H "Authorization: Bearer $(cat "$state/support.token" 2>/dev/null)" \
        ${body:+-H 'Content-Type: application/json' --data "$body"})
    cat "$state/last-body"
    [[ " $expected " == *" $status "* ]] || { echo " (status $status, expected $expected)"; return 1; }
}

# The same against Identity, by path.
call() { call_url "$1" "$2" "$identity$3" "${4:-}"; }

# Steps run in a subshell each, so the token is handed on through a file.
log_in() {
    curl -s -X POST "$identity/sessions" -H 'Content-Type: application/json' \
        --data "$(jq -n --arg e "$support_email" --arg p "$support_password" '{email: $e, password: $p}')" |
        jq -er .accessToken >"$state/support.token" || { echo "no token for $support_email"; return 1; }
}
step "vendor support logs in with the account made at first start" log_in
step "support registers client ABS, A&D TESTE DA QUALIDADE LTDA (or finds it from an earlier run)" \
    call "201 409" POST /clients '{"code":"ABS","name":"A&D TESTE DA QUALIDADE LTDA"}'
step "support registers technician D51591 (or finds it from an earlier run)" call "201 409" POST /staff \
    '{"code":"D51591","name":"Técnico Gonçalves","email":"d51591@vendor.local","role":"technician"}'
step "support registers the manager of ABS, flagged on PAT 51502" call 201 POST /clients/ABS/users \
    "{\"code\":\"M$run\",\"jobFunctionCode\":\"00\",\"jobTitle\":\"PRESIDENTE\",\"name\":\"João Araújo\",\"email\":\"joao.$run@abs.example\",\"isManager\":true,\"patNumber\":\"51502\"}"
step "support registers the financial approver of ABS, flagged on PAT 51502" call 201 POST /clients/ABS/users \
    "{\"code\":\"A$run\",\"name\":\"Márcia Conceição\",\"email\":\"marcia.$run@abs.example\",\"isApprover\":true,\"patNumber\":\"51502\"}"
step "support registers a plain user of ABS" call 201 POST /clients/ABS/users \
    "{\"code\":\"U$run\",\"name\":\"Zé Ninguém\",\"email\":\"ze.$run@abs.example\"}"
users_listed() {
    call 200 GET /clients/ABS/users >/dev/null &&
        jq -e --arg r "$run" '[.items[] | select(.code | endswith($r))] | length == 3' "$state/last-body" >/dev/null
}
step "the users of ABS are listed with their activation dates" users_listed
step "a request without a token is refused (401)" expect_status 401 "$identity/clients/ABS/users"

echo
echo "Boleta: the contract of ABS and its hourly rate"
boleta="http://127.0.0.1:$(port_of boleta)"
# Boleta learns of ABS from Identity's event; give it a moment on a first run.
abs_known() {
    for _ in $(seq 1 40); do
        call_url "200" GET "$boleta/clients/ABS/contracts" >/dev/null 2>&1 && return 0
        sleep 0.25
    done
    echo "Boleta never learnt of client ABS"
    return 1
}
step "Boleta knows client ABS from Identity's event" abs_known
step "support registers contract IMPL-2006 of ABS (or finds it from an earlier run)" call_url "201 409" POST \
    "$boleta/clients/ABS/contracts" '{"code":"IMPL-2006","description":"Implantação MXM-Manager","validFrom":"2006-01-01"}'
contract_rate() {
    call_url 200 GET "$boleta/clients/ABS/contracts" >/dev/null || return 1
    local id
    id=$(jq -er '.[] | select(.code == "IMPL-2006") | .id' "$state/last-body") || { echo "no contract IMPL-2006"; return 1; }
    call_url "201 409" POST "$boleta/contracts/$id/services" \
        '{"serviceCode":"HP","description":"HORA PROD. ICMS INSENTO E IPI INSENTO","hourlyRate":"123.45","validFrom":"2006-01-01"}'
}
step "support sets the rate of HORA PROD. ICMS INSENTO E IPI INSENTO at R$ 123.45 an hour" contract_rate

echo
echo "Summary: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
