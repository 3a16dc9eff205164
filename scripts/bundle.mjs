// Bundles the CLI (and the gateway it can start) into dist/clawgate.mjs plus the chunks it imports.
// Why: loading ~800 small ESM files (typebox alone ships 709) dominated start-up; a bundle loads in a
// fraction of the time and memory. Native or optional modules stay external.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

// Split at dynamic imports: what only `gateway run` loads (daemon, gateway, agent, channels, UI)
// goes to dist/chunks/, so client commands (`clawgate health`, …) no longer parse it at start-up.
rmSync('dist/chunks', { recursive: true, force: true });
await build({
  entryPoints: { clawgate: 'src/cli/bin.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
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
