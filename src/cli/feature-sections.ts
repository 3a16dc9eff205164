/**
 * @module cli/feature-sections — the config sections the daemon's features add (`models`, `channels` …),
 * so `config set` and `doctor` check a file exactly as the gateway will. Loaded on demand: only the
 * commands that validate a whole config pay for evaluating the features.
 */
import type { ConfigSection } from '../config/index.js';

/** The default features' config sections. */
export async function loadFeatureSections(): Promise<readonly ConfigSection[]> {
  const [{ DEFAULT_FEATURES }, { featureConfigSections }] = await Promise.all([import('../daemon/features.js'), import('../gateway/index.js')]);
  return featureConfigSections(DEFAULT_FEATURES);
}
