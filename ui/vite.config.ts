/**
 * Vite build of the Control UI (ui/ → dist/webui/; dist/ui/ is tsc's mirror of ui/ for unit tests). Relative base: the gateway rewrites asset URLs
 * under `gateway.controlUi.basePath` when it serves index.html. No inline scripts or styles (the
 * CSP forbids them), no module-preload polyfill (an inline script), no remote anything.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  publicDir: false,
  build: {
    outDir: '../dist/webui',
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    reportCompressedSize: false,
  },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
});
