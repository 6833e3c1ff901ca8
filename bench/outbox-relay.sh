#!/usr/bin/env bash
# Measures the outbox relay (ours) against the bare confirmed publisher (its ceiling) in the same
# run, and with --with-broker-restart also the time to drain a backlog across a RabbitMQ
# restart. Needs PostgreSQL and RabbitMQ on loopback (deploy/local/infra.sh start).
#   bench/outbox-relay.sh [events] [--with-broker-restart]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
swift build -c release --product support-bench >/dev/null
exec "$(swift build -c release --show-bin-path)/support-bench" "$@"
