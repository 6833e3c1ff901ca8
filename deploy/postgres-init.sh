#!/usr/bin/env bash
# Run by the PostgreSQL image on its first start: the same database, roles and schemas as the
# local setup, with passwords from the environment.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v admin_password="$POSTGRES_PASSWORD" -v service_password="$SERVICE_DB_PASSWORD" \
    -f /setup/postgres-setup.sql
