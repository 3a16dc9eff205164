/**
 * @module protocol/methods/extensions — the methods Clawgate serves that OpenClaw does not publish:
 * extensions only Clawgate's own clients call. One list, so the method-scopes compat test can allow
 * exactly these and check that none takes a name OpenClaw has since published.
 */
import { EVENTS_RESUME_CONTRACTS } from './events.js';
import { EXEC_APPROVAL_RULE_CONTRACTS } from './exec-approvals.js';

export const CLAWGATE_EXTENSION_CONTRACTS = [...EVENTS_RESUME_CONTRACTS, ...EXEC_APPROVAL_RULE_CONTRACTS] as const;
