#!/usr/bin/env bash
# Provides the Temporal server and its SQL schema tool, built from the Go module go.temporal.io/server (no Docker,
# no download site: the Go module proxy only), for the production-shaped cluster (`npm run cluster`) and its tests.
#   .tools/temporal-server-<version>/temporal-server     <- go.temporal.io/server/cmd/server
#   .tools/temporal-server-<version>/temporal-sql-tool   <- go.temporal.io/server/cmd/tools/sql
#   .tools/temporal-server-<version>/schema/postgresql/  <- the module's own PostgreSQL schemas (v12 layout)
#   .tools/temporal-server-<version>/config/{server,ui}/docker.yaml <- the env-templated configurations the
#                                                           temporalio/server and temporalio/ui images run (the
#                                                           cluster passes them docker-compose.yml's environment)
#   .tools/temporal-server-<version>/temporal-ui-server  <- github.com/temporalio/ui-server/v2/cmd/server (the Web UI
#                                                           with its built assets embedded; the version the CLI embeds)
# v1.32.0 is the server the pinned CLI embeds (scripts/temporal-bin.sh); v1.32.1+ needs a newer Go than 1.26.
# A cold build took 285 s here (2 cores, empty module and build caches; issue #20 measured 14 min elsewhere);
# afterwards this is a no-op. Prints the directory on stdout.
set -euo pipefail

VERSION="${TEMPORAL_SERVER_VERSION:-1.32.0}"
UI_VERSION="${TEMPORAL_UI_VERSION:-2.54.1}"   # = the UI of temporal CLI 1.9.1 (scripts/temporal-bin.sh)
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$root/.tools/temporal-server-$VERSION-ui-$UI_VERSION"
say() { echo "temporal-server-bin: $*" >&2; }

if [ -x "$dir/temporal-server" ] && [ -x "$dir/temporal-sql-tool" ] && [ -x "$dir/temporal-ui-server" ] && [ -f "$dir/.complete" ]; then
  echo "$dir"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  say "Go is required to build the Temporal server (go.temporal.io/server@v$VERSION); install Go >= 1.25"
  exit 1
fi

say "building go.temporal.io/server@v$VERSION (server + sql tool) and the UI server v$UI_VERSION into .tools/ (one time, 5-15 min on 2 cores)"
started=$(date +%s)
tmp="$dir.partial"
rm -rf "$tmp"
mkdir -p "$tmp/bin"
CGO_ENABLED=0 GOFLAGS=-mod=mod GOBIN="$tmp/bin" go install \
  "go.temporal.io/server/cmd/server@v$VERSION" "go.temporal.io/server/cmd/tools/sql@v$VERSION" >&2
mv "$tmp/bin/server" "$tmp/temporal-server"
mv "$tmp/bin/sql" "$tmp/temporal-sql-tool"
CGO_ENABLED=0 GOFLAGS=-mod=mod GOBIN="$tmp/bin" go install "github.com/temporalio/ui-server/v2/cmd/server@v$UI_VERSION" >&2
mv "$tmp/bin/server" "$tmp/temporal-ui-server"
rmdir "$tmp/bin"
modroot="$(go env GOMODCACHE)/go.temporal.io/server@v$VERSION"
uiroot="$(go env GOMODCACHE)/github.com/temporalio/ui-server/v2@v$UI_VERSION"
mkdir -p "$tmp/schema" "$tmp/config/server" "$tmp/config/ui"
cp -R "$modroot/schema/postgresql" "$tmp/schema/"
cp "$modroot/config/docker.yaml" "$tmp/config/server/docker.yaml"
cp "$uiroot/config/docker.yaml" "$tmp/config/ui/docker.yaml"
chmod -R u+w "$tmp/schema" "$tmp/config"
echo "built in $(( $(date +%s) - started )) s on $(nproc) cores with $(go version | awk '{print $3}')" > "$tmp/.complete"
rm -rf "$dir"
mv "$tmp" "$dir"
say "$(cat "$dir/.complete")"
echo "$dir"
