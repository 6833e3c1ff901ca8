#!/usr/bin/env bash
# Brings up everything on one machine and runs the main flow through the public interfaces:
# installs what is missing, starts PostgreSQL, RabbitMQ and the SMTP test server, builds and
# starts the four services, then walks the flow and prints each step with its outcome.
# The services keep running afterwards; stop them with deploy/local/services.sh stop and the
# servers with deploy/local/infra.sh stop.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export PATH="/opt/swift/usr/bin:$PATH"

bash "$here/install.sh"
bash "$here/infra.sh" start
bash "$here/services.sh" start
exec bash "$here/main-flow.sh"
