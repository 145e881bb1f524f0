#!/usr/bin/env bash
# `npm start`: make sure what the local stack needs exists (Node 22, redis-server, the
# MongoDB-wire server, dependencies), then run it. Ctrl-C stops everything.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=scripts/toolchain.sh
source "$root/scripts/toolchain.sh"
ensure_node22
ensure_redis
[ -n "${MONGODB_URI:-}" ] || ensure_ferretdb
[ -d node_modules/.bin ] || npm install --no-audit --no-fund
exec node --disable-warning=ExperimentalWarning worker/dev/start.ts "$@"
