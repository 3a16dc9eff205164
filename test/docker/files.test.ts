/**
 * Dockerfile, compose.yaml and docker/entrypoint.sh, checked by reading them (no Docker engine here),
 * and the entrypoint run for real with sh: it creates a private token before a `lan` bind.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLAWGATE_BIN } from '../helpers/cli.js';
import { createTempStateDir } from '../helpers/gateway.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

describe('docker files', () => {
  it('compose publishes 127.0.0.1:18789 only, as a non-root user, with state in a volume', () => {
    const compose = read('compose.yaml');
    const ports = [...compose.matchAll(/^\s+- "([^"]+:\d+:\d+)"$/gm)].map((m) => m[1]);
    assert.deepEqual(ports, ['127.0.0.1:18789:18789']);
    assert.match(compose, /user: "1000:1000"/);
    assert.match(compose, /- clawgate-state:\/data/);
    assert.match(compose, /cap_drop:\n\s+- ALL/);
    const settings = compose.split('\n').filter((line) => !line.trimStart().startsWith('#')).join('\n');
    assert.doesNotMatch(settings, /TOKEN|PASSWORD/, 'no secret in the compose settings');
  });

  it('the image runs as the node user and binds lan behind the token-creating entrypoint', () => {
    const dockerfile = read('Dockerfile');
    assert.match(dockerfile, /^USER node$/m);
    assert.match(dockerfile, /^ENTRYPOINT \["clawgate-entrypoint"\]$/m);
    assert.match(dockerfile, /^CMD \["gateway", "run", "--bind", "lan"\]$/m);
    assert.doesNotMatch(dockerfile, /TOKEN/);
  });

  it('the entrypoint creates a 0600 token before `gateway run`, once', () => {
    // One random token in 64 starts with '-': without `--` the CLI would read it as an option.
    assert.match(read('docker/entrypoint.sh'), /clawgate config set -- gateway\.auth\.token "\$token"/);
    const stateDir = createTempStateDir();
    const binDir = mkdtempSync(join(tmpdir(), 'clawgate-bin-'));
    symlinkSync(CLAWGATE_BIN, join(binDir, 'clawgate'));
    const env = { PATH: `${binDir}:${process.env['PATH'] ?? ''}`, CLAWGATE_STATE_DIR: stateDir };
    // `--help` stops before anything binds; the entrypoint's token step has run by then.
    const first = spawnSync('sh', [join(ROOT, 'docker/entrypoint.sh'), 'gateway', 'run', '--help'], { env, encoding: 'utf8' });
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stderr, /created a gateway token/);
    const config = JSON.parse(readFileSync(join(stateDir, 'clawgate.json'), 'utf8')) as { gateway: { auth: { token: string } } };
    assert.match(config.gateway.auth.token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(statSync(join(stateDir, 'clawgate.json')).mode & 0o777, 0o600);
    const second = spawnSync('sh', [join(ROOT, 'docker/entrypoint.sh'), 'gateway', 'run', '--help'], { env, encoding: 'utf8' });
    assert.equal(second.status, 0);
    assert.doesNotMatch(second.stderr, /created a gateway token/, 'an existing token is kept');
  });
});
