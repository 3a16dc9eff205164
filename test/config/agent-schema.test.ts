/** The models/agents/tools sections: OpenClaw's minimal local-model config loads as is; apiKey is a marked secret. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfigText, redactConfig, SECRET_CONFIG_PATHS } from '../../src/config/index.js';

const OPENCLAW_MINIMAL = `{
  "gateway": { "mode": "local" },
  "models": { "providers": { "local": { "baseUrl": "http://127.0.0.1:9/v1", "api": "openai-completions", "apiKey": "test-key",
    "models": [{ "id": "test-model", "name": "test-model" }] } } },
  "agents": { "defaults": { "model": { "primary": "local/test-model" } } }
}`;

describe('agent config sections', () => {
  it('accepts OpenClaw 2026.9.6 minimal local-model config unchanged (§7.3)', () => {
    const config = parseConfigText(OPENCLAW_MINIMAL, 'x');
    assert.equal(config.models?.providers?.['local']?.models[0]?.id, 'test-model');
  });

  it('rejects a model without name, as OpenClaw does', () => {
    assert.throws(() => parseConfigText('{ models: { providers: { local: { baseUrl: "http://x/v1", models: [{ id: "m" }] } } } }', 'x'), /name/);
  });

  it('marks models.providers.*.apiKey as a secret and redacts it', () => {
    assert.ok(SECRET_CONFIG_PATHS.includes('models.providers.*.apiKey'));
    const redacted = redactConfig(parseConfigText(OPENCLAW_MINIMAL, 'x')) as { models: { providers: { local: { apiKey: string } } } };
    assert.equal(redacted.models.providers.local.apiKey, '[redacted]');
  });

  it('accepts tools.exec.mode deny|allowlist|ask|full only', () => {
    assert.equal(parseConfigText('{ tools: { exec: { mode: "ask" } } }', 'x').tools?.exec?.mode, 'ask');
    assert.throws(() => parseConfigText('{ tools: { exec: { mode: "auto" } } }', 'x'));
  });
});
