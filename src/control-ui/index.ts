/** @module control-ui — the browser Control UI and WebChat, served by the gateway as a feature. */
export { createControlUiFeature, normalizeBasePath, type ControlUiFeatureOptions } from './feature.js';
