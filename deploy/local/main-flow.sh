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
# $SUPPORT_STATE_DIR/mail) or MAILPIT_URL (Mailpit's, under docker compose: http://127.0.0.1:8025);
# SUPPORT_EMAIL and SUPPORT_PASSWORD (default: support.env); FLOW_DATE (the first day the daily
# jobs run for, 2007-01-15; each later run takes the next day); FLOW_PAUSE_FILE (when set, the
# flow creates that file after the boletas are signed and waits until it is removed: a
# demonstration can stop a service there).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
env_dir=$here/env
state=${SUPPORT_STATE_DIR:-/tmp/support-local}
mail_dir=${MAILPIT_URL:-${SUPPORT_MAIL_DIR:-$state/mail}}
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

for part in steps registration pats boletas approval reports-and-jobs mail; do
    # shellcheck source=/dev/null
    source "$here/flow/$part.sh"
done
echo
total=$((passed + failed + skipped))
echo "Summary: $passed of $total steps did what they should; $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$skipped" -eq 0 ]
