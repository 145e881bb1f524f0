#!/usr/bin/env bash
# Shared by .ci/run and the npm scripts: make the tools the project needs present, idempotently.
# Everything lands in .cache/ (git-ignored) except system packages, which come from apt-get.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NODE_MAJOR=22
NODE_VERSION_RANGE="22"
FERRETDB_VERSION="v1.24.2"

log() { printf '[toolchain] %s\n' "$*" >&2; }

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

ensure_node22() {
  if [ -x "$root/.cache/node/bin/node" ]; then export PATH="$root/.cache/node/bin:$PATH"; fi
  if [ "$(node_major)" -ge "$NODE_MAJOR" ]; then return 0; fi
  local arch
  case "$(uname -m)" in x86_64) arch=x64 ;; aarch64 | arm64) arch=arm64 ;; *) log "unsupported CPU $(uname -m)"; return 1 ;; esac
  log "Node $(node --version 2>/dev/null || echo none) is older than $NODE_MAJOR; installing node-linux-$arch@$NODE_VERSION_RANGE from the npm registry into .cache/node"
  local tmp
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent "node-linux-$arch@$NODE_VERSION_RANGE" >/dev/null && tar xzf node-linux-*.tgz)
  rm -rf "$root/.cache/node" && mkdir -p "$root/.cache" && mv "$tmp/package" "$root/.cache/node" && rm -rf "$tmp"
  export PATH="$root/.cache/node/bin:$PATH"
  log "using Node $(node --version)"
}

ensure_apt_packages() {
  local missing=()
  for pkg in "$@"; do dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null; then log "missing system packages: ${missing[*]} (install them with apt-get)"; return 1; fi
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
  log "installing system packages: ${missing[*]}"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_redis() {
  command -v redis-server >/dev/null && return 0
  ensure_apt_packages redis-server
}

# FerretDB (SQLite backend) is our MongoDB-wire server for tests and local runs: no MongoDB server
# package exists in Debian or on npm. launchers/ferretdb/ is a small Go program embedding FerretDB's
# library, pinned by its go.sum; it is built once from the Go module proxy and cached in .cache/bin.
ensure_ferretdb() {
  local bin="$root/.cache/bin/ferretdb-local"
  local src="$root/launchers/ferretdb"
  if [ -x "$bin" ] && [ "$bin" -nt "$src/go.sum" ] && [ "$bin" -nt "$src/main.go" ]; then return 0; fi
  command -v go >/dev/null || ensure_apt_packages golang-go
  log "building FerretDB $FERRETDB_VERSION (embedded) from the Go module proxy; cached in .cache/bin"
  mkdir -p "$root/.cache/bin"
  (cd "$src" && go build -trimpath -o "$bin" .)
}

# npm records what it installed in node_modules/.package-lock.json; a newer package-lock.json or
# package.json (a pull that changed dependencies) means the tree is stale, so install again.
ensure_dependencies() {
  local installed="$root/node_modules/.package-lock.json" manifest
  local stale=0
  if [ ! -f "$installed" ]; then stale=1; else
    for manifest in "$root/package-lock.json" "$root"/package.json "$root"/*/package.json; do
      [ "$manifest" -nt "$installed" ] && stale=1
    done
  fi
  [ "$stale" -eq 0 ] && return 0
  # Not `npm ci`: npm 11 writes lockfiles that `npm ci` reports as out of sync with another
  # platform's optional binaries. Every direct dependency is pinned exactly and transitive ones come
  # from the lockfile, so `npm install` resolves the same tree. node-hid (the Ledger USB transport)
  # is optional: without libusb/libudev headers its build fails, npm leaves it out, and the bridge
  # explains what to install if the Ledger driver is configured (README "Ledger on USB").
  log "installing npm dependencies (first run: about a minute)"
  (cd "$root" && npm install --no-audit --no-fund --loglevel=error)
}

# The browser tests (stack/web-tests) drive Debian's chromium through playwright-core, which never
# downloads a browser of its own. Only `npm test` needs it; CHROMIUM_PATH points at another one.
ensure_chromium() {
  [ -n "${CHROMIUM_PATH:-}" ] && return 0
  command -v chromium >/dev/null && return 0
  ensure_apt_packages chromium
}

# Said before a first run, so a newcomer knows the wait is expected and what it is for.
first_run_notice() {
  [ -x "$root/.cache/bin/ferretdb-local" ] && [ -f "$root/node_modules/.package-lock.json" ] && return 0
  log "first run on this machine: a few minutes (about 5 on 2 cores), once. It fetches Node 22 if"
  log "yours is older, installs redis-server with apt-get, builds the MongoDB-wire server (FerretDB)"
  log "with Go, and runs npm install. Later runs start in seconds."
}

# A virtualenv in .cache/<name> with the pinned tree of a requirements file from PyPI, installed
# again whenever that file changes. $3 says what it is for, for the log.
ensure_python_venv() {
  local venv="$root/.cache/$1" requirements="$root/$2" what="$3"
  if ! command -v python3 >/dev/null; then
    log "python3 is missing: $what needs it. Install it: apt-get install python3 python3-venv"
    return 1
  fi
  if [ -x "$venv/bin/python" ] && cmp -s "$requirements" "$venv/requirements.txt"; then return 0; fi
  # Debian splits venv and ensurepip out of python3 into python3-venv.
  python3 -c 'import ensurepip, venv' 2>/dev/null || ensure_apt_packages python3-venv || return 1
  log "installing $what's Python packages from PyPI into .cache/$1 (about a minute, once)"
  rm -rf "$venv"
  python3 -m venv "$venv" &&
    "$venv/bin/pip" install --quiet --disable-pip-version-check --no-input -r "$requirements" &&
    cp "$requirements" "$venv/requirements.txt"
}

# The load test (`npm run loadtest`, and its smoke run in `npm test`) drives the stack with Locust,
# the seeds' load tool, from PyPI.
ensure_loadtest_python() {
  ensure_python_venv loadtest-venv stack/loadtest/requirements.txt "the load test (Locust)"
}

# The fuzz run (`npm run fuzz`, and its short run in `npm test`) is Schemathesis, from PyPI.
ensure_fuzz_python() {
  ensure_python_venv fuzz-venv stack/fuzz/requirements.txt "the fuzz run (Schemathesis)"
}

# What `npm start` and `npm test` both need before they run: Node 22, redis-server, the
# MongoDB-wire server (unless MONGODB_URI names one) and the dependencies. .ci/run calls exactly
# this, so a green CI proves a newcomer's first `npm start` / `npm test`.
ensure_local_stack_tools() {
  first_run_notice
  ensure_node22
  ensure_redis
  [ -n "${MONGODB_URI:-}" ] || ensure_ferretdb
  ensure_dependencies
}
