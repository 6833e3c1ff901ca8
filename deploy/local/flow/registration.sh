# shellcheck shell=bash
# The services' platform; support registers ABS and its people; they choose their passwords.
# Sourced by deploy/local/main-flow.sh, in order.

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

# Staff are registered once; on a later run support finds them by code and gives them a new
# initial password instead, which reaches them by a new welcome e-mail, as for a new member of staff.
register_staff() {
    local who=$1 code=$2 role=$3
    name[$who]=$4
    email[$who]=$5
    http support "201 409" POST "$identity/staff" "$(jq -n --arg c "$code" --arg n "${name[$who]}" \
        --arg e "${email[$who]}" --arg r "$role" '{code: $c, name: $n, email: $e, role: $r}')" || return 1
    if [ "$status" = 201 ]; then
        id[$who]=$(body -r .id)
        echo "$code ${name[$who]} <${email[$who]}> registered as $role"
        return 0
    fi
    http support 200 GET "$identity/staff?code=$code" || return 1
    id[$who]=$(body -er '.items[0].id') ||
        { echo "$code is not a staff member: another user has the e-mail ${email[$who]}"; return 1; }
    body -e --arg r "$role" '.items[0].vendorRole == $r' >/dev/null ||
        { echo "$code is a staff member with role $(body -r '.items[0].vendorRole'), not $role"; return 1; }
    # The welcome e-mail goes to the address the staff member has, which may have changed since.
    name[$who]=$(body -r '.items[0].name')
    email[$who]=$(body -r '.items[0].email')
    http support 202 POST "$identity/users/${id[$who]}/initial-password" || return 1
    echo "$code was registered by an earlier run: support gave it a new initial password"
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
