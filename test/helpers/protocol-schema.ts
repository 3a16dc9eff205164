/**
 * @module test/helpers/protocol-schema — validate frames against OpenClaw's published
 * `protocol.schema.json` (devDependency `@openclaw/gateway-protocol`).
 *
 * The schema is draft-07 with non-standard keywords (`methods`, `x-openclaw-since`, an OpenAPI-style
 * `discriminator`), so ajv runs with `strict: false`; ajv's own `discriminator` option stays off
 * because `GatewayFrame` uses a string-valued `discriminator` that makes ajv throw. `format: uuid`
 * needs ajv-formats. Every frame is checked against its envelope (`ResponseFrame`/`EventFrame`) and,
 * where the schema defines one, against the definition for its payload.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

/** Where the validator found a problem, in ajv's words. */
export interface SchemaViolation {
  /** Definition (or JSON pointer into the schema) the value was checked against. */
  definition: string;
  /** Where in the frame: `payload`, `payload.auth`, `error.details`, … */
  at: string;
  errors: string[];
}

/** A frame the client sent, so responses can be matched to their method. */
export interface SentRequest {
  id: string;
  method: string;
}

type JsonObject = Record<string, unknown>;

const SCHEMA_ID = 'openclaw';

/**
 * Result definitions for methods whose result is not named `<PascalCase>Result` in the schema.
 * `health` returns the `HealthSummary` that hello-ok embeds as `snapshot.health`.
 */
const RESULT_DEFINITIONS: Record<string, string> = {
  health: '#/definitions/HelloOk/properties/snapshot/properties/health',
  'system-presence': 'PresenceEntry[]',
};

/** Event payload definitions; events not listed are checked as envelopes only. */
const EVENT_DEFINITIONS: Record<string, string> = {
  tick: '#/definitions/TickEvent',
  shutdown: '#/definitions/ShutdownEvent',
  health: '#/definitions/HelloOk/properties/snapshot/properties/health',
};

/** Path of protocol.schema.json: the package does not export it, so go from its main entry. */
export function protocolSchemaPath(): string {
  const main = fileURLToPath(import.meta.resolve('@openclaw/gateway-protocol'));
  // main is <pkg>/dist/index.mjs; the schema sits in the package root ("files" in its package.json).
  return join(dirname(dirname(main)), 'protocol.schema.json');
}

/** Checks frames against the published schema. Compiles lazily; one instance per test file is enough. */
export class ProtocolSchema {
  readonly #ajv: Ajv;
  readonly #definitions: JsonObject;
  readonly #cache = new Map<string, ValidateFunction>();
  readonly version: string;

