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
  // mDNS libraries (discovery on, `gateway discover`) and the onboard prompts load on demand from node_modules;
  // so does the model SDK (agent/providers/ai-sdk.ts) and grammY (only when channels.telegram is configured).
  external: ['better-sqlite3', 'bufferutil', 'utf-8-validate', '@homebridge/ciao', 'multicast-dns', '@clack/prompts', '@ai-sdk/*', 'zod', 'grammy', '@grammyjs/*'],
  // Some bundled CommonJS dependencies call require() for Node built-ins.
  banner: { js: "import { createRequire as __clawgateCreateRequire } from 'node:module'; const require = __clawgateCreateRequire(import.meta.url);" },
});
