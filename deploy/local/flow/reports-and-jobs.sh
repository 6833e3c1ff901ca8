# shellcheck shell=bash
# The service and billing reports, and the daily jobs run for chosen days.
# Sourced by deploy/local/main-flow.sh, in order.

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
# R29: the approver sees those it is contact of and those it decided in step 6 (every billed or
# contracted one but the disagreed and the pending one); Boleta hears the decisions as events.
approver_numbers() {
    {
        for n in $(billable); do [ "$n" = "$disagreed" ] || [ "$n" = "$pending" ] || echo "$n"; done
        for n in "${recorded[@]}"; do [ "${contact_of[$n]}" = approver ] && echo "$n"; done
    } | sort -u | xargs
}
step report-approver needs=signed-batch,approver-ready,decided \
    "the approver's service report: those it is contact of and those it decided" \
    eventually 15 service_report approver "$(approver_numbers)"
step report-technician needs=signed-batch "the technician's service report: those it recorded" \
    service_report technician "$all_numbers"

billing_report() {
    http manager 200 GET "$approval/reports/billing?from=2006-12-01&to=2006-12-31&limit=500" || return 1
    body -r --argjson from "${recorded[0]}" '.items[] | select(.number >= $from) |
        "\(.workDate)  \(.number)  \(.nature)  \(.decision // "-")  R$ \(.amount)"'
    echo "totals of ABS for December 2006 (the boletas of every run so far):"
    body -r '(.totalsByNature[] | "  \(.key): \(.count) boletas, \(.hours) h, R$ \(.amount)"),
        (.totalsByMonth[] | "  \(.key): \(.count) boletas, \(.hours) h, R$ \(.amount)"),
        "  all: \(.total.count) boletas, \(.total.hours) h, R$ \(.total.amount)"'
    # The total is the sum of the rows to the cent (the page holds every row of the period).
    if body -e '(.items | length) == .total.count' >/dev/null; then
        body -e 'def cents: split(".") | (.[0] | tonumber) * 100 + (.[1] | tonumber);
            ([.items[].amount | cents] | add) == (.total.amount | cents)' >/dev/null ||
            { echo "the total is not the sum of the rows"; return 1; }
        echo "the total is the sum of the rows, to the cent"
    fi
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
