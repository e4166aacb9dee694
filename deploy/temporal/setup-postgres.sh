#!/bin/sh
# One-shot schema set-up for Temporal on PostgreSQL (runs in the temporalio/admin-tools image).
# Idempotent: `create` fails harmlessly when the database exists, setup-schema -v 0.0 is a no-op on an
# initialised database, and update-schema applies only the versions not yet applied.
set -eu
: "${POSTGRES_SEEDS:?}" "${POSTGRES_USER:?}" "${SQL_PASSWORD:?}"
until nc -z -w 5 "$POSTGRES_SEEDS" 5432; do echo 'waiting for PostgreSQL'; sleep 1; done
tool() { temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -u "$POSTGRES_USER" -p 5432 "$@"; }
for db in temporal temporal_visibility; do
  case "$db" in temporal) dir=temporal ;; *) dir=visibility ;; esac
  tool --db "$db" create || true
  tool --db "$db" setup-schema -v 0.0
  tool --db "$db" update-schema -d "/etc/temporal/schema/postgresql/v12/$dir/versioned"
done
echo 'Temporal schema ready'
