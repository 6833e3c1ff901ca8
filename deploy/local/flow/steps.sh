# shellcheck shell=bash
# How the main flow runs a step, calls a service and waits: the words every part uses.
# Sourced by deploy/local/main-flow.sh, in order.

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
