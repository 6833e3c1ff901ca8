# shellcheck shell=bash
# The technician records the seed's boletas; the contact signs, at once and from its list.
# Sourced by deploy/local/main-flow.sh, in order.

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
