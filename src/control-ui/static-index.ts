/**
 * @module control-ui/static-index — the built SPA's files, indexed once on first use, served from disk.
 *
 * The gateway must not pay for the UI at start-up (ready time, idle RSS): nothing is read until the
 * first browser request. Then one directory walk builds a small map (URL path → file, type, size,
 * cache policy); file bodies stream from disk on each request. `index.html` (a few hundred bytes)
 * is the one file kept in memory, with its asset URLs rewritten under the configured base path.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One servable file. */
export interface StaticEntry {
  readonly path: string;
  readonly type: string;
  readonly size: number;
  /** Content-hashed name under assets/: cacheable forever. */
  readonly isImmutable: boolean;
}

export interface StaticIndex {
  readonly root: string;
  /** `index.html` with asset URLs under the base path. */
  readonly indexHtml: Buffer;
  /** Keyed by the path below the base path, without the leading slash (`assets/index-AbC123.js`). */
  readonly files: ReadonlyMap<string, StaticEntry>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
};

/** Vite's hashed names: `name-<8+ base64url chars>.ext` under assets/. */
const HASHED = /^assets\/[^/]+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;

/**
 * Where the built UI lives: `dist/webui/` next to the CLI bundle (dist/clawgate.mjs), or two levels
 * up from this module when run from tsc's output (dist/src/control-ui/). Undefined when not built.
 */
export function findUiRoot(candidates: readonly string[] = defaultCandidates()): string | undefined {
  return candidates.find((dir) => existsSync(join(dir, 'index.html')));
}

function defaultCandidates(): string[] {
  const here = fileURLToPath(new URL('.', import.meta.url));
  return [join(here, 'webui'), join(here, '..', '..', 'webui')];
}

/** Walks `root` once; `basePath` is `/` or `/prefix` (no trailing slash). */
export function buildStaticIndex(root: string, basePath: string): StaticIndex {
  const files = new Map<string, StaticEntry>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const stat = statSync(path);
      if (stat.isDirectory()) {
        walk(path);
        continue;
      }
      const key = relative(root, path).split(sep).join('/');
      const type = TYPES[extname(name).toLowerCase()];
      // Unknown kinds (source maps, licences) are not served: nothing reaches a browser by accident.
      if (type === undefined || key === 'index.html') continue;
      files.set(key, { path, type, size: stat.size, isImmutable: HASHED.test(key) });
    }
  };
  walk(root);
  const prefix = basePath === '/' ? '/' : `${basePath}/`;
  // Built with base './': point every asset at the absolute base path so deep links load them too.
  const html = readFileSync(join(root, 'index.html'), 'utf8').replace(/(src|href)="\.\/([^"]*)"/g, (_match, attribute: string, rest: string) => `${attribute}="${prefix}${rest}"`);
  return { root, indexHtml: Buffer.from(html, 'utf8'), files };
}
