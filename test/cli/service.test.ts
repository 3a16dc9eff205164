/**
 * `clawgate gateway|node install …`: the generated units (checked by `systemd-analyze verify`), no secret
 * in them, the container case (no systemd: say so, print the foreground command), and the systemctl
 * sequence against a FAKE systemctl (systemd cannot run in this container).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setServiceHostFactoryForTests } from '../../src/cli/commands/service.js';
import type { RunResult, ServiceHost } from '../../src/cli/service/manager.js';
import { quoteSystemdWord, renderLaunchdPlist, renderSystemdUnit, type ServiceSpec } from '../../src/cli/service/units.js';
import { runCliInProcess } from '../helpers/cli.js';
import { createTempStateDir } from '../helpers/gateway.js';

const hasSystemdAnalyze = spawnSync('systemd-analyze', ['--version']).status === 0;

function spec(kind: ServiceSpec['kind'], profile?: string): ServiceSpec {
  return { kind, profile, command: [process.execPath, '/opt/claw gate/bin/clawgate.js', 'gateway', 'run', '100%'], env: { CLAWGATE_STATE_DIR: '/home/a b/.clawgate' }, logPath: '/tmp/x.log' };
}

/** systemd-analyze verify on a unit file named as we name it; returns its complaints. */
function verify(unitText: string, name: string): { status: number | null; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'clawgate-unit-'));
  const path = join(dir, name);
  writeFileSync(path, unitText);
  const result = spawnSync('systemd-analyze', ['verify', path], { encoding: 'utf8' });
  return { status: result.status, stderr: result.stderr };
}

describe('service units', () => {
  it('quotes ExecStart words as systemd.service(5) reads them', () => {
    assert.equal(quoteSystemdWord('/usr/bin/node'), '/usr/bin/node');
    assert.equal(quoteSystemdWord('/a b/c'), '"/a b/c"');
    assert.equal(quoteSystemdWord('100%'), '100%%');
    assert.equal(quoteSystemdWord('$HOME'), '"$$HOME"');
  });

  it('the gateway and node units pass `systemd-analyze verify` with no warning', { skip: !hasSystemdAnalyze && 'systemd-analyze is not installed (Debian package systemd; .ci/run installs it)' }, () => {
    for (const kind of ['gateway', 'node'] as const) {
      const unit = renderSystemdUnit(spec(kind, 'work'));
      assert.match(unit, /^Restart=on-failure$/m);
      assert.match(unit, /^Environment="CLAWGATE_STATE_DIR=\/home\/a b\/\.clawgate"$/m);
      const result = verify(unit, `clawgate-${kind}-work.service`);
      assert.equal(result.stderr, '', `systemd-analyze complained about the ${kind} unit`);
      assert.equal(result.status, 0);
    }
  });

  it('the launchd plist restarts on failure only and escapes XML', () => {
    const plist = renderLaunchdPlist({ ...spec('gateway'), command: ['/usr/bin/node', '/a&b/clawgate.js', 'gateway', 'run'] });
    assert.match(plist, /<key>Label<\/key>\n {2}<string>ai\.clawgate\.gateway<\/string>/);
    assert.match(plist, /<string>\/a&amp;b\/clawgate\.js<\/string>/);
    assert.match(plist, /<key>KeepAlive<\/key>\n {2}<dict>\n {4}<key>SuccessfulExit<\/key>\n {4}<false\/>/);
    assert.match(plist, /<key>CLAWGATE_STATE_DIR<\/key>\n {4}<string>\/home\/a b\/\.clawgate<\/string>/);
  });

  it('never writes the token into the unit, even when it is in the environment', async () => {
    const stateDir = createTempStateDir();
    const result = await runCliInProcess(['gateway', 'install', '--print'], { CLAWGATE_STATE_DIR: stateDir, CLAWGATE_GATEWAY_TOKEN: 'super-secret-token-value', PATH: process.env['PATH'] });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`Environment=CLAWGATE_STATE_DIR=${stateDir}`));
    assert.match(result.stdout, /clawgate\.js gateway run$/m);
    assert.ok(!result.stdout.includes('super-secret'), 'no token in the unit');
  });

  it('without systemd (this container), install says so and prints the foreground command', { skip: existsSync('/run/systemd/system') && 'systemd runs here' }, async () => {
    const stateDir = createTempStateDir();
    const result = await runCliInProcess(['gateway', 'install'], { CLAWGATE_STATE_DIR: stateDir, PATH: process.env['PATH'] });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /systemd is not available here \(no \/run\/systemd\/system: .*\)\. Fix: run it in the foreground instead: CLAWGATE_STATE_DIR=\S+ clawgate gateway run/);
    const status = await runCliInProcess(['node', 'status'], { CLAWGATE_STATE_DIR: stateDir });
    assert.match(status.stdout, /^Service: none \(no \/run\/systemd\/system/);
  });
});

describe('service commands against a FAKE systemctl', () => {
  function fakeHost(): { host: ServiceHost; calls: string[]; files: Map<string, string> } {
    const calls: string[] = [];
    const files = new Map<string, string>();
    const host: ServiceHost = {
      platform: 'linux',
      env: {},
      home: '/home/ann',
      uid: 1000,
      user: 'ann',
      run: async (command, args): Promise<RunResult> => {
        calls.push(`${command} ${args.join(' ')}`);
        if (args[1] === 'show' && args.length > 2) {
          const isThere = [...files.keys()].some((path) => path.endsWith(args[2]!));
          return { code: 0, stdout: isThere ? 'LoadState=loaded\nActiveState=active\nSubState=running\nMainPID=4242\nNRestarts=0\nExecMainStatus=0\n' : 'LoadState=not-found\nActiveState=inactive\nSubState=dead\nMainPID=0\n', stderr: '' };
        }
        return { code: 0, stdout: '', stderr: '' };
      },
      exists: (path) => path === '/run/systemd/system' || files.has(path),
      writeFile: (path, text) => void files.set(path, text),
      removeFile: (path) => void files.delete(path),
    };
    return { host, calls, files };
  }

  it('install writes the unit, reloads, enables and (re)starts it, and advises linger', async () => {
    const fake = fakeHost();
    const restore = setServiceHostFactoryForTests(() => fake.host);
    try {
      const env = { CLAWGATE_STATE_DIR: createTempStateDir() };
      const installed = await runCliInProcess(['gateway', 'install'], env);
      assert.equal(installed.code, 0, installed.stderr);
      const unitPath = '/home/ann/.config/systemd/user/clawgate-gateway.service';
      assert.match(fake.files.get(unitPath) ?? '', /ExecStart=.* gateway run/);
      assert.deepEqual(fake.calls, [
        'systemctl --user show-environment',
        'systemctl --user daemon-reload',
        'systemctl --user enable clawgate-gateway.service',
        'systemctl --user restart clawgate-gateway.service',
      ]);
      assert.match(installed.stdout, /sudo loginctl enable-linger ann/);
      const status = await runCliInProcess(['node', 'status'], env);
      assert.match(status.stdout, /^Service: systemd not installed · install with `clawgate node install`/);
      const uninstalled = await runCliInProcess(['gateway', 'uninstall'], env);
      assert.equal(uninstalled.code, 0, uninstalled.stderr);
      assert.equal(fake.files.size, 0);
      assert.ok(fake.calls.includes('systemctl --user disable --now clawgate-gateway.service'));
    } finally {
      restore();
    }
  });
});
