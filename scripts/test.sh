#!/usr/bin/env bash
# `npm test`: make sure the real parts the tests run against exist (Node 22, redis-server, the
# MongoDB-wire server), then run every workspace's tests once and print one summary line.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=scripts/toolchain.sh
source "$root/scripts/toolchain.sh"
ensure_node22
ensure_redis
[ -n "${MONGODB_URI:-}" ] || ensure_ferretdb
[ -d node_modules/.bin ] || npm install --no-audit --no-fund
exec node --disable-warning=ExperimentalWarning scripts/run-tests.ts "$@"
