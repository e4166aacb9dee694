#!/usr/bin/env bash
# Finds PostgreSQL server binaries (initdb, pg_ctl, postgres; major version >= 13) for the tests, which run the
# PostgreSQL store against a real, throwaway server (test/helpers/postgres.ts). Prints the bin directory on stdout
# (one line, nothing else); progress and errors go to stderr.
#
# Looks in, in order: $PG_BIN, /usr/lib/postgresql/<newest>/bin (Debian/Ubuntu), PATH (initdb, then pg_config
# --bindir). If none fits and we are root with apt-get, installs Debian's `postgresql` package and looks again.
set -euo pipefail

MIN_MAJOR=13
say() { echo "postgres-bin: $*" >&2; }

# Major version of the server in directory $1, or nothing if it is not a usable server bin directory.
major_of() {
  local dir="$1" b out
  for b in initdb pg_ctl postgres; do [ -x "$dir/$b" ] || return 0; done
  out="$("$dir/postgres" --version 2>/dev/null || true)"     # "postgres (PostgreSQL) 15.18 (Debian ...)"
  if [[ "$out" =~ \(PostgreSQL\)\ ([0-9]+) ]]; then echo "${BASH_REMATCH[1]}"; fi
}

# Prints $1 and exits if it holds a server >= MIN_MAJOR; warns (with $2 as the source) if it holds an older one.
try_dir() {
  local dir="$1" what="$2" major
  [ -n "$dir" ] && [ -d "$dir" ] || return 0
  major="$(major_of "$dir")"
  [ -n "$major" ] || return 0
  if [ "$major" -ge "$MIN_MAJOR" ]; then
    echo "$dir"
    exit 0
  fi
  say "ignoring PostgreSQL $major in $dir ($what): need >= $MIN_MAJOR"
}

search() {
  if [ -n "${PG_BIN:-}" ]; then
    try_dir "$PG_BIN" 'PG_BIN'
    say "PG_BIN=$PG_BIN has no usable initdb/pg_ctl/postgres >= $MIN_MAJOR; looking elsewhere"
  fi
  local d
  # Newest version first (sort -V: 9.6 < 13 < 16).
  while IFS= read -r d; do
    try_dir "$d" 'Debian layout'
  done < <(for d in /usr/lib/postgresql/*/bin; do [ -d "$d" ] && echo "$d"; done | sort -rV)
  if command -v initdb >/dev/null 2>&1; then
    try_dir "$(dirname "$(readlink -f "$(command -v initdb)")")" 'PATH'
  fi
  if command -v pg_config >/dev/null 2>&1; then
    try_dir "$(pg_config --bindir 2>/dev/null || true)" 'pg_config --bindir'
  fi
}

search

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  say "no PostgreSQL >= $MIN_MAJOR server found; installing Debian's postgresql package (one time)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update >&2
  apt-get install -y --no-install-recommends postgresql >&2
  search
fi

cat >&2 <<EOF
postgres-bin: no PostgreSQL server binaries (initdb, pg_ctl, postgres) of version >= $MIN_MAJOR found.
  Looked in: \$PG_BIN${PG_BIN:+ ($PG_BIN)}, /usr/lib/postgresql/*/bin, PATH (initdb, pg_config --bindir).
  Install one, e.g.:
    Debian/Ubuntu:  sudo apt-get install postgresql
    Fedora/RHEL:    sudo dnf install postgresql-server
    macOS:          brew install postgresql@16
  or point PG_BIN at a directory that holds initdb, pg_ctl and postgres.
EOF
exit 1
