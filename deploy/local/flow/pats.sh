# shellcheck shell=bash
# Another program publishes the PAT events; Boleta keeps them, parks the malformed one.
# Sourced by deploy/local/main-flow.sh, in order.

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
