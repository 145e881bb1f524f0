#!/usr/bin/env bash
# `npm start`: make sure what the local stack needs exists, then run it. Ctrl-C stops everything.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=scripts/toolchain.sh
source "$root/scripts/toolchain.sh"
ensure_local_stack_tools
exec node --disable-warning=ExperimentalWarning stack/src/start.ts "$@"
