#!/usr/bin/env bash
# Installs what the services, their tests and the local run need on a Debian 12 machine:
# the C libraries the package links, PostgreSQL, RabbitMQ, the AMQP command-line tools,
# load-testing tools and the Python SMTP test server. Safe to run again.
set -euo pipefail

packages=(
    libpq-dev librabbitmq-dev libmicrohttpd-dev libcurl4-openssl-dev libsodium-dev
    libcairo2-dev libpango1.0-dev
    postgresql rabbitmq-server amqp-tools
    wrk curl jq python3-pip
)

missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done

if ((${#missing[@]} > 0)); then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python3 -c 'import aiosmtpd, yaml' 2>/dev/null ||
    python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore 'aiosmtpd>=1.4' 'pyyaml>=6'
