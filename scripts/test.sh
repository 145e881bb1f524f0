#!/usr/bin/env bash
# `npm test`: make sure the real parts the tests run against exist, then run every workspace's
# tests once and print one summary line.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=scripts/toolchain.sh
source "$root/scripts/toolchain.sh"
ensure_local_stack_tools
# The load test's smoke run (stack/test/loadtest.test.ts) needs Locust.
ensure_loadtest_python
# The fuzz run (stack/test/fuzz.test.ts) needs Schemathesis.
ensure_fuzz_python
ensure_chromium
exec node --disable-warning=ExperimentalWarning scripts/run-tests.ts "$@"
