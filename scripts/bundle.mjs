// Bundles the CLI (and the gateway it can start) into one ESM file, dist/clawgate.mjs.
// Why: loading ~800 small ESM files (typebox alone ships 709) dominated start-up; one file loads in a
// fraction of the time and memory. Native or optional modules stay external.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli/bin.ts'],
  outfile: 'dist/clawgate.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  legalComments: 'linked',
  logLevel: 'warning',
  // The model SDK is imported lazily (agent/providers/ai-sdk.ts) and stays out of the bundle, so start-up never parses it.
  external: ['better-sqlite3', 'bufferutil', 'utf-8-validate', 'ai', '@ai-sdk/*', 'zod'],
  // Some bundled CommonJS dependencies call require() for Node built-ins.
  banner: { js: "import { createRequire as __clawgateCreateRequire } from 'node:module'; const require = __clawgateCreateRequire(import.meta.url);" },
});
