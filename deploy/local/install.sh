#!/usr/bin/env bash
# Installs what the services, their tests and the local run need on a Debian 12 machine:
# the C libraries the package links (with the font printed boletas are set in, and poppler's
# pdftotext for their tests), PostgreSQL, RabbitMQ, the AMQP command-line tools,
# load-testing tools, and for the SMTP test server and the deployment check, Python's aiosmtpd
# and PyYAML. Safe to run again. The Swift 6 toolchain itself is expected in /opt/swift or on
# the PATH (swift.org's Linux tarball); Debian 12 has no package of it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

packages=(
    libpq-dev librabbitmq-dev libmicrohttpd-dev libcurl4-openssl-dev libsodium-dev pkg-config
    libcairo2-dev libpango1.0-dev fonts-dejavu-core poppler-utils
    postgresql rabbitmq-server amqp-tools
    wrk curl jq python3 python3-pip
)

missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done

apt_install() {
    export DEBIAN_FRONTEND=noninteractive
    [ -n "${apt_updated:-}" ] || { apt-get update -qq; apt_updated=1; }
    apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

if ((${#missing[@]} > 0)); then
    apt_install "${missing[@]}"
fi

# The first python3 on the PATH gets the modules from PyPI; where that Python refuses pip
# (Debian's own, marked externally managed), Debian's packages serve /usr/bin/python3 instead.
if ! python3 -c 'import aiosmtpd, yaml' 2>/dev/null; then
    python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore 'aiosmtpd>=1.4' 'pyyaml>=6' \
        2>/dev/null || apt_install python3-aiosmtpd python3-yaml
fi
"$here/python.sh" -c 'import aiosmtpd, yaml'
