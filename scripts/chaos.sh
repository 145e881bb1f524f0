#!/usr/bin/env bash
# `npm run chaos`: make sure the local stack's tools exist, then run the fault-injection suite
# (stack/chaos/run.ts; options: --outage SECONDS, --users N, --faults bridge,mongo,upstash,redis).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=scripts/toolchain.sh
source "$root/scripts/toolchain.sh"
ensure_local_stack_tools
exec node --disable-warning=ExperimentalWarning stack/chaos/run.ts "$@"
