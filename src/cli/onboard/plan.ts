/**
 * @module cli/onboard/plan — what `clawgate onboard` writes, from the answers (pure, tested).
 *
 * Loopback + token is the default and needs no config at all (the gateway generates its token on
 * first start; onboard creates it right away so `gateway auth-token` works). A wider bind always
 * gets a secret in the config, because the gateway refuses a non-loopback bind without one.
 */
import { randomBytes } from 'node:crypto';
import { DEFAULT_GATEWAY_PORT, type BindMode } from '../../config/index.js';

export const ONBOARD_BINDS = ['loopback', 'lan', 'tailnet'] as const satisfies readonly BindMode[];
export type OnboardBind = (typeof ONBOARD_BINDS)[number];

export interface OnboardAnswers {
  bind: OnboardBind;
  port: number;
  auth: 'token' | 'password';
  /** A token or password the user gave; a token is generated when absent. */
  secret?: string | undefined;
  installService: boolean;
}

export interface OnboardPlan {
  /** Dotted config path → value, applied with config/edit (validated, atomic). */
  settings: [path: string, value: unknown][];
  /** Create the generated token file now (loopback + token without a given token). */
  shouldCreateGeneratedToken: boolean;
  /** Human lines describing the outcome (never a secret). */
  summary: string[];
}

/** A 256-bit base64url token. */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Turns answers into config settings; a password is required for password auth. */
export function planOnboarding(answers: OnboardAnswers, createToken: () => string = generateToken): OnboardPlan {
  const settings: [string, unknown][] = [['gateway.bind', answers.bind]];
  if (answers.port !== DEFAULT_GATEWAY_PORT) settings.push(['gateway.port', answers.port]);
  const summary = [`Bind: ${answers.bind}${answers.bind === 'loopback' ? ' (this machine only)' : ''}, port ${answers.port}`];
  let shouldCreateGeneratedToken = false;
  if (answers.auth === 'password') {
    settings.push(['gateway.auth.mode', 'password'], ['gateway.auth.password', answers.secret ?? '']);
    summary.push('Auth: password (stored in the config, mode 0600)');
  } else if (answers.secret !== undefined) {
    settings.push(['gateway.auth.mode', 'token'], ['gateway.auth.token', answers.secret]);
    summary.push('Auth: token (the one you gave, stored in the config, mode 0600)');
  } else if (answers.bind === 'loopback') {
    shouldCreateGeneratedToken = true;
    summary.push('Auth: token (generated into the state dir; `clawgate gateway auth-token` prints it)');
  } else {
    settings.push(['gateway.auth.mode', 'token'], ['gateway.auth.token', createToken()]);
    summary.push('Auth: token (generated, stored in the config, mode 0600; `clawgate gateway auth-token` prints it)');
  }
  return { settings, shouldCreateGeneratedToken, summary };
}
