#!/usr/bin/env bash
# Runs every test: unit tests and the ones that talk to the PostgreSQL, RabbitMQ and SMTP
# servers on loopback (start them with deploy/local/infra.sh start, or run .ci/run).
# Warnings are errors, as everywhere the project is built.
#
# Two phases: first everything that shares the servers; then, alone, the tests that restart
# PostgreSQL and RabbitMQ (as root) or kill a service process (DisruptionTests).
# With arguments (say --filter OutboxRelay), only the first phase runs, with those arguments.
set -euo pipefail
cd "$(dirname "$0")/.."

swift build --build-tests -Xswiftc -warnings-as-errors
if (($# > 0)); then
    exec swift test --skip-build --skip DisruptionTests "$@"
fi
swift test --skip-build --skip DisruptionTests
# Each suite of this phase restarts a shared server, so they run one after the other, never together.
ALLOW_SERVER_RESTARTS=1 swift test --skip-build --filter 'SharedTests\.DisruptionTests/'
ALLOW_SERVER_RESTARTS=1 swift test --skip-build --filter 'EndToEndTests\.DisruptionTestsEndToEnd/'
