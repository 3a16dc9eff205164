#!/usr/bin/env node
// Entry point for the `clawgate` bin. The CLI is bundled into one file at build time (`npm run build`,
// run by `npm ci` through "prepare") because loading one file starts several times faster than
// loading hundreds of modules.
import '../dist/clawgate.mjs';
