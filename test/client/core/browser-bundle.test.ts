/**
 * The client core and protocol/ really build for a browser: esbuild bundles client/core for
 * `platform: 'browser'`, where any `node:` import fails the build (the architecture test scans the
 * text; this proves the whole import graph, typebox included).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ENTRY = fileURLToPath(new URL('../../../../src/client/core/index.ts', import.meta.url));

describe('client core in a browser', () => {
  it('bundles for platform browser with no Node built-in in the graph', async () => {
    const result = await build({ entryPoints: [ENTRY], bundle: true, platform: 'browser', format: 'esm', write: false, logLevel: 'silent', metafile: true });
    assert.deepEqual(result.errors, []);
    const inputs = Object.keys(result.metafile.inputs);
    assert.ok(inputs.some((input) => input.endsWith('src/client/core/session.ts')), 'the session is in the bundle');
    assert.deepEqual(inputs.filter((input) => input.startsWith('node:') || /\/node_modules\/ws\//.test(input)), []);
    const text = result.outputFiles[0]?.text ?? '';
    assert.doesNotMatch(text, /from ["']node:|require\(["']node:/);
  });
});
