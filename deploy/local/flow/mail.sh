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

# mailed WHO SUBJECT NUMBER...: for each NUMBER, an e-mail to WHO whose subject starts with SUBJECT
# speaks of it.
mailed() {
    local who=$1 subject=$2 number
    shift 2
    for number in "$@"; do
        jq -se --arg to "${email[$who]}" --arg s "$subject" --argjson n "$number" \
            'any(.[]; any(.to[]; . == $to) and (.subject | startswith($s)) and any(.numbers[]; . == $n))' \
            "$work/mails" >/dev/null || { echo "no \"$subject\" e-mail to ${email[$who]} about $number"; return 1; }
    done
    echo "$subject: to ${email[$who]} about $*"
}
mails_expected() {
    local signed n
    # R24: the boletas still unsigned were asked for; each contact is asked about its own.
    mailed contact "Assinatura pendente" "${recorded[8]}" || return 1
    mailed manager "Assinatura pendente" "${recorded[7]}" "${recorded[9]}" || return 1
    # R23: each signature is confirmed to its signer.
    signed=("${recorded[2]}" "${batch[@]}")
    mailed contact "Assinatura registrada" "${signed[@]}" || return 1
    # R26: the approver is asked about each billed or contracted boleta someone else signed.
    for n in "${signed[@]}"; do
        [ "${nature_of[$n]}" = notBilled ] || mailed approver "Aprovação pendente" "$n" || return 1
    done
    # R28: management hears of each divergence, the disagreement and the rejection.
    mailed management "Nova divergência" "$disagreed" "$rejected" || return 1
    # R32: the daily reminders list what is still unsigned, and what still awaits the approver.
    mailed contact "Lembrete: boletas aguardando a sua assinatura" "${recorded[8]}" || return 1
    mailed manager "Lembrete: boletas aguardando a sua assinatura" "${recorded[7]}" "${recorded[9]}" || return 1
    mailed approver "Lembrete: boletas aguardando a sua aprovação" "$pending" || return 1
    # R11: the inactivation warning lists the client's users for its managers.
    if [ -n "$warned" ]; then
        jq -se --arg to "${email[manager]}" --arg who "${name[contact]}" \
            'any(.[]; any(.to[]; . == $to) and (.subject | startswith("Ativação de usuários")) and
                (.text | contains($who)))' "$work/mails" >/dev/null ||
            { echo "no inactivation warning to ${email[manager]} listing ${name[contact]}"; return 1; }
        echo "Ativação de usuários: to ${email[manager]}, listing ${name[contact]}"
    fi
    # Nothing in one run calls for two e-mails with the same subject to the same person.
    jq -se 'group_by([.to, .subject]) | map(select(length > 1)) | length == 0' "$work/mails" >/dev/null ||
        { echo "two e-mails alike: $(jq -sc 'group_by([.to, .subject]) | map(select(length > 1))[0][0] |
            {to, subject}' "$work/mails")"; return 1; }
    # Mail gives each message one Message-ID, kept across retries: the same one twice is a double.
    jq -se 'group_by(.messageId) | map(select(length > 1)) | length == 0' "$work/mails" >/dev/null ||
        { echo "an e-mail arrived twice: $(jq -sc 'group_by(.messageId) | map(select(length > 1))[0][0] |
            {messageId, to, subject}' "$work/mails")"; return 1; }
    echo "every expected e-mail arrived once"
}
# Delivery is asynchronous: the mailbox is read again until every expected e-mail is there.
mails_arrived() {
    python3 "$here/mailbox.py" list "$mail_dir" --since "$started" >"$work/mails" || return 1
    mails_expected
}
step mails-expected needs=mails-listed,signed-batch,resolved,reminders,approval-reminders \
    "every e-mail the process calls for arrived, none twice" eventually 30 mails_arrived

# Mail's own record of what it sent: GET /messages, for vendor support.
mail_record() {
    http support 200 GET "$mail/messages?state=sent&limit=500" || return 1
    local missing
    # Each e-mail that reached the server is, in Mail's record, a message sent with that Message-ID.
    missing=$(jq -rs --slurpfile sent "$work/body" '
        ($sent[0].items | map(.messageId)) as $ids
        | .[] | .messageId | ltrimstr("<") | rtrimstr(">") | select(. as $id | any($ids[]; . == $id) | not)
        ' "$work/mails")
    [ -z "$missing" ] || { echo "not in Mail's record as sent: $missing"; return 1; }
    echo "each of the $(wc -l <"$work/mails") e-mails of this run is in Mail's record as sent, by its Message-ID"
}
step mail-record needs=mails-listed,support "Mail's operator view lists the messages it sent" mail_record

