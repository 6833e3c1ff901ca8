# shellcheck shell=bash
# The approver's decisions and management's resolutions, through Approval's HTTP interface.
# Sourced by deploy/local/main-flow.sh, in order.

echo
echo "6. The approver decides; management resolves the divergences"
# Approval's HTTP interface: GET /approvals, POST /approvals/decisions, GET /divergences,
# POST /divergences/{id}/resolution.

billable() { for n in "${recorded[@]}"; do [ "${nature_of[$n]}" != notBilled ] && echo "$n"; done; }
rejected=""
pending=""
approvals_listed() {
    http approver 200 GET "$approval/approvals" || return 1
    local expected listed
    expected=$(billable | sort)
    listed=$(body -r --argjson from "${recorded[0]}" '.items[] | select(.number >= $from) | .number' | sort)
    body -r --argjson from "${recorded[0]}" '.items[] | select(.number >= $from) |
        "\(.workDate)  \(.number)  PAT \(.patNumber // "-")  \(.contact.name)  \(.technician.name)"
        + "  \(.serviceDescription)  \(.nature)  \(if .isSigned then "signed" else "unsigned" end)"
        + "  \(.decision // "pending")"'
    [ "$expected" = "$listed" ] || { echo "expected the billed and contracted boletas: $expected"; return 1; }
}
step approvals needs=signed-batch,approver-ready "the approver's list shows the billed and contracted boletas" \
    eventually 15 approvals_listed

decide() {
    local decisions
    rejected=${recorded[6]}
    # The disagreed boleta waits for management; the last one stays pending for the approval reminder.
    pending=${recorded[9]}
    decisions=$(for n in $(billable); do
        [ "$n" = "$disagreed" ] || [ "$n" = "$pending" ] && continue
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
            '.items[] | select(.boleta.number == $n) | .id') ||
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
