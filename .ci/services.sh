#!/usr/bin/env bash
# Install and start, from Debian packages, the servers the test suite needs: PostgreSQL on 127.0.0.1.
# Idempotent: an installed, running server and an existing role/database are left as they are.
# The tests find the database through CARBONPEAK_TEST_POSTGRES_URL, which defaults to
# postgresql+psycopg://carbonpeak:carbonpeak@127.0.0.1:5432/carbonpeak_test (tests/conftest.py).
set -euo pipefail

PG_PORT="${PG_PORT:-5432}"
PG_USER="carbonpeak"
PG_PASSWORD="carbonpeak"
PG_DB="carbonpeak_test"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    echo "ci: installing PostgreSQL from Debian packages"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi

PG_VERSION="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "${PG_VERSION} main"; then
    as_root pg_createcluster "${PG_VERSION}" main --port "${PG_PORT}" -- --auth-host=scram-sha-256
fi
if ! pg_lsclusters -h | awk -v v="${PG_VERSION}" '$1==v && $2=="main" {print $4}' | grep -q online; then
    echo "ci: starting PostgreSQL ${PG_VERSION} on 127.0.0.1:${PG_PORT}"
    as_root pg_ctlcluster "${PG_VERSION}" main start -- -o "-c listen_addresses=127.0.0.1 -c port=${PG_PORT}"
fi

for _ in $(seq 1 30); do
    if as_root su postgres -c "pg_isready -q -h 127.0.0.1 -p ${PG_PORT}"; then break; fi
    sleep 1
done

psql_admin() { as_root su postgres -c "psql -v ON_ERROR_STOP=1 -q -p ${PG_PORT} -At -c \"$1\""; }
if [ "$(psql_admin "SELECT 1 FROM pg_roles WHERE rolname='${PG_USER}'")" != "1" ]; then
    psql_admin "CREATE ROLE ${PG_USER} LOGIN PASSWORD '${PG_PASSWORD}' CREATEDB"
fi
if [ "$(psql_admin "SELECT 1 FROM pg_database WHERE datname='${PG_DB}'")" != "1" ]; then
    psql_admin "CREATE DATABASE ${PG_DB} OWNER ${PG_USER}"
fi
echo "ci: PostgreSQL ready at postgresql+psycopg://${PG_USER}:***@127.0.0.1:${PG_PORT}/${PG_DB}"
