#!/usr/bin/env bash
# Runs the first Python 3 on this machine that has aiosmtpd and PyYAML (see install.sh).
for candidate in python3 /usr/bin/python3; do
    if command -v "$candidate" >/dev/null && "$candidate" -c 'import aiosmtpd, yaml' 2>/dev/null; then
        exec "$candidate" "$@"
    fi
done
echo "no python3 with aiosmtpd and yaml; run deploy/local/install.sh" >&2
exit 1
