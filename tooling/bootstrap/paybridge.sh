#!/usr/bin/env sh
# Paybridge bootstrap: the two README commands go through here.
#
#   sh tooling/bootstrap/paybridge.sh start   install everything, build the admin console, start the API on
#                                             SQLite with demo data (console at <url>/admin)
#   sh tooling/bootstrap/paybridge.sh test    install everything, run every test (SQLite + PostgreSQL, and the
#                                             admin console in Debian's Chromium, installed when missing)
#
# A fresh machine only needs Node 20+ and npm: when the running node is not Node 24, Node 24 LTS and
# pnpm 12 are installed from the npm registry into ./.toolchain (the `node` package ships the whole
# Node distribution) and put first on PATH. Nothing is installed globally.
set -eu

NODE_MAJOR=24
PNPM_VERSION=12.21.0
root=$(CDPATH= cd -- "$(dirname -- "$0")/../.." && pwd)
cd "$root"
toolchain="$root/.toolchain"

have_node24() { command -v node >/dev/null 2>&1 && node -v | grep -q "^v${NODE_MAJOR}\."; }

if [ -x "$toolchain/node_modules/.bin/node" ]; then
  PATH="$toolchain/node_modules/.bin:$PATH"
fi
if ! have_node24 || ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm -v 2>/dev/null)" != "$PNPM_VERSION" ]; then
  echo "paybridge: installing Node ${NODE_MAJOR} and pnpm ${PNPM_VERSION} into .toolchain/ (one time)" >&2
  mkdir -p "$toolchain"
  npm install --prefix "$toolchain" --no-save --no-audit --no-fund --loglevel=error \
    "node@${NODE_MAJOR}" "pnpm@${PNPM_VERSION}"
  PATH="$toolchain/node_modules/.bin:$PATH"
fi
export PATH
have_node24 || { echo "paybridge: could not obtain Node ${NODE_MAJOR} (node -v: $(node -v))" >&2; exit 1; }

# Native builds (none expected) must use Node 24's headers, not the machine's ~/.npmrc nodedir.
node_home=$(dirname "$(dirname "$(node -p 'process.execPath')")")
export npm_config_nodedir="$node_home"
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1

pnpm install --frozen-lockfile --reporter=append-only

# The admin console's browser tests drive Debian's Chromium (never a downloaded browser). As root with apt
# (CI, the project machines) it is installed when missing; otherwise say how.
ensure_chromium() {
  chromium_path=${CHROMIUM_PATH:-/usr/bin/chromium}
  [ -x "$chromium_path" ] && return 0
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "paybridge: installing Debian's chromium for the admin console's browser tests" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "paybridge: $chromium_path is missing; install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH" >&2
  fi
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
  start)
    pnpm --filter @paybridge/admin build
    exec node apps/api/src/main.ts --demo "$@"
    ;;
  test)
    # PostgreSQL suites run against TEST_DATABASE_URL; by default the local server that the
    # project's machines run. They fail (never skip) when it cannot be reached.
    export TEST_DATABASE_URL="${TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test}"
    ensure_chromium
    exec pnpm exec turbo run lint typecheck test "$@"
    ;;
  *)
    echo "usage: sh tooling/bootstrap/paybridge.sh start|test" >&2
    exit 2
    ;;
esac
