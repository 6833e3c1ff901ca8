#!/usr/bin/env bash
# The main flow, through the public interfaces only, against the four services, the broker and
# the SMTP test server already running (see run-all.sh). Each step prints what it did and whether
# it did what it should; a step whose prerequisite failed is skipped and counted as not done. The
# exit status is 0 only if every step did what it should.
#
# A second run on the same servers works: it registers new users, gets new boleta numbers and
# runs the daily jobs for another day.
#
# Settings (all optional): IDENTITY_URL, BOLETA_URL, APPROVAL_URL, MAIL_URL (default: the ports
# of deploy/local/env); AMQP_URL and PAT_EXCHANGE (default: deploy/local/env/common.env);
# SUPPORT_STATE_DIR (/tmp/support-local: support.env, with the first support account, and what
# the flow keeps between runs); SUPPORT_MAIL_DIR (where the SMTP test server writes, default
# $SUPPORT_STATE_DIR/mail); FLOW_DATE (the first day the daily jobs run for, 2007-01-15; each
# later run takes the next day); FLOW_PAUSE_FILE (when set, the flow creates that file after the
# boletas are signed and waits until it is removed: a demonstration can stop a service there).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
env_dir=$here/env
state=${SUPPORT_STATE_DIR:-/tmp/support-local}
mail_dir=${SUPPORT_MAIL_DIR:-$state/mail}
work=$state/flow
mkdir -p "$work"

