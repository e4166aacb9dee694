#!/bin/sh
# One-shot schema set-up for Temporal on PostgreSQL. Runs in the temporalio/admin-tools image (docker-compose.yml)
# and, unchanged, on this machine for `npm run cluster` (src/cluster/), which passes the same variables plus
# DB_PORT and TEMPORAL_SCHEMA_DIR (the schemas of the Go module it built) and puts temporal-sql-tool on PATH.
# Idempotent: `create` fails harmlessly when the database exists, setup-schema -v 0.0 is a no-op on an
# initialised database, and update-schema applies only the versions not yet applied.
set -eu
: "${POSTGRES_SEEDS:?}" "${POSTGRES_USER:?}" "${SQL_PASSWORD:?}"
port="${DB_PORT:-5432}"
schema="${TEMPORAL_SCHEMA_DIR:-/etc/temporal/schema}"
if command -v nc >/dev/null 2>&1; then
  until nc -z -w 5 "$POSTGRES_SEEDS" "$port"; do echo 'waiting for PostgreSQL'; sleep 1; done
fi
tool() { temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -u "$POSTGRES_USER" -p "$port" "$@"; }
for db in temporal temporal_visibility; do
  case "$db" in temporal) dir=temporal ;; *) dir=visibility ;; esac
  tool --db "$db" create || true
  tool --db "$db" setup-schema -v 0.0
  tool --db "$db" update-schema -d "$schema/postgresql/v12/$dir/versioned"
done
echo 'Temporal schema ready'
