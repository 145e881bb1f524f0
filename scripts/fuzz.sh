#!/usr/bin/env bash
# `npm run fuzz`: make sure the local stack's tools and Schemathesis exist, then fuzz the API
# against its OpenAPI document (stack/fuzz/run.ts; `-- --examples N --seed S`).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=scripts/toolchain.sh
source "$root/scripts/toolchain.sh"
ensure_local_stack_tools
ensure_fuzz_python
exec node --disable-warning=ExperimentalWarning stack/fuzz/run.ts "$@"
