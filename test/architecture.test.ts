/**
 * The layering of STYLE.md rule 2, checked on the source: dependencies point inward toward protocol/,
 * gateway/ and client/ never import each other, method files never import each other, and only cli/
 * sits on top. A failure names the offending import.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = resolve(fileURLToPath(new URL('../../src', import.meta.url)));

interface Edge {
  from: string;
  to: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

/** Every relative import (static or dynamic) inside src/, as paths relative to src/. */
function importEdges(): Edge[] {
  const edges: Edge[] = [];
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/(?:from|import\()\s*'(\.{1,2}\/[^']+)'/g)) {
      const target = resolve(dirname(file), match[1]!.replace(/\.js$/, '.ts'));
      edges.push({ from: relative(SRC, file), to: relative(SRC, target) });
    }
  }
  return edges;
}

const layerOf = (path: string): string => path.split('/')[0]!;

/** Which top-level folders each layer may import (besides itself). */
const ALLOWED: Record<string, readonly string[]> = {
  protocol: [],
  config: ['protocol'],
  logging: [],
  store: ['protocol'],
  client: ['protocol', 'config'],
  time: [],
  gateway: ['protocol', 'config', 'logging', 'store', 'time'],
  remote: ['protocol', 'config', 'client', 'time'],
  'node-host': ['protocol', 'config', 'client', 'logging', 'time'],
  security: ['protocol', 'config', 'client', 'remote'],
  cli: ['protocol', 'config', 'logging', 'client', 'remote', 'gateway', 'node-host', 'security', 'store', 'daemon'],
  // The composition root: everything except the CLI on top of it (features register in daemon/features.ts).
  daemon: ['protocol', 'config', 'logging', 'store', 'time', 'client', 'remote', 'node-host', 'security', 'gateway', 'agent', 'channels', 'control-ui'],
  // The agent feature: the core (gateway/) never imports it; it reaches the core through the feature seam.
  agent: ['protocol', 'config', 'logging', 'store', 'time', 'gateway'],
  // Messaging channels (Telegram first): a feature like the agent, and it may use the agent's public surface.
  channels: ['protocol', 'config', 'logging', 'store', 'time', 'gateway', 'agent'],
  'control-ui': ['protocol', 'config', 'gateway'],
};

/** Folders the gateway core must never import: the composition root and the features it hosts. */
const NEVER_FROM_GATEWAY = ['daemon', 'agent', 'channels', 'control-ui'];

describe('architecture', () => {
  const edges = importEdges();

  it('finds the source tree', () => {
    assert.ok(edges.length > 100, `only ${edges.length} imports found under ${SRC}`);
  });

  it('keeps every import within the layers its folder may depend on', () => {
    const violations = edges
      .filter(({ from, to }) => layerOf(from) !== layerOf(to))
      .filter(({ from, to }) => !(ALLOWED[layerOf(from)] ?? []).includes(layerOf(to)))
      .map(({ from, to }) => `${from} → ${to}`);
    assert.deepEqual(violations, []);
  });

  it('never lets gateway/ and client/ import each other', () => {
    const crossing = edges.filter(({ from, to }) => new Set([layerOf(from), layerOf(to)]).size === 2 && [layerOf(from), layerOf(to)].every((l) => l === 'gateway' || l === 'client'));
    assert.deepEqual(crossing, []);
  });

  it('never lets gateway/ import the composition root or a feature (the seam runs one way)', () => {
    const crossing = edges
      .filter(({ from, to }) => layerOf(from) === 'gateway' && NEVER_FROM_GATEWAY.includes(layerOf(to)))
      .map(({ from, to }) => `${from} → ${to}`);
    assert.deepEqual(crossing, []);
  });

  it('keeps time/ a leaf', () => {
    const crossing = edges.filter(({ from, to }) => layerOf(from) === 'time' && layerOf(to) !== 'time').map(({ from, to }) => `${from} → ${to}`);
    assert.deepEqual(crossing, []);
  });

  it('loads gateway/ and daemon/ outside themselves only on demand (type-only or dynamic imports), so client commands never pay for them', () => {
    // daemon/ is the server's composition root: it may load gateway/ eagerly, since it is itself loaded on demand.
    // Features (agent/, channels/, control-ui/) are loaded only by daemon/, so they are server-side too.
    const serverSide = new Set(['gateway', 'daemon', ...NEVER_FROM_GATEWAY]);
    const eager = sourceFiles(SRC)
      .filter((file) => !serverSide.has(layerOf(relative(SRC, file))))
      .flatMap((file) =>
        [...readFileSync(file, 'utf8').matchAll(/^import\s+(?!type\s)[^;]*?from\s+'(\.{1,2}\/[^']+)'/gms)]
          .map((match) => relative(SRC, resolve(dirname(file), match[1]!)))
          .filter((target) => serverSide.has(layerOf(target)))
          .map((target) => `${relative(SRC, file)} → ${target}`),
      );
    assert.deepEqual(eager, []);
  });

  it('keeps protocol/ and client/core/ browser-safe: no node: module, no ws, no Buffer', () => {
    const browserSafe = sourceFiles(SRC).filter((file) => /^(protocol|client\/core)\//.test(relative(SRC, file)));
    assert.ok(browserSafe.some((file) => relative(SRC, file).startsWith('client/core/')), 'client/core/ exists');
    const violations = browserSafe.flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      const found: string[] = [];
      for (const match of text.matchAll(/(?:from|import\()\s*'([^']+)'/g)) {
        const specifier = match[1]!;
        if (specifier.startsWith('node:') || specifier === 'ws' || specifier.startsWith('ws/')) found.push(`imports ${specifier}`);
        // client/core may lean on protocol/ and itself only, never on the Node side beside it.
        if (specifier.startsWith('.') && relative(SRC, file).startsWith('client/core/')) {
          const target = relative(SRC, resolve(dirname(file), specifier));
          if (!target.startsWith('client/core/') && !target.startsWith('protocol/')) found.push(`imports ${target}`);
        }
      }
      if (/\bBuffer\b/.test(text)) found.push('uses Buffer');
      if (/\bNodeJS\./.test(text)) found.push('uses NodeJS types');
      return found.map((what) => `${relative(SRC, file)} ${what}`);
    });
    assert.deepEqual(violations, []);
  });

  it('never lets one method family import another (shared logic is a gateway service)', () => {
    const crossing = edges
      .filter(({ from, to }) => from.startsWith('gateway/methods/') && to.startsWith('gateway/methods/') && !to.endsWith('/index.ts') && !from.endsWith('/index.ts'))
      .map(({ from, to }) => `${from} → ${to}`);
    assert.deepEqual(crossing, []);
  });
});
