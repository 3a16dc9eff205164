#!/usr/bin/env node
// Entry point for the `clawgate` bin: the compiled CLI lives in dist/ (built by `npm ci` via "prepare").
import('../dist/src/cli/main.js').then((cli) => cli.main(process.argv));
