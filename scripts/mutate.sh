#!/usr/bin/env bash
# `npm run mutate`: the bridge's tests that Stryker runs need FerretDB, so the same tools as
# `npm test` first; then StrykerJS through scripts/mutate.ts.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=scripts/toolchain.sh
source "$root/scripts/toolchain.sh"
ensure_local_stack_tools
exec node --disable-warning=ExperimentalWarning scripts/mutate.ts "$@"
