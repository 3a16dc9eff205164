/**
 * What `npm pack` ships: everything `npx clawgate` needs at run time (the bundle, the built Control UI,
 * the runtime installer and its lockfile) and none of the sources, tests or CI scripts. Without a
 * `files` list npm falls back to .gitignore, which excludes dist/: the package would not start.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('npm package contents', () => {
  it('ships the bundle, the built UI and the runtime installer, and no sources or tests', () => {
    // --ignore-scripts: `prepare` would rebuild; dist/ is fresh from `npm test`'s build.
    const pack = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(pack.status, 0, pack.stderr);
    const [manifest] = JSON.parse(pack.stdout) as Array<{ files: Array<{ path: string }> }>;
    const paths = manifest!.files.map((file) => file.path);
    for (const needed of ['bin/clawgate.js', 'dist/clawgate.mjs', 'dist/webui/index.html', 'scripts/install-runtime.mjs', 'scripts/sqlite-engine.mjs', 'runtime/package-lock.json', 'README.md', 'LICENSE']) {
      assert.ok(paths.includes(needed), `${needed} is shipped`);
    }
    assert.ok(paths.some((path) => /^dist\/webui\/assets\/.+\.js$/.test(path)), 'the UI script is shipped');
    assert.ok(paths.some((path) => /^dist\/chunks\/.+\.mjs$/.test(path)), 'the chunks the bundle imports are shipped');
    const unwanted = paths.filter((path) => /^(src|test|ui|bench|\.ci|dist\/(src|test|ui|bench))\//.test(path) || path.includes('node_modules/'));
    assert.deepEqual(unwanted, []);
  });
});
