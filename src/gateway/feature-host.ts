/**
 * @module gateway/feature-host — checks the features handed to the gateway and runs their hooks in order.
 *
 * Start-up refuses, with coded errors, a feature registered twice, a missing dependency, a dependency
 * cycle, and migrations owned by someone else. Hooks run in dependency order (`onReady`) and in
 * reverse at stop (`preClose`, `onClose`), as fastify runs plugins.
 */
import { GatewayError, type EventDefinition, type HealthSummary, type StatusResult } from '../protocol/index.js';
import type { Logger } from '../logging/index.js';
import type { Migration } from '../store/index.js';
import type { FeatureConfigSection, FeatureContext, GatewayFeature, SessionDefaults } from './feature.js';
import type { HttpRoute } from './http/router.js';
import type { MethodDefinition } from './method-registry.js';
import type { DispatchHooks } from './dispatch-hooks.js';

/** Returns the features in dependency order (stable: otherwise as given), or throws a coded error. */
export function orderFeatures(features: readonly GatewayFeature[]): GatewayFeature[] {
  const byName = new Map<string, GatewayFeature>();
  for (const feature of features) {
    if (byName.has(feature.name)) throw new GatewayError('DUPLICATE_FEATURE', { feature: feature.name });
    byName.set(feature.name, feature);
  }
  for (const feature of features) {
    for (const dependency of feature.dependsOn ?? []) {
      if (!byName.has(dependency)) throw new GatewayError('FEATURE_DEPENDENCY_MISSING', { feature: feature.name, dependency });
    }
  }
  const ordered: GatewayFeature[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (feature: GatewayFeature, path: string[]): void => {
    const seen = state.get(feature.name);
    if (seen === 'done') return;
    if (seen === 'visiting') throw new GatewayError('FEATURE_DEPENDENCY_CYCLE', { cycle: [...path, feature.name].join(' → ') });
    state.set(feature.name, 'visiting');
    for (const dependency of feature.dependsOn ?? []) visit(byName.get(dependency)!, [...path, feature.name]);
    state.set(feature.name, 'done');
    ordered.push(feature);
  };
  for (const feature of features) visit(feature, []);
  return ordered;
}

/** Every feature's config section (for the config loader, before anything starts). */
export function featureConfigSections(features: readonly GatewayFeature[]): FeatureConfigSection[] {
  return features.flatMap((feature) => (feature.config === undefined ? [] : [feature.config]));
}

/** Every feature's migrations, in feature order; each must be owned by its feature. */
export function featureMigrations(features: readonly GatewayFeature[]): Migration[] {
  return features.flatMap((feature) =>
    (feature.migrations ?? []).map((migration) => {
      if (migration.owner !== feature.name) {
        throw new GatewayError('MIGRATION_INVALID', { owner: feature.name, reason: `"${migration.name}" is owned by ${migration.owner}` });
      }
      return migration;
    }),
  );
}

export class FeatureHost {
  /** In dependency order. */
  readonly features: readonly GatewayFeature[];
  readonly #logger: Logger;
  readonly #started: GatewayFeature[] = [];

  constructor(features: readonly GatewayFeature[], logger: Logger) {
    this.features = orderFeatures(features);
    this.#logger = logger;
  }

  methodFamilies(): (readonly MethodDefinition[])[] {
    return this.features.flatMap((feature) => (feature.methods === undefined ? [] : [feature.methods]));
  }

  events(): EventDefinition[] {
    return this.features.flatMap((feature) => feature.events ?? []);
  }

  migrations(): Migration[] {
    return featureMigrations(this.features);
  }

  httpRoutes(): HttpRoute[] {
    return this.features.flatMap((feature) => feature.httpRoutes ?? []);
  }

  dispatchHooks(): DispatchHooks[] {
    return this.features.flatMap((feature) => (feature.dispatchHooks === undefined ? [] : [feature.dispatchHooks]));
  }

  /** Runs `onReady` in order; on a failure, closes the ones already started and throws FEATURE_START_FAILED. */
  async start(contextFor: (feature: GatewayFeature) => FeatureContext): Promise<void> {
    for (const feature of this.features) {
      try {
        await feature.onReady?.(contextFor(feature));
      } catch (error) {
        this.#logger.error({ feature: feature.name, err: error }, 'feature failed to start');
        await this.close();
        if (error instanceof GatewayError) throw error;
        throw new GatewayError('FEATURE_START_FAILED', { feature: feature.name, reason: error instanceof Error ? error.message : 'unknown' });
      }
      this.#started.push(feature);
    }
  }

  /** `preClose` of every started feature, newest first; failures are logged, never stop the shutdown. */
  async preClose(): Promise<void> {
    for (const feature of [...this.#started].reverse()) await this.#safely(feature, 'preClose', () => feature.preClose?.());
  }

  /** `onClose` of every started feature, newest first. */
  async close(): Promise<void> {
    for (const feature of this.#started.splice(0).reverse()) await this.#safely(feature, 'onClose', () => feature.onClose?.());
  }

  /** Runs on every `health` call: features without a contribution cost nothing, the others no closure. */
  contributeHealth(snapshot: HealthSummary): void {
    for (const feature of this.features) {
      if (feature.contributeHealth === undefined) continue;
      try {
        feature.contributeHealth(snapshot);
      } catch (error) {
        this.#logger.error({ feature: feature.name, hook: 'contributeHealth', err: error }, 'feature hook failed');
      }
    }
  }

  contributeStatus(status: StatusResult): void {
    for (const feature of this.features) this.#safelySync(feature, 'contributeStatus', () => feature.contributeStatus?.(status));
  }

  /** The session defaults of the last feature that offers them, if any. */
  sessionDefaults(): SessionDefaults | undefined {
    let defaults: SessionDefaults | undefined;
    for (const feature of this.features) defaults = feature.sessionDefaults?.() ?? defaults;
    return defaults;
  }

  /** Names of features that report not ready (a throwing check counts as not ready). */
  notReady(): string[] {
    return this.features
      .filter((feature) => {
        try {
          return feature.readiness?.().ready === false;
        } catch {
          return true;
        }
      })
      .map((feature) => feature.name);
  }

  async #safely(feature: GatewayFeature, hook: string, run: () => void | Promise<void>): Promise<void> {
    try {
      await run();
    } catch (error) {
      this.#logger.error({ feature: feature.name, hook, err: error }, 'feature hook failed');
    }
  }

  #safelySync(feature: GatewayFeature, hook: string, run: () => void): void {
    try {
      run();
    } catch (error) {
      this.#logger.error({ feature: feature.name, hook, err: error }, 'feature hook failed');
    }
  }
}