setting() { sed -n "s/^$2=//p" "$env_dir/$1.env"; }
identity=${IDENTITY_URL:-http://127.0.0.1:$(setting identity HTTP_PORT)}
boleta=${BOLETA_URL:-http://127.0.0.1:$(setting boleta HTTP_PORT)}
approval=${APPROVAL_URL:-http://127.0.0.1:$(setting approval HTTP_PORT)}
mail=${MAIL_URL:-http://127.0.0.1:$(setting mail HTTP_PORT)}
export AMQP_URL=${AMQP_URL:-$(setting common AMQP_URL)}
export PAT_EXCHANGE=${PAT_EXCHANGE:-$(setting common PAT_EXCHANGE)}
support_email=${SUPPORT_EMAIL:-$(sed -n 's/^BOOTSTRAP_SUPPORT_EMAIL=//p' "$state/support.env" 2>/dev/null)}
support_password=${SUPPORT_PASSWORD:-$(sed -n 's/^BOOTSTRAP_SUPPORT_PASSWORD=//p' "$state/support.env" 2>/dev/null)}

run=$(date +%s)
started=$((run - 1))
runs=$(($(cat "$state/flow-runs" 2>/dev/null || echo 0)))
echo $((runs + 1)) >"$state/flow-runs"
job_day=$(date -u -d "${FLOW_DATE:-2007-01-15} + $runs days" +%F)

passed=0
failed=0
skipped=0
declare -A done_steps title_of token password id email name
declare -a recorded=()

# step KEY [needs=KEY,KEY] TITLE COMMAND...: runs COMMAND in this shell (what it sets stays set),
# prints ok or FAIL with what it wrote, or skip when a step it needs did not succeed.
step() {
    local key=$1 title needs="" missing=()
    shift
    if [[ $1 == needs=* ]]; then needs=${1#needs=}; shift; fi
    title=$1
    shift
    title_of[$key]=$title
    for need in ${needs//,/ }; do [ -n "${done_steps[$need]:-}" ] || missing+=("${title_of[$need]:-$need}"); done
    if ((${#missing[@]} > 0)); then
        skipped=$((skipped + 1))
        printf '  skip  %s\n' "$title"
        printf '        (since this did not succeed: %s)\n' "${missing[@]}"
        return
    fi
    if "$@" >"$work/step.out" 2>&1; then
        done_steps[$key]=1
        passed=$((passed + 1))
        printf '  ok    %s\n' "$title"
    else
        failed=$((failed + 1))
        printf '  FAIL  %s\n' "$title"
    fi
    sed 's/^/        /' "$work/step.out"
}

# http WHO EXPECTED METHOD URL [BODY]: sends the request with WHO's token (- for none); the
# answer's body is in $work/body and its status in $status; fails unless the status is EXPECTED.
status=""
http() {
    local who=$1 expected=$2 method=$3 url=$4 body=${5:-} auth=()
    [ "$who" = - ] || auth=(-H "Authorization: Bearer ${token[$who]:-none}")
    status=$(curl -s -o "$work/body" -w '%{http_code}' -X "$method" "$url" "${auth[@]}" \
        ${body:+-H 'Content-Type: application/json' --data "$body"})
    [[ " $expected " == *" $status "* ]] && return 0
    echo "$method $url answered $status, expected $expected: $(head -c 600 "$work/body")"
    return 1
}

body() { jq "$@" "$work/body"; }

# eventually SECONDS COMMAND...: retries COMMAND every quarter second until it succeeds.
eventually() {
    local deadline=$((SECONDS + $1))
    shift
    until "$@" >"$work/eventually.out" 2>&1; do
        ((SECONDS < deadline)) || { cat "$work/eventually.out"; return 1; }
        sleep 0.25
    done
    cat "$work/eventually.out"
}

expect_status() { http - "$1" GET "$2" >/dev/null; }

expect_problem() {
    local content_type
    content_type=$(curl -s -o /dev/null -w '%{content_type}' "$1")
    [ "$content_type" = "application/problem+json" ] || { echo "$1 answered $content_type"; return 1; }
}

echo "Platform: the four services"
for service in identity boleta approval mail; do
    base=${!service}
    step "$service-up" "$service is alive (GET $base/healthz)" expect_status 200 "$base/healthz"
    step "$service-ready" "$service reaches its database and the broker (GET /readyz)" expect_status 200 "$base/readyz"
    step "$service-metrics" "$service publishes its metrics (GET /metrics)" expect_status 200 "$base/metrics"
    step "$service-guarded" "$service refuses its operator endpoints without a token (401)" \
        expect_status 401 "$base/admin/parked-events"
    step "$service-problem" "$service answers an unknown path with a problem document (404)" \
        expect_problem "$base/no-such-path"
done

# ---------------------------------------------------------------------------------------------
echo
echo "1. Vendor support registers client ABS, its contract and its people"

log_in() {
    local who=$1
    http - 200 POST "$identity/sessions" \
        "$(jq -n --arg e "${email[$who]}" --arg p "${password[$who]}" '{email: $e, password: $p}')" || return 1
    token[$who]=$(body -r .accessToken)
}

email[support]=$support_email
password[support]=$support_password
step support "support logs in with the account made at first start ($support_email)" log_in support

register_client() {
    http support "201 409" POST "$identity/clients" '{"code":"ABS","name":"A&D TESTE DA QUALIDADE LTDA"}' || return 1
    [ "$status" = 201 ] && echo "ABS registered" || echo "ABS was registered by an earlier run"
}
step client needs=support "support registers client ABS, A&D TESTE DA QUALIDADE LTDA" register_client

# Staff are registered once; on a later run support gives them a new initial password instead,
# which reaches them by a new welcome e-mail, as for a new member of staff.
register_staff() {
    local who=$1 code=$2 role=$3 file=$state/flow-staff-$2.id
    name[$who]=$4
    email[$who]=$5
    http support "201 409" POST "$identity/staff" "$(jq -n --arg c "$code" --arg n "${name[$who]}" \
        --arg e "${email[$who]}" --arg r "$role" '{code: $c, name: $n, email: $e, role: $r}')" || return 1
    if [ "$status" = 201 ]; then
        id[$who]=$(body -r .id)
        echo "${id[$who]}" >"$file"
        echo "$code ${name[$who]} <${email[$who]}> registered as $role"
    else
        [ -s "$file" ] || { echo "$code exists, but this state directory does not know its id ($file)"; return 1; }
        id[$who]=$(cat "$file")
        http support 202 POST "$identity/users/${id[$who]}/initial-password" || return 1
        echo "$code was registered by an earlier run: support gave it a new initial password"
    fi
}
step technician needs=support "support registers technician D51591" \
    register_staff technician D51591 technician "Técnico Gonçalves" d51591@vendor.local
step management needs=support "support registers vendor management G0001" \
    register_staff management G0001 management "Sônia Gerência" gerencia@vendor.local

register_user() {
    local who=$1 fields=$2
    http support 201 POST "$identity/clients/ABS/users" "$fields" || return 1
    id[$who]=$(body -r .id)
    email[$who]=$(body -r .email)
    name[$who]=$(body -r .name)
    code_of[$who]=$(body -r .code)
    body -r '"\(.code) \(.name) <\(.email)>, manager \(.isManager), approver \(.isApprover),"
        + " active until \(.activeUntil)"'
}
declare -A code_of
step manager needs=client "support registers the manager of ABS, flagged on PAT 51502" register_user manager \
    "{\"code\":\"M$run\",\"jobFunctionCode\":\"00\",\"jobTitle\":\"PRESIDENTE\",\"name\":\"João Araújo\",
      \"email\":\"joao.$run@abs.example\",\"birthday\":\"1961-01-01\",\"phone\":\"2222-2222\",
      \"isManager\":true,\"patNumber\":\"51502\"}"
step approver needs=client "support registers the financial approver of ABS, flagged on PAT 51502" \
    register_user approver "{\"code\":\"A$run\",\"name\":\"Márcia Conceição\",\"email\":\"marcia.$run@abs.example\",
      \"isApprover\":true,\"patNumber\":\"51502\"}"
step contact needs=client "support registers a plain user of ABS, who will be the contact of most boletas" \
    register_user contact "{\"code\":\"U$run\",\"name\":\"Zé Ninguém\",\"email\":\"ze.$run@abs.example\"}"

users_listed() {
    http support 200 GET "$identity/clients/ABS/users" || return 1
    body -e --arg r "$run" '[.items[] | select(.code | endswith($r))] | length == 3' >/dev/null ||
        { echo "the three users of this run are not all listed"; return 1; }
}
step users-listed needs=manager,approver,contact "the users of ABS are listed with their activation dates" \
    users_listed
step refused needs=client "a request without a token is refused (401)" expect_status 401 "$identity/clients/ABS/users"

abs_known() { http support 200 GET "$boleta/clients/ABS/contracts"; }
step boleta-knows-abs needs=client "Boleta knows client ABS from Identity's event" eventually 10 abs_known

contract_id=""
register_contract() {
    http support "201 409" POST "$boleta/clients/ABS/contracts" \
        '{"code":"IMPL-2006","description":"Implantação MXM-Manager","validFrom":"2006-01-01"}' || return 1
    http support 200 GET "$boleta/clients/ABS/contracts" || return 1
    contract_id=$(body -er '.[] | select(.code == "IMPL-2006") | .id') || { echo "no contract IMPL-2006"; return 1; }
    echo "contract IMPL-2006 (Implantação MXM-Manager), in force from 2006-01-01"
}
step contract needs=boleta-knows-abs "support registers contract IMPL-2006 of ABS" register_contract
contract_rate() {
    http support "201 409" POST "$boleta/contracts/$contract_id/services" \
        '{"serviceCode":"HP","description":"HORA PROD. ICMS INSENTO E IPI INSENTO","hourlyRate":"123.45",
          "validFrom":"2006-01-01"}'
}
step rate needs=contract "support sets the rate of HORA PROD. ICMS INSENTO E IPI INSENTO at R\$ 123.45 an hour" \
    contract_rate

# ---------------------------------------------------------------------------------------------
echo
echo "2. The new users get their welcome e-mails, log in and choose their passwords"

# The first welcome e-mail may take a while; once one has not come, the others get less time.
mail_wait=20
welcome() {
    local who=$1
    password[$who]=$(python3 "$here/mailbox.py" initial-password "$mail_dir" "${email[$who]}" \
        --since "$started" --wait "$mail_wait") || { mail_wait=2; return 1; }
    echo "welcome e-mail to ${email[$who]} with an initial password of ${#password[$who]} characters"
}

first_login() {
    local who=$1
    log_in "$who" || return 1
    body -e '.mustChangePassword == true' >/dev/null || { echo "not asked to change the initial password"; return 1; }
    http "$who" 403 GET "$boleta/pats" || return 1
    body -e '.type == "/problems/must-change-password"' >/dev/null || { cat "$work/body"; return 1; }
    echo "logged in; anything but the password change answers 403 must-change-password"
}

change_password() {
    local who=$1 chosen
    chosen="Ipê amarelo $run na serra ($who)"
    http "$who" "200 204" POST "$identity/users/me/password" \
        "$(jq -n --arg c "${password[$who]}" --arg n "$chosen" '{currentPassword: $c, newPassword: $n}')" || return 1
    password[$who]=$chosen
    log_in "$who" || return 1
    body -e '.mustChangePassword == false' >/dev/null || { echo "still asked to change the password"; return 1; }
    echo "logged in again with the new password"
}

for who in technician management manager approver contact; do
    step "$who-welcome" needs="$who" "$who receives the welcome e-mail" welcome "$who"
    step "$who-first-login" needs="$who-welcome" "$who logs in with the initial password and is made to change it" \
        first_login "$who"
    step "$who-ready" needs="$who-first-login" "$who changes its password" change_password "$who"
done

# ---------------------------------------------------------------------------------------------
echo
echo "3. The help desk publishes PATs 51502, 51505, 51507 and 51590 on the broker"

malformed_id=""
publish_pats() {
    "$here/publish-pats.sh" ABS "${code_of[contact]}" >"$work/published" || return 1
    malformed_id=$(awk '$1 == "malformed" {print $2}' "$work/published")
    awk '{printf "%s %s (event %s) on %s\n", $3, ($4 == "-" ? "without a number" : $4),
        $2, ENVIRON["PAT_EXCHANGE"]}' "$work/published"
    echo "(51505 twice with the same event id; the pat.updated without a number is malformed)"
}
step pats-published needs=contact "another program publishes the PAT events with amqp-publish" publish_pats

pats_kept() {
    for number in 51502 51505 51507 51590; do
        http support 200 GET "$boleta/pats/$number" || return 1
        body -r '"PAT \(.number): \(.description) (\(.status), revision \(.revision))"'
    done
}
step pats-kept needs=pats-published "Boleta keeps the four PATs" eventually 15 pats_kept

# parked_items ID: the parked events of the last answer whose envelope id is ID, as a JSON array.
parked_items() { body -c --arg id "$1" '[.items[] | select((.eventId // "" | ascii_downcase) == $id)]'; }

parked() {
    local found
    http support 200 GET "$boleta/admin/parked-events?limit=1000" || return 1
    found=$(parked_items "$malformed_id")
    jq -e 'length == 1' <<<"$found" >/dev/null || { echo "the malformed event $malformed_id is not parked"; return 1; }
    jq -r '.[0] | "parked: \(.reason)"' <<<"$found"
    jq -e '.[0].reason | test("number")' <<<"$found" >/dev/null ||
        { echo "the reason does not name the missing number"; return 1; }
}
step parked needs=pats-published,support "the malformed event is parked with its reason" eventually 15 parked

duplicate_once() {
    local duplicate
    duplicate=$(awk '$1 == "again" {print $2}' "$work/published")
    http support 200 GET "$boleta/admin/parked-events?limit=1000&includeReplayed=true" || return 1
    [ "$(parked_items "$duplicate")" = "[]" ] || { echo "the repeated event was parked"; return 1; }
    http support 200 GET "$boleta/pats?clientCode=ABS&limit=200" || return 1
    body -e '[.items[] | select(.number == "51505")] | length == 1' >/dev/null ||
        { echo "51505 is not listed once"; return 1; }
    echo "the repeat of $duplicate was taken as already handled: PAT 51505 is kept once, not parked"
}
step duplicate needs=pats-kept "the event published twice is taken once" duplicate_once

# ---------------------------------------------------------------------------------------------
echo
echo "4. Technician D51591 records the boletas of the seed's screens"

# The seed's boletas: work date, nature, PAT, contact, and time entries (start-end overtime history).
seed_boletas=(
    "2006-12-15|notBilled|51502|contact|09:00-10:30 none Orientação sobre o pedido de aprovador financeiro."
    "2006-12-20|contracted|51590|contact|08:00-12:00 none Parametrização dos impostos do serviço."
    "2006-12-03|billed|51590|contact|08:00-09:30 fifty Correção da base do IPI.;10:00-11:00 none Homologação."
    "2006-12-13|notBilled|51505|contact|14:00-15:00 none Esclarecimento sobre a apuração do ICMS."
    "2006-12-14|billed|51590|contact|13:00-17:00 none Conferência das notas com ICMS isento."
    "2006-12-21|billed|51502|contact|08:30-10:00 none Cadastro dos usuários e das permissões."
    "2006-12-21|billed|51505|contact|10:30-12:30 fifty Reprocessamento da apuração do ICMS."
    "2006-12-02|billed|51507|manager|09:00-11:00 none Correção da emissão de nota com IPI isento."
    "2006-12-12|notBilled|51507|contact|15:00-16:00 none Acompanhamento da emissão corrigida."
    "2006-12-11|contracted|51590|manager|08:00-12:00 none Treinamento fiscal.;13:00-15:00 hundred Virada do sistema."
)
declare -A hash_of nature_of contact_of

entries_json() {
    local entry range overtime history pat=$2 json="[]"
    IFS=';' read -ra entries <<<"$1"
    for entry in "${entries[@]}"; do
        read -r range overtime history <<<"$entry"
        json=$(jq -c --arg s "${range%-*}" --arg e "${range#*-}" --arg o "$overtime" --arg h "$history" \
            --arg p "$pat" '. + [{start: $s, end: $e, overtime: $o, history: $h, patNumber: $p}]' <<<"$json")
    done
    echo "$json"
}

record() {
    local line=$1 date nature pat who entries content number
    IFS='|' read -r date nature pat who entries <<<"$line"
    content=$(jq -n --arg contract "$contract_id" --arg contact "${id[$who]}" --arg approver "${id[approver]}" \
        --arg date "$date" --arg nature "$nature" --arg pat "$pat" \
        --argjson entries "$(entries_json "$entries" "$pat")" \
        '{clientCode: "ABS", contractId: $contract, serviceCode: "HP", contactUserId: $contact,
          approverUserId: $approver, workDate: $date, nature: $nature, patNumber: $pat,
          observations: "Atendimento registrado pelo técnico.", entries: $entries}')
    # Boleta learns of this run's users from Identity's events; the first boleta may wait for them.
    eventually 10 http technician 201 POST "$boleta/boletas" "$content" || return 1
    number=$(body -r .number)
    recorded+=("$number")
    hash_of[$number]=$(body -r .contentHash)
    nature_of[$number]=$nature
    contact_of[$number]=$who
    body -r --arg who "${name[$who]}" \
        '"\(.number)  \(.workDate)  \(.nature)  PAT \(.patNumber)  contact \($who)  R$ \(.amount)  \(.status)"'
}

record_all() {
    for line in "${seed_boletas[@]}"; do record "$line" || return 1; done
}
step recorded needs=technician-ready,contact,manager,approver,rate \
    "the technician records ten boletas, dated as on the seed's screens, saved unsigned" record_all

sign_on_screen() {
    local number=${recorded[2]}
    http technician 200 POST "$identity/signature-assertions" "$(jq -n --arg e "${email[contact]}" \
        --arg p "${password[contact]}" --argjson n "$number" --arg h "${hash_of[$number]}" \
        '{email: $e, password: $p, boletas: [{number: $n, contentHash: $h}]}')" || return 1
    local assertion
    assertion=$(body -r .assertion)
    http technician 200 POST "$boleta/boletas/$number/signature" "$(jq -n --arg a "$assertion" \
        '{assertion: $a, agreesWithNature: true, observation: "Assinada na tela do técnico."}')" ||
        return 1
    echo "boleta $number signed by ${name[contact]} on the technician's screen, agreeing with its nature"
}
step signed-at-once needs=recorded,contact-ready \
    "the contact types its password on the technician's screen and signs one at once" sign_on_screen

# ---------------------------------------------------------------------------------------------
echo
echo "5. The contact signs several at once from its list, disagreeing with the nature of one"

batch=()
disagreed=""
to_sign() {
    http contact 200 GET "$boleta/boletas/to-sign" || return 1
    body -r '.boletas[] | "\(.workDate)  \(.number)  \(.technicianName)  \(.nature)"'
    local expected listed
    expected=$(for n in "${recorded[@]}"; do
        [ "${contact_of[$n]}" = contact ] && [ "$n" != "${recorded[2]}" ] && echo "$n"
    done | sort)
    listed=$(body -r '.boletas[].number' | sort)
    [ "$expected" = "$listed" ] || { echo "expected to sign: $expected"; return 1; }
}
step to-sign needs=signed-at-once "the contact's list of boletas to sign shows the unsigned ones" to_sign

sign_batch() {
    # All but the last of the list are signed; the billed one of 2006-12-14 is not agreed with.
    local candidates=() n items hashes assertion
    for n in "${recorded[@]}"; do
        [ "${contact_of[$n]}" = contact ] && [ "$n" != "${recorded[2]}" ] && candidates+=("$n")
    done
    batch=("${candidates[@]:0:${#candidates[@]}-1}")
    disagreed=${recorded[4]}
    items=$(for n in "${batch[@]}"; do
        if [ "$n" = "$disagreed" ]; then
            jq -nc --argjson n "$n" '{number: $n, agreesWithNature: false,
                observation: "Atendimento de dúvida; não deveria ser faturado."}'
        else
            jq -nc --argjson n "$n" '{number: $n, agreesWithNature: true}'
        fi
    done | jq -sc .)
    hashes=$(for n in "${batch[@]}"; do
        jq -nc --argjson n "$n" --arg h "${hash_of[$n]}" '{number: $n, contentHash: $h}'
    done | jq -sc .)
    http contact 200 POST "$identity/signature-assertions" \
        "$(jq -n --arg p "${password[contact]}" --argjson h "$hashes" '{password: $p, boletas: $h}')" || return 1
    assertion=$(body -r .assertion)
    http contact 200 POST "$boleta/signatures" \
        "$(jq -n --arg a "$assertion" --argjson i "$items" '{assertion: $a, items: $i}')" || return 1
    body -r '.results[] | "\(.number): \(.outcome)"'
    body -e '[.results[] | select(.outcome != "signed")] | length == 0' >/dev/null || return 1
    echo "boleta $disagreed signed without agreeing with its nature (billed): a divergence for management"
}
step signed-batch needs=to-sign "the contact signs six at once with one password" sign_batch

if [ -n "${FLOW_PAUSE_FILE:-}" ]; then
    : >"$FLOW_PAUSE_FILE"
    echo "  (paused: remove $FLOW_PAUSE_FILE to go on)"
    while [ -e "$FLOW_PAUSE_FILE" ]; do sleep 0.2; done
fi

# ---------------------------------------------------------------------------------------------
echo
echo "6. The approver decides; management resolves the divergences"
# Approval's HTTP interface: GET /approvals, POST /approvals/decisions, GET /divergences,
# POST /divergences/{id}/resolution.

billable() { for n in "${recorded[@]}"; do [ "${nature_of[$n]}" != notBilled ] && echo "$n"; done; }
rejected=""
approvals_listed() {
    http approver 200 GET "$approval/approvals" || return 1
    local expected listed
    expected=$(billable | sort)
    listed=$(body -r --argjson from "${recorded[0]}" '(.items? // .)[] | select(.number >= $from) | .number' | sort)
    body -r --argjson from "${recorded[0]}" '(.items? // .)[] | select(.number >= $from) |
        "\(.workDate)  \(.number)  PAT \(.patNumber // "-")  \(.contactName // .contact.name // "-")"
        + "  \(.technicianName // .technician.name // "-")  \(.nature)  \(.signatureStatus // .status // "-")"
        + "  \(.decision // "-")"'
    [ "$expected" = "$listed" ] || { echo "expected the billed and contracted boletas: $expected"; return 1; }
}
step approvals needs=signed-batch,approver-ready "the approver's list shows the billed and contracted boletas" \
    eventually 15 approvals_listed

decide() {
    local decisions
    rejected=${recorded[6]}
    decisions=$(for n in $(billable); do
        [ "$n" = "$disagreed" ] && continue
        if [ "$n" = "$rejected" ]; then
            jq -nc --argjson n "$n" \
                '{number: $n, decision: "reject", observation: "Reprocessamento causado por erro do sistema."}'
        else
            jq -nc --argjson n "$n" '{number: $n, decision: "approve"}'
        fi
    done | jq -sc '{decisions: .}')
    http approver 200 POST "$approval/approvals/decisions" "$decisions" || return 1
    jq -r '.decisions[] | "\(.number): \(.decision)"' <<<"$decisions"
}
step decided needs=approvals "the approver approves several at once and rejects one" decide

resolve() {
    http management 200 GET "$approval/divergences?status=open" || return 1
    local divergence number outcome
    for number in "$disagreed" "$rejected"; do
        divergence=$(body -er --argjson n "$number" \
            '(.items? // .)[] | select((.boletaNumber // .number) == $n) | .id') ||
            { echo "no open divergence for $number"; return 1; }
        if [ "$number" = "$disagreed" ]; then
            outcome='{"outcome":"change","nature":"notBilled","note":"Dúvida de uso: não se cobra."}'
        else
            outcome='{"outcome":"keep","note":"Reprocessamento pedido pelo cliente; mantém-se faturado."}'
        fi
        http management 200 POST "$approval/divergences/$divergence/resolution" "$outcome" || return 1
        echo "divergence of $number resolved: $(jq -r '[.outcome, .nature // empty] | join(" to ")' <<<"$outcome")"
        http management 200 GET "$approval/divergences?status=open" || return 1
    done
}
step resolved needs=decided,management-ready "management resolves the two divergences" eventually 15 resolve

# ---------------------------------------------------------------------------------------------
echo
echo "7. The reports"

service_report() {
    local who=$1 expected=$2 seen
    http "$who" 200 GET "$boleta/reports/service?sort=asc&limit=500&from=2006-12-01&to=2006-12-31" || return 1
    seen=$(body -r --argjson from "${recorded[0]}" '.items[] | select(.number >= $from) | .number' | sort | xargs)
    body -r --argjson from "${recorded[0]}" '.items[] | select(.number >= $from) |
        "\(.workDate)  \(.number)  \(.nature)  \(.status)  R$ \(.amount)"'
    [ "$seen" = "$expected" ] || { echo "expected $expected"; return 1; }
}
all_numbers=$(printf '%s\n' "${recorded[@]}" | sort | xargs)
contact_numbers() { for n in "${recorded[@]}"; do [ "${contact_of[$n]}" = "$1" ] && echo "$n"; done | sort | xargs; }
step report-manager needs=signed-batch,manager-ready "the manager's service report: every boleta of ABS" \
    service_report manager "$all_numbers"
step report-contact needs=signed-batch "the contact's service report: the boletas it is contact of" \
    service_report contact "$(contact_numbers contact)"
step report-approver needs=signed-batch,approver-ready "the approver's service report: those it decides" \
    service_report approver "$all_numbers"
step report-technician needs=signed-batch "the technician's service report: those it recorded" \
    service_report technician "$all_numbers"

billing_report() {
    http manager 200 GET "$approval/reports/billing?from=2006-12-01&to=2006-12-31" || return 1
    body -r --argjson from "${recorded[0]}" '.items[] | select(.number >= $from) |
        "\(.workDate)  \(.number)  \(.nature)  \(.decision // "-")  R$ \(.amount)"'
    body -r '.totals | if type == "object" then to_entries[] | "total \(.key): R$ \(.value)" else "total: R$ \(.)" end'
    body -e --argjson n "$disagreed" '[.items[] | select(.number == $n)] | length == 0' >/dev/null ||
        { echo "$disagreed was resolved as not billed, yet it is in the billing report"; return 1; }
}
step billing needs=resolved "the manager's billing report, with amounts and totals, after the resolutions" \
    billing_report

# ---------------------------------------------------------------------------------------------
echo
echo "8. The daily jobs, run for chosen days"

run_job() {
    local base=$1 job=$2 day=$3
    http support "201 409" POST "$base/admin/jobs/$job/runs" "{\"period\":\"$day\"}" || return 1
    [ "$status" = 201 ] && echo "$job ran for $day" || echo "$job had already run for $day"
}
step reminders needs=signed-batch,support "Boleta's signature reminders run for $job_day" \
    run_job "$boleta" signature-reminders "$job_day"
step approval-reminders needs=decided,support "Approval's approval reminders run for $job_day" \
    run_job "$approval" approval-reminders "$job_day"

active_until=""
warning_day() {
    http support 200 GET "$identity/users/${id[contact]}" || return 1
    active_until=$(body -r .activeUntil)
    run_job "$identity" inactivation-warnings "$(date -u -d "$active_until - 5 days" +%F)" || return 1
    [ "$status" = 201 ] && warned=1
    return 0
}
warned=""
step warnings needs=contact "Identity's inactivation warnings run five days before the users' date" warning_day
inactivation() {
    # Each run takes a later day, since a day's run happens once; every earlier date is covered.
    run_job "$identity" inactivation "$(date -u -d "$active_until + $((runs + 1)) days" +%F)" || return 1
    http support 200 GET "$identity/users/${id[contact]}" || return 1
    body -e '.isActive == false' >/dev/null || { echo "${email[contact]} is still active"; return 1; }
    echo "${email[contact]}, active until $active_until, is now inactive"
    http - 401 POST "$identity/sessions" "$(jq -n --arg e "${email[contact]}" --arg p "${password[contact]}" \
        '{email: $e, password: $p}')" || return 1
    echo "and can no longer log in"
}
step inactivation needs=warnings,contact-ready "Identity's inactivation runs the day after the users' date" inactivation

# ---------------------------------------------------------------------------------------------
echo
echo "9. The e-mails that reached the SMTP server"

list_mail() {
    sleep "${FLOW_MAIL_WAIT:-3}"
    python3 "$here/mailbox.py" list "$mail_dir" --since "$started" >"$work/mails" || return 1
    jq -r '"\(.to | join(", "))  |  \(.subject)  |  \(.numbers | map(tostring) | join(" "))"' "$work/mails"
    echo "$(wc -l <"$work/mails") e-mails"
}
step mails-listed "the e-mails of this run are listed" list_mail

# mailed WHO NUMBER...: each NUMBER appears in an e-mail to WHO.
mailed() {
    local who=$1 number
    shift
    for number in "$@"; do
        jq -e --arg to "${email[$who]}" --argjson n "$number" 'select((.to | index($to)) and (.numbers | index($n)))' \
            "$work/mails" >/dev/null || { echo "no e-mail to ${email[$who]} about $number"; return 1; }
    done
}
mails_expected() {
    local unsigned_contact signed
    mailed contact "${recorded[@]:0:2}" "${recorded[@]:3:4}" "${recorded[8]}" || return 1 # asked to sign (R24)
    mailed manager "${recorded[7]}" "${recorded[9]}" || return 1
    signed=("${recorded[2]}" "${batch[@]}")
    mailed contact "${signed[@]}" || return 1                                          # signature registered (R23)
    for n in "${signed[@]}"; do [ "${nature_of[$n]}" != notBilled ] && { mailed approver "$n" || return 1; }; done # R26
    mailed contact "${recorded[8]}" || return 1                                              # reminder (R32)
    if [ -n "$warned" ]; then                                                                # R11
        jq -e --arg to "${email[manager]}" --arg who "${name[contact]}" 'select((.to | index($to)) and
            (.text | contains($who)))' "$work/mails" >/dev/null ||
            { echo "no inactivation warning to ${email[manager]} listing ${name[contact]}"; return 1; }
    fi
    jq -se 'group_by([.to, .subject, .numbers, .text]) | map(select(length > 1)) | length == 0' \
        "$work/mails" >/dev/null ||
        { echo "an e-mail arrived twice"; return 1; }
    echo "every expected e-mail arrived once"
}
step mails-expected needs=mails-listed,signed-batch,reminders "every e-mail the process calls for arrived, none twice" \
    mails_expected

# Mail's own record of what it sent: GET /messages, for vendor support.
mail_record() {
    http support 200 GET "$mail/messages" || return 1
    local recorded_count arrived
    arrived=$(wc -l <"$work/mails")
    recorded_count=$(body -r '(.items? // .) | length')
    echo "Mail lists $recorded_count messages; $arrived of this run reached the SMTP server"
    ((recorded_count >= arrived)) || { echo "Mail lists fewer messages than arrived"; return 1; }
}
step mail-record needs=mails-listed,support "Mail's operator view lists the messages it sent" mail_record

echo
total=$((passed + failed + skipped))
echo "Summary: $passed of $total steps did what they should; $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$skipped" -eq 0 ]
