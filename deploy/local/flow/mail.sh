# shellcheck shell=bash
# The e-mails that reached the SMTP server, and Mail's own record of them.
# Sourced by deploy/local/main-flow.sh, in order.

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
        jq -e --arg to "${email[$who]}" --argjson n "$number" 'select(any(.to[]; . == $to) and any(.numbers[]; . == $n))' \
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
        jq -e --arg to "${email[manager]}" --arg who "${name[contact]}" 'select(any(.to[]; . == $to) and
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
    recorded_count=$(body -r '.items | length')
    echo "Mail lists $recorded_count messages; $arrived of this run reached the SMTP server"
    ((recorded_count >= arrived)) || { echo "Mail lists fewer messages than arrived"; return 1; }
}
step mail-record needs=mails-listed,support "Mail's operator view lists the messages it sent" mail_record

