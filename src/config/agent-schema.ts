/**
 * @module config/agent-schema — the `models`, `agents` and `tools` sections, keyed as OpenClaw keys them.
 *
 * An OpenClaw user's `models.providers` block works unchanged (docs: gateway/config-tools/custom-providers.md):
 * closed objects for the keys we act on, open `cost`/`compat` blobs we accept and ignore.
 */
import Type, { type Static } from 'typebox';
import { Secret } from './secrets.js';

const Closed = { additionalProperties: false } as const;

export const MODEL_APIS = ['openai-completions', 'anthropic-messages'] as const;
export type ModelApi = (typeof MODEL_APIS)[number];

/** A literal key (may contain `${VAR}`), or a reference to an env var or a file holding it. */
export const ApiKeySchema = Type.Union([
  Secret(),
  Type.Object({ source: Type.Literal('env'), id: Type.String({ minLength: 1 }) }, Closed),
  Type.Object({ source: Type.Literal('file'), path: Type.String({ minLength: 1 }) }, Closed),
]);

export const ModelDefinitionSchema = Type.Object(
  {
    id: Type.String({ minLength: 1 }),
    /** Required, as in OpenClaw 2026.9.6 (a model without `name` is rejected there too). */
    name: Type.String({ minLength: 1 }),
    /** Tokens the model accepts; what is sent is trimmed to fit (default 128,000). */
    contextWindow: Type.Optional(Type.Integer({ minimum: 1024 })),
    contextTokens: Type.Optional(Type.Integer({ minimum: 1024 })),
    maxTokens: Type.Optional(Type.Integer({ minimum: 1 })),
    reasoning: Type.Optional(Type.Boolean()),
    input: Type.Optional(Type.Array(Type.String())),
    cost: Type.Optional(Type.Unknown()),
    compat: Type.Optional(Type.Unknown()),
  },
  Closed,
);

export const ModelProviderSchema = Type.Object(
  {
    baseUrl: Type.String({ minLength: 1 }),
    /** Default `openai-completions`, as in OpenClaw. */
    api: Type.Optional(Type.Union([Type.Literal('openai-completions'), Type.Literal('anthropic-messages')])),
    apiKey: Type.Optional(ApiKeySchema),
    headers: Type.Optional(Type.Record(Type.String(), Type.String())),
    /** Idle timeout of one model request: no byte for this long fails it (default 120 s). */
    timeoutSeconds: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 86_400 })),
    maxTokens: Type.Optional(Type.Integer({ minimum: 1 })),
    models: Type.Array(ModelDefinitionSchema),
  },
  Closed,
);

export const ModelsConfigSchema = Type.Object(
  {
    mode: Type.Optional(Type.Union([Type.Literal('merge'), Type.Literal('replace')])),
    providers: Type.Optional(Type.Record(Type.String({ minLength: 1 }), ModelProviderSchema)),
  },
  Closed,
);

const ModelRefSchema = Type.Union([
  Type.String({ minLength: 1 }),
  Type.Object({ primary: Type.Optional(Type.String({ minLength: 1 })), fallbacks: Type.Optional(Type.Array(Type.String({ minLength: 1 }))) }, Closed),
]);

export const AgentsConfigSchema = Type.Object(
  {
    defaults: Type.Optional(
      Type.Object(
        {
          model: Type.Optional(ModelRefSchema),
          /** Extra instructions prepended to the system prompt. */
          systemPrompt: Type.Optional(Type.String()),
          /** Folder holding AGENTS.md / SOUL.md (default <stateDir>/workspace). */
          workspace: Type.Optional(Type.String({ minLength: 1 })),
          /** Run budget in seconds (0 = unlimited; default 172800, OpenClaw's 48 h). */
          timeoutSeconds: Type.Optional(Type.Integer({ minimum: 0 })),
        },
        Closed,
      ),
    ),
  },
  Closed,
);

export const EXEC_MODES = ['deny', 'allowlist', 'ask', 'full'] as const;
export type ExecMode = (typeof EXEC_MODES)[number];

export const ToolsConfigSchema = Type.Object(
  {
    exec: Type.Optional(
      Type.Object(
        {
          /** Gateway-side exec policy; the stricter of this and the node's own approvals applies (default `ask`). */
          mode: Type.Optional(Type.Union([Type.Literal('deny'), Type.Literal('allowlist'), Type.Literal('ask'), Type.Literal('full')])),
          /** Default node (id or display name) for `exec host=node`. */
          node: Type.Optional(Type.String({ minLength: 1 })),
          /** How long an exec approval request waits for a decision (default 1,800,000 = 30 min). */
          approvalTimeoutMs: Type.Optional(Type.Integer({ minimum: 1000 })),
        },
        Closed,
      ),
    ),
  },
  Closed,
);

export type ModelsConfig = Static<typeof ModelsConfigSchema>;
export type ModelProviderConfig = Static<typeof ModelProviderSchema>;
export type AgentsConfig = Static<typeof AgentsConfigSchema>;
export type ToolsConfig = Static<typeof ToolsConfigSchema>;
