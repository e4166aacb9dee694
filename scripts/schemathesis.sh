#!/usr/bin/env bash
# Provides schemathesis (PyPI), the third-party API fuzzer the test suite runs over the OpenAPI document
# (test/api/schemathesis.test.ts), pinned, in a project-local venv under .tools/ (git-ignored). Idempotent.
# Prints the path of its `st` executable on stdout; progress goes to stderr.
set -euo pipefail

SCHEMATHESIS_VERSION="4.32.5"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.tools/schemathesis-venv"
stamp="$root/.tools/.schemathesis-${SCHEMATHESIS_VERSION}"

if [ ! -f "$stamp" ] || [ ! -x "$venv/bin/st" ]; then
  echo "schemathesis: installing schemathesis==$SCHEMATHESIS_VERSION into .tools/ (one time)" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION" >&2
  rm -f "$root"/.tools/.schemathesis-*
  touch "$stamp"
fi
echo "$venv/bin/st"
