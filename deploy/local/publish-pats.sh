#!/usr/bin/env bash
# Plays the help-desk system that owns the PATs: publishes its PAT events to the broker with
# amqp-publish (amqp-tools), as that system's own process would, in the envelope and format of
# docs/asyncapi.yaml. It shares no code with the services.
#
#   publish-pats.sh CLIENT CONTACT_CODE
#
# Publishes pat.opened for PATs 51502, 51505, 51507 and 51590 of CLIENT, asked for by the client
# user CONTACT_CODE; publishes the event of 51505 a second time, unchanged (the same event id),
# as a system that retries does; and one malformed event, a pat.updated without the PAT's
# number, which the receiver must park with its reason. Prints one line per message:
#   <label> <event id> <routing key> <PAT number or ->
# Settings: AMQP_URL (amqp://guest:guest@127.0.0.1:5672/), PAT_EXCHANGE (pat.events).
set -euo pipefail

client=${1:?usage: publish-pats.sh CLIENT CONTACT_CODE}
contact=${2:?usage: publish-pats.sh CLIENT CONTACT_CODE}
url=${AMQP_URL:-amqp://guest:guest@127.0.0.1:5672/}
# An empty path is the default virtual host "/" to the services, but the empty-named one to amqp-tools.
[[ $url =~ ^amqps?://[^/]*/$ ]] && url=${url%/}
exchange=${PAT_EXCHANGE:-pat.events}
now=$(date -u +%Y-%m-%dT%H:%M:%S.000Z)

new_id() { cat /proc/sys/kernel/random/uuid; }

# The PAT as the help-desk system knows it: number, function, description.
pat() {
    jq -cn --arg number "$1" --arg client "$client" --arg contact "$contact" --arg function "$2" \
        --arg description "$3" --arg now "$now" '{
            number: $number, clientCode: $client,
            contact: {code: $contact},
            nature: "question", system: "MANAGER", version: "6.0", priority: "normal",
            function: $function, description: $description, attachments: [],
            status: "open", revision: 1, updatedAt: $now
        }'
}

envelope() {
    jq -cn --arg id "$1" --arg type "$2" --arg client "$client" --arg now "$now" --argjson data "$3" \
        '{id: $id, type: $type, version: 1, occurredAt: $now, producer: "helpdesk", clientCode: $client, data: $data}'
}

publish() {
    local label=$1 id=$2 type=$3 body=$4 number
    amqp-publish --url="$url" --exchange="$exchange" --routing-key="$type" --persistent \
        --content-type=application/json --body="$body"
    number=$(jq -r '.data.number // "-"' <<<"$body")
    printf '%s %s %s %s\n' "$label" "$id" "$type" "$number"
}

declare -A bodies ids
for entry in \
    "51502|4001 CADASTRO DE USUÁRIOS|Solicitamos o status de aprovador financeiro para Márcia Conceição." \
    "51505|2103 APURAÇÃO DO ICMS|Dúvida na apuração do ICMS de notas com isenção." \
    "51507|1204 EMISSÃO DE NOTA FISCAL|Erro na emissão de nota fiscal com IPI isento." \
    "51590|1210 PARÂMETROS FISCAIS|Implantação: parametrização de HORA PROD. ICMS INSENTO E IPI INSENTO."; do
    IFS='|' read -r number function description <<<"$entry"
    ids[$number]=$(new_id)
    bodies[$number]=$(envelope "${ids[$number]}" pat.opened "$(pat "$number" "$function" "$description")")
    publish opened "${ids[$number]}" pat.opened "${bodies[$number]}"
done

publish again "${ids[51505]}" pat.opened "${bodies[51505]}"

malformed_id=$(new_id)
without_number=$(pat 51590 "1210 PARÂMETROS FISCAIS" "Sem número." | jq -c 'del(.number)')
publish malformed "$malformed_id" pat.updated "$(envelope "$malformed_id" pat.updated "$without_number")"
