#!/usr/bin/env bash
# `npm run interop`: the compat suites against a real OpenClaw install (not part of `npm test`).
# Needs OPENCLAW_BIN and NODE24_BIN_DIR (defaults: /work/interop install); suites skip when absent.
set -euo pipefail
cd "$(dirname "$0")/../.."
files=$(find dist/test/compat -name '*.interop.js' | sort)
if [ -z "$files" ]; then echo "no interop suites built under dist/test/compat" >&2; exit 1; fi
# One suite at a time: each starts real OpenClaw processes (a gateway needs ~800 MB and ~14 s).
exec node --test --test-concurrency=1 $files
