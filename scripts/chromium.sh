#!/usr/bin/env bash
# Provides the headless browser the CS console test drives (test/api/console.test.ts, via playwright-core):
# Debian's chromium package at /usr/bin/chromium (playwright's own browser downloads are not used).
# Idempotent: prints nothing and does nothing when chromium is already installed. Set CHROMIUM_PATH to use
# another binary. As root it runs apt-get directly; otherwise through sudo (non-interactive) when available.
set -euo pipefail

want="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$want" ]; then exit 0; fi

fail() {
  echo "chromium: $*" >&2
  echo "chromium: the CS console test needs Debian's chromium at $want; install it by hand (apt-get install chromium) or set CHROMIUM_PATH" >&2
  exit 1
}

if [ -n "${CHROMIUM_PATH:-}" ]; then fail "CHROMIUM_PATH=$CHROMIUM_PATH is not an executable"; fi
command -v apt-get >/dev/null 2>&1 || fail "$want is missing and this machine has no apt-get"

if [ "$(id -u)" = "0" ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  fail "$want is missing and installing it needs root (not root, and no password-less sudo)"
fi

echo "chromium: installing Debian's chromium (one time)" >&2
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq >/dev/null || fail "apt-get update failed"
"${as_root[@]}" apt-get install -y -qq --no-install-recommends chromium >/dev/null || fail "apt-get install chromium failed"
[ -x "$want" ] || fail "apt-get installed chromium but $want is still missing"
