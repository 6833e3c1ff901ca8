#!/usr/bin/env bash
# Runs every test: unit tests and the ones that talk to the PostgreSQL, RabbitMQ and SMTP
# servers on loopback (start them with deploy/local/infra.sh start, or run .ci/run).
# Warnings are errors, as everywhere the project is built.
set -euo pipefail
cd "$(dirname "$0")/.."

swift build --build-tests -Xswiftc -warnings-as-errors
swift test --skip-build --parallel --num-workers 1 "$@"
