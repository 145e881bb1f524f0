#!/usr/bin/env bash
# Runs a TypeScript entry point under Node 22 LTS. The machines this project targets ship Node 20
# (end of life) and wrangler needs >= 22.12, so when the Node on PATH is older we fetch Node 22 from
# the npm registry (package node-linux-<arch>) into .cache/node once and use that. Node 22 runs .ts
# files directly (type stripping), so no transpiler sits between the code and the runtime.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/toolchain.sh
source "$root/scripts/toolchain.sh"
ensure_node22
exec node --disable-warning=ExperimentalWarning "$@"
