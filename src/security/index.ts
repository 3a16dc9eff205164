/** @module security — `clawgate security audit`: configuration checks and the live `--deep` probe. */
export { auditConfiguration, summarize, type AuditFinding, type AuditInput, type Severity } from './audit.js';
export { probeGateway, type DeepProbeReport, type ProbeResult } from './probe.js';
export { estimateSecretBits, MINIMUM_TOKEN_BITS, RECOMMENDED_TOKEN_BITS } from './secret-strength.js';
