#!/usr/bin/env sh
# Paybridge bootstrap: the two README commands go through here.
#
#   sh tooling/bootstrap/paybridge.sh start   install everything, start the API on SQLite with demo data
#   sh tooling/bootstrap/paybridge.sh test    install everything, run every test (SQLite + PostgreSQL)
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

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
  start)
    exec node apps/api/src/main.ts --demo "$@"
    ;;
  test)
    # PostgreSQL suites run against TEST_DATABASE_URL; by default the local server that the
    # project's machines run. They fail (never skip) when it cannot be reached.
    export TEST_DATABASE_URL="${TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test}"
    pnpm exec biome check .
    exec pnpm exec turbo run typecheck test "$@"
    ;;
  *)
    echo "usage: sh tooling/bootstrap/paybridge.sh start|test" >&2
    exit 2
    ;;
esac
