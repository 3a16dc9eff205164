#!/usr/bin/env bash
# Proves the README's first command on a fresh machine: a copy of this checkout, an empty HOME, no npm
# config at all (user, global, env), the machine's own Node (20 in CI), only the npm registry. Then
# proves the fix the store error names: without the runtime the gateway exits 78 naming a command,
# and running that command makes the gateway start.
#
# Then runs the README's second command, `npm test`, in the same environment.
#
# Usage: bash .ci/fresh-machine.sh   (from any directory; needs git, curl, and network to the registry)
# FRESH_MACHINE_KEEP=1 keeps the temp dir (checkout, HOME, logs) for a look after a failure.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

WORK="$(mktemp -d)"
GATEWAY_PID=""
# Our gateways' pids: anything still running from this temp checkout (the launcher's child has its own
# process group, so killing npx's group is not enough).
our_pids() { pgrep -f "$WORK/checkout/" || true; }
cleanup() {
  if [[ -n "$GATEWAY_PID" ]]; then kill -TERM -- "-$GATEWAY_PID" 2>/dev/null || true; fi
  for pid in $(our_pids); do kill -KILL "$pid" 2>/dev/null || true; done
  if [[ -z "${FRESH_MACHINE_KEEP:-}" ]]; then rm -rf "$WORK"; else echo "fresh-machine: kept $WORK" >&2; fi
}
trap cleanup EXIT

fail() {
  echo "fresh-machine: FAIL: $*" >&2
  for log in "$WORK"/*.log; do [[ -f "$log" ]] && { echo "--- $log" >&2; tail -40 "$log" >&2; }; done
  exit 1
}

# The tracked and untracked (not ignored) files: what a fresh clone has, never node_modules/dist/.cache.
mkdir -p "$WORK/checkout" "$WORK/home"
(cd "$ROOT" && git ls-files -z --cached --others --exclude-standard | tar --null --ignore-failed-read -T - -cf -) | tar -xf - -C "$WORK/checkout"
cd "$WORK/checkout"

# A new user's environment: nothing from this machine's npm setup. userconfig/globalconfig point at
# files that do not exist (npm 11 refuses /dev/null for both: "double-loading config"). The CA bundle
# env stays: it is how this machine reaches the registry at all, not npm configuration.
NODE_DIR="$(dirname "$(command -v node)")"
FRESH_ENV=(
  env -i
  "PATH=$NODE_DIR:/usr/local/bin:/usr/bin:/bin"
  "HOME=$WORK/home"
  "TMPDIR=${TMPDIR:-/tmp}"
  "NPM_CONFIG_USERCONFIG=$WORK/home/.npmrc"
  "NPM_CONFIG_GLOBALCONFIG=$WORK/no-global-npmrc"
  "CI=${CI:-}"
)
[[ -n "${NODE_EXTRA_CA_CERTS:-}" ]] && FRESH_ENV+=("NODE_EXTRA_CA_CERTS=$NODE_EXTRA_CA_CERTS")
fresh() { "${FRESH_ENV[@]}" "$@"; }

echo "fresh-machine: node $(fresh node --version), npm $(fresh npm --version), nodedir='$(fresh npm config get nodedir)', HOME=$WORK/home"
[[ "$(fresh npm config get nodedir)" =~ ^(|null|undefined)$ ]] || fail "npm still sees a nodedir"

free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }

# Starts `npx clawgate gateway run --port PORT` in its own process group; waits for /readyz and
# `clawgate health`, then stops it with SIGTERM.
run_first_command_gateway() {
  local port log
  port="$(free_port)"
  log="$WORK/gateway-$port.log"
  # Not through fresh(): a function would run in a subshell and $! would not be the group leader.
  "${FRESH_ENV[@]}" setsid npx clawgate gateway run --port "$port" >"$log" 2>&1 &
  GATEWAY_PID=$!
  for _ in $(seq 1 150); do
    curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
    kill -0 "$GATEWAY_PID" 2>/dev/null || { wait "$GATEWAY_PID" || true; GATEWAY_PID=""; fail "gateway exited before /readyz"; }
    sleep 0.2
  done
  curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null || fail "no /readyz on port $port after 30 s"
  fresh npx clawgate health --port "$port" >"$WORK/health.log" 2>&1 || fail "clawgate health --port $port failed"
  # Stop it as a terminal would: SIGTERM to the whole process group (npx, sh, clawgate). npm itself
  # then exits 143 whatever the gateway does, so judge the gateway: it logs its shutdown, frees the
  # port and leaves no process behind.
  kill -TERM -- "-$GATEWAY_PID"
  wait "$GATEWAY_PID" 2>/dev/null || true
  GATEWAY_PID=""
  for _ in $(seq 1 50); do [[ -z "$(our_pids)" ]] && break; sleep 0.2; done
  [[ -z "$(our_pids)" ]] || fail "gateway processes still running 10 s after SIGTERM: $(our_pids | tr '\n' ' ')"
  grep -q 'shutting down' "$log" || fail "gateway did not shut down gracefully on SIGTERM"
  ! curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 || fail "port $port still answers after stop"
  echo "fresh-machine: gateway came up on port $port, answered health, stopped cleanly"
}

echo "== fresh machine: npm ci"
fresh npm ci >"$WORK/npm-ci.log" 2>&1 || fail "npm ci exited non-zero"
grep -E '^clawgate: ' "$WORK/npm-ci.log" || true

echo "== fresh machine: npx clawgate gateway run"
run_first_command_gateway

# The README's second command, in the same fresh environment: the suite must pass where a new user
# runs it (on a Node without a SQLite engine, scripts/run-tests.mjs uses runtime/'s Node, as the
# gateway does). Its output goes to stdout so the CI's closing line counts it.
echo "== fresh machine: npm test"
fresh npm test 2>&1 | tee "$WORK/npm-test.log" || fail "npm test failed on the fresh machine"

# The advice test needs the runtime fallback, which only a Node without node:sqlite uses.
if [[ ! -d runtime/node_modules ]]; then
  echo "fresh-machine: node:sqlite or better-sqlite3 was usable: no runtime fallback to test"
  exit 0
fi

echo "== fresh machine: without the runtime, the store error names a fix that works"
rm -rf runtime/node_modules
code=0
fresh npx clawgate gateway run --port "$(free_port)" >"$WORK/no-runtime.log" 2>&1 || code=$?
[[ "$code" -eq 78 ]] || fail "without the runtime the gateway exited $code (want 78)"
fix="$(sed -n 's/.*Fix: run `\([^`]*\)`.*/\1/p' "$WORK/no-runtime.log" | head -1)"
[[ -n "$fix" ]] || fail "the store error names no command: $(cat "$WORK/no-runtime.log")"
echo "fresh-machine: the error says: run \`$fix\`"
fresh bash -c "$fix" >"$WORK/fix.log" 2>&1 || fail "the advised command failed"
run_first_command_gateway
echo "fresh-machine: ok"
