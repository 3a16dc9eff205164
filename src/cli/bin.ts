/** @module cli/bin — the executable entry: bundled into dist/clawgate.mjs (see scripts/bundle.mjs). */
import { main } from './main.js';

await main(process.argv);
