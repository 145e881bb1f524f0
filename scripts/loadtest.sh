#!/usr/bin/env bash
# `npm run loadtest`: make sure the local stack's tools and Locust exist, then run the load test
# (stack/loadtest/run.ts; `-- --help` lists its options).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=scripts/toolchain.sh
source "$root/scripts/toolchain.sh"
ensure_local_stack_tools
ensure_loadtest_python
exec node --disable-warning=ExperimentalWarning stack/loadtest/run.ts "$@"