  constructor(schemaPath = protocolSchemaPath()) {
    const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as JsonObject;
    this.#definitions = schema['definitions'] as JsonObject;
    const pkg = JSON.parse(readFileSync(join(dirname(schemaPath), 'package.json'), 'utf8')) as { version: string };
    this.version = pkg.version;
    this.#ajv = new Ajv({ strict: false, allErrors: true });
    // ajv-formats is CommonJS: under NodeNext the default import is its module.exports, typed as the module.
    const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
    addFormats(this.#ajv);
    this.#ajv.addSchema(schema, SCHEMA_ID);
  }

  /** True when the schema has a top-level definition with this name. */
  hasDefinition(name: string): boolean {
    return Object.hasOwn(this.#definitions, name);
  }

  /** Validates `value` against a definition name (`HelloOk`) or a pointer (`#/definitions/…`). */
  check(definition: string, value: unknown, at = ''): SchemaViolation[] {
    if (definition.endsWith('[]')) {
      if (!Array.isArray(value)) return [{ definition, at, errors: ['must be array'] }];
      const item = definition.slice(0, -2);
      return value.flatMap((entry, index) => this.check(item, entry, `${at}[${index}]`));
    }
    const validate = this.#validator(definition);
    if (validate(value)) return [];
    const errors = (validate.errors ?? []).map(
      (error) => `${error.instancePath || '/'} ${error.message ?? 'invalid'}${error.params ? ` ${JSON.stringify(error.params)}` : ''}`,
    );
    return [{ definition, at, errors }];
  }

  /**
   * Validates one server→client frame: its envelope, then the payload definition that applies.
   * `requests` maps request ids to methods so `res` payloads can be checked against the method's result.
   */
  checkServerFrame(frame: unknown, requests: ReadonlyMap<string, string> = new Map()): SchemaViolation[] {
    if (!isObject(frame)) return [{ definition: 'frame', at: '', errors: ['not a JSON object'] }];
    if (frame['type'] === 'res') return this.#checkResponse(frame, requests);
    if (frame['type'] === 'event') return this.#checkEvent(frame);
    return [{ definition: 'frame', at: 'type', errors: [`server frames are res or event, got ${JSON.stringify(frame['type'])}`] }];
  }

  #checkResponse(frame: JsonObject, requests: ReadonlyMap<string, string>): SchemaViolation[] {
    const violations = this.check('ResponseFrame', frame);
    violations.push(...this.check('', frame, 'root oneOf'));
    const payload = frame['payload'];
    const error = frame['error'];
    if (frame['ok'] === false) {
      if (!isObject(error)) violations.push({ definition: 'ResponseFrame', at: 'error', errors: ['ok:false needs an error'] });
      else violations.push(...this.#checkError(error));
      return violations;
    }
    if (isObject(payload) && payload['type'] === 'hello-ok') {
      violations.push(...this.check('HelloOk', payload, 'payload'));
      return violations;
    }
    const method = typeof frame['id'] === 'string' ? requests.get(frame['id']) : undefined;
    const definition = method === undefined ? undefined : this.resultDefinition(method);
    if (definition !== undefined) violations.push(...this.check(definition, payload, 'payload'));
    return violations;
  }

  #checkError(error: JsonObject): SchemaViolation[] {
    const violations = this.check('ErrorShape', error, 'error');
    const details = error['details'];
    const detailCode = isObject(details) ? details['code'] : undefined;
    // Detail codes the schema knows (MISSING_SCOPE, UNKNOWN_AGENT_ID, …) have closed shapes: ours must fit.
    const variants = (this.#definitions['GatewayErrorDetails'] as { anyOf: { properties: { code: { const: string } } }[] }).anyOf;
    const index = variants.findIndex((variant) => variant.properties.code.const === detailCode);
    if (index >= 0) violations.push(...this.check(`#/definitions/GatewayErrorDetails/anyOf/${index}`, details, 'error.details'));
    return violations;
  }

  #checkEvent(frame: JsonObject): SchemaViolation[] {
    const violations = this.check('EventFrame', frame);
    violations.push(...this.check('', frame, 'root oneOf'));
    const event = String(frame['event']);
    const payload = frame['payload'];
    const definition = EVENT_DEFINITIONS[event];
    if (definition !== undefined) violations.push(...this.check(definition, payload, 'payload'));
    if (event === 'presence') {
      // The schema has no presence-event definition; the payload is {presence: PresenceEntry[]}.
      const entries = isObject(payload) ? payload['presence'] : undefined;
      violations.push(...this.check('PresenceEntry[]', entries, 'payload.presence'));
    }
    return violations;
  }

  /** The schema definition for a method's result, if the schema has one. */
  resultDefinition(method: string): string | undefined {
    const explicit = RESULT_DEFINITIONS[method];
    if (explicit !== undefined) return explicit;
    const name = `${method.split(/[.\-_]/).map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('')}Result`;
    return this.hasDefinition(name) ? name : undefined;
  }

  #validator(definition: string): ValidateFunction {
    const cached = this.#cache.get(definition);
    if (cached !== undefined) return cached;
    const ref = definition === '' ? SCHEMA_ID : definition.startsWith('#') ? `${SCHEMA_ID}${definition}` : `${SCHEMA_ID}#/definitions/${definition}`;
    const validate = this.#ajv.getSchema(ref);
    if (validate === undefined) throw new Error(`protocol.schema.json has no ${definition}`);
    this.#cache.set(definition, validate);
    return validate;
  }
}

/** One line per violation, for assertion messages. */
export function formatViolations(violations: readonly SchemaViolation[], frame?: unknown): string {
  const lines = violations.map((v) => `${v.definition} at ${v.at || 'frame'}: ${v.errors.join('; ')}`);
  if (frame !== undefined) lines.push(`frame: ${JSON.stringify(frame).slice(0, 2000)}`);
  return lines.join('\n');
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
