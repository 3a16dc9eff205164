/** The cold audit: each risky setting yields its finding, severity and fix; a safe default yields no warning. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { resolveStatePaths, type ClawgateConfig } from '../../src/config/index.js';
import { auditConfiguration, estimateSecretBits, type AuditFinding } from '../../src/security/index.js';
import { createTempStateDir } from '../helpers/gateway.js';

/**
 * Config objects are passed untyped: the schema's mapped literal unions (bind, auth.mode) come out of
 * TypeBox's Static as `undefined`, so typed literals like `bind: 'lan'` would not compile.
 */
function audit(config: object, env: { token?: string; password?: string } = {}, prepare?: (stateDir: string) => void): AuditFinding[] {
  const stateDir = createTempStateDir();
  try {
    const paths = resolveStatePaths({ env: { CLAWGATE_STATE_DIR: stateDir } });
    prepare?.(stateDir);
    return auditConfiguration({ config: config as ClawgateConfig, configPath: paths.configPath, env: { sources: {}, ...env }, paths });
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
}

function find(findings: AuditFinding[], checkId: string): AuditFinding | undefined {
  return findings.find((finding) => finding.checkId === checkId);
}

describe('security audit (cold checks)', () => {
  it('the default setup (loopback, generated token, private state) has no warnings or criticals', () => {
    const findings = audit({});
    assert.deepEqual(findings.filter((f) => f.severity !== 'info'), []);
  });

  it('auth none is critical on loopback and on a network bind', () => {
    assert.equal(find(audit({ gateway: { auth: { mode: 'none' } } }), 'gateway.loopback_no_auth')?.severity, 'critical');
    const lan = find(audit({ gateway: { bind: 'lan', auth: { mode: 'none' } } }), 'gateway.bind_no_auth');
    assert.equal(lan?.severity, 'critical');
    assert.match(lan!.fix, /Remove gateway.auth.mode "none"/);
  });

  it('a network bind without a secret is critical', () => {
    assert.equal(find(audit({ gateway: { bind: 'lan' } }), 'gateway.bind_no_auth')?.severity, 'critical');
  });

  it('rates token strength by entropy: short or repetitive tokens are flagged, critical when exposed', () => {
    assert.equal(find(audit({ gateway: { auth: { token: 'abc123' } } }), 'gateway.token_too_short')?.severity, 'warn');
    assert.equal(find(audit({ gateway: { bind: 'lan', auth: { token: 'abc123' } } }), 'gateway.token_too_short')?.severity, 'critical');
    assert.equal(find(audit({}, { token: 'a'.repeat(64) }), 'gateway.token_too_short')?.severity, 'warn', 'env tokens count, and length alone is not strength');
    assert.equal(find(audit({ gateway: { auth: { token: 'Zq3x9-K_bY2vW7mPp4Rt8sLn0cHd6jFg1aEe5uTo' } } }), 'gateway.token_too_short'), undefined);
    assert.equal(find(audit({ gateway: { auth: { mode: 'password', password: 'hunter2' } } }), 'gateway.password_weak')?.severity, 'warn');
    assert.ok(estimateSecretBits('abcabcabcabcabcabcabcabcabcabc') < 64);
  });

  it('flags a disabled rate limit, broad or invalid trusted proxies, and wildcard or plaintext origins', () => {
    const findings = audit({
      gateway: {
        bind: 'lan',
        auth: { token: 'Zq3x9-K_bY2vW7mPp4Rt8sLn0cHd6jFg1aEe5uTo', rateLimit: { enabled: false } },
        trustedProxies: ['0.0.0.0/0', 'proxy.local'],
        controlUi: { allowedOrigins: ['*', 'http://ui.example.com'] },
      },
    });
    assert.equal(find(findings, 'gateway.auth_no_rate_limit')?.severity, 'critical');
    assert.equal(find(findings, 'gateway.trusted_proxies_too_broad')?.severity, 'critical');
    assert.match(find(findings, 'config.invalid')?.detail ?? '', /proxy\.local/);
    assert.equal(find(findings, 'gateway.control_ui.allowed_origins_wildcard')?.severity, 'critical');
    assert.equal(find(findings, 'gateway.control_ui.allowed_origin_insecure')?.severity, 'warn');
    assert.equal(find(findings, 'gateway.plaintext_network_bind')?.severity, 'warn');
    assert.deepEqual(
      findings.map((f) => f.severity),
      [...findings.map((f) => f.severity)].sort((a, b) => ['critical', 'warn', 'info'].indexOf(a) - ['critical', 'warn', 'info'].indexOf(b)),
      'most severe first',
    );
  });

  it('flags Tailscale Funnel and allowTailscale without Serve (config keys read when present)', () => {
    const funnel = { gateway: { tailscale: { mode: 'funnel' } } };
    assert.equal(find(audit(funnel), 'gateway.tailscale_funnel')?.severity, 'critical');
    assert.equal(find(audit({ gateway: { auth: { allowTailscale: true } } }), 'gateway.allow_tailscale_without_serve')?.severity, 'warn');
  });

  it('flags loose permissions: a config holding secrets is critical, a loose log is a warning', () => {
    const findings = audit({ gateway: { auth: { token: 'Zq3x9-K_bY2vW7mPp4Rt8sLn0cHd6jFg1aEe5uTo' } } }, {}, (stateDir) => {
      writeFileSync(`${stateDir}/clawgate.json`, '{}');
      chmodSync(`${stateDir}/clawgate.json`, 0o644);
      mkdirSync(`${stateDir}/logs`, { mode: 0o755 });
      chmodSync(`${stateDir}/logs`, 0o755);
      writeFileSync(`${stateDir}/logs/gateway.log`, '');
      chmodSync(`${stateDir}/logs/gateway.log`, 0o640);
      chmodSync(stateDir, 0o750);
    });
    const config = find(findings, 'fs.config_perms');
    assert.equal(config?.severity, 'critical');
    assert.match(config!.fix, /^chmod 600 .*clawgate\.json$/);
    assert.equal(findings.filter((f) => f.checkId === 'fs.log_perms').length, 2, 'the log dir and the log file');
    assert.equal(find(findings, 'fs.state_dir_perms')?.severity, 'warn');
  });
});
