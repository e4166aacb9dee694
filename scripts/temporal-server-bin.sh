#!/usr/bin/env bash
# Provides the Temporal server and its SQL schema tool, built from the Go module go.temporal.io/server (no Docker,
# no download site: the Go module proxy only), for the production-shaped cluster (`npm run cluster`) and its tests.
#   .tools/temporal-server-<version>/temporal-server     <- go.temporal.io/server/cmd/server
#   .tools/temporal-server-<version>/temporal-sql-tool   <- go.temporal.io/server/cmd/tools/sql
#   .tools/temporal-server-<version>/schema/postgresql/  <- the module's own PostgreSQL schemas (v12 layout)
# v1.32.0 is the server the pinned CLI embeds (scripts/temporal-bin.sh); v1.32.1+ needs a newer Go than 1.26.
# A cold build takes ~14 minutes on 2 cores; afterwards this is a no-op. Prints the directory on stdout.
set -euo pipefail

VERSION="${TEMPORAL_SERVER_VERSION:-1.32.0}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$root/.tools/temporal-server-$VERSION"
say() { echo "temporal-server-bin: $*" >&2; }

if [ -x "$dir/temporal-server" ] && [ -x "$dir/temporal-sql-tool" ] && [ -f "$dir/.complete" ]; then
  echo "$dir"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  say "Go is required to build the Temporal server (go.temporal.io/server@v$VERSION); install Go >= 1.25"
  exit 1
fi

say "building go.temporal.io/server@v$VERSION (server + sql tool) into .tools/ (one time, ~14 min on 2 cores)"
started=$(date +%s)
tmp="$dir.partial"
rm -rf "$tmp"
mkdir -p "$tmp/bin"
CGO_ENABLED=0 GOFLAGS=-mod=mod GOBIN="$tmp/bin" go install \
  "go.temporal.io/server/cmd/server@v$VERSION" "go.temporal.io/server/cmd/tools/sql@v$VERSION" >&2
mv "$tmp/bin/server" "$tmp/temporal-server"
mv "$tmp/bin/sql" "$tmp/temporal-sql-tool"
rmdir "$tmp/bin"
modroot="$(go env GOMODCACHE)/go.temporal.io/server@v$VERSION"
mkdir -p "$tmp/schema"
cp -R "$modroot/schema/postgresql" "$tmp/schema/"
chmod -R u+w "$tmp/schema"
echo "built in $(( $(date +%s) - started )) s on $(nproc) cores with $(go version | awk '{print $3}')" > "$tmp/.complete"
rm -rf "$dir"
mv "$tmp" "$dir"
say "$(cat "$dir/.complete")"
echo "$dir"
