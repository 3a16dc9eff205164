/**
 * @module test/helpers/fake-tailscale — a FAKE `tailscale` executable, because Tailscale cannot run here.
 *
 * It is a real program put first on the gateway's PATH, so the gateway's code path (resolve on PATH,
 * spawn, parse stdout, exit status) is the production one. It implements the commands Clawgate uses,
 * with the JSON shapes of Tailscale 1.7x: `status --json` (BackendState, Self.DNSName,
 * Self.TailscaleIPs), `serve|funnel --bg --yes <target>`, `serve status --json` (Web handlers with a
 * Proxy), `serve|funnel reset`, and `whois --json <ip>` (UserProfile.LoginName/DisplayName; exit 1
 * "no match for IP" otherwise). Every call is appended to calls.log as a JSON argv line.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FakeTailscaleState {
  backendState: 'Running' | 'Stopped' | 'NeedsLogin';
  dnsName: string;
  /** ip → profile */
  whois: Record<string, { LoginName: string; DisplayName: string }>;
  /** When set, serve/funnel fail with this stderr line and exit 1. */
  failServe?: string;
}

export interface FakeTailscale {
  dir: string;
  /** env to hand to the gateway: PATH with the fake first, and where its state lives. */
  env: NodeJS.ProcessEnv;
  calls(): string[][];
  setState(state: Partial<FakeTailscaleState>): void;
}

const SCRIPT = String.raw`#!/usr/bin/env node
// FAKE tailscale CLI for Clawgate tests (see test/helpers/fake-tailscale.ts).
const fs = require('node:fs');
const path = require('node:path');
const dir = process.env.FAKE_TAILSCALE_DIR;
const statePath = path.join(dir, 'state.json');
const args = process.argv.slice(2);
fs.appendFileSync(path.join(dir, 'calls.log'), JSON.stringify(args) + '\n');
const state = JSON.parse(fs.readFileSync(statePath, 'utf8'));
const save = () => fs.writeFileSync(statePath, JSON.stringify(state));
const out = (value) => process.stdout.write(JSON.stringify(value, null, 2) + '\n');
const die = (message) => { process.stderr.write(message + '\n'); process.exit(1); };
const [command, ...rest] = args;
if (command === 'status' && rest[0] === '--json') {
  out({ Version: '1.76.1-fake', BackendState: state.backendState, Self: { DNSName: state.dnsName + '.', TailscaleIPs: ['100.101.102.103', 'fd7a:115c:a1e0::1'] } });
} else if ((command === 'serve' || command === 'funnel') && rest[0] === 'reset') {
  state.routes = {}; save();
} else if (command === 'serve' && rest[0] === 'status' && rest[1] === '--json') {
  const handlers = {};
  for (const [mount, proxy] of Object.entries(state.routes || {})) handlers[mount] = { Proxy: proxy };
  out(Object.keys(handlers).length === 0 ? {} : { TCP: { '443': { HTTPS: true } }, Web: { [state.dnsName + ':443']: { Handlers: handlers } }, AllowFunnel: state.funnel ? { [state.dnsName + ':443']: true } : undefined });
} else if ((command === 'serve' || command === 'funnel') && rest.includes('--bg')) {
  if (state.backendState !== 'Running') die('Tailscale is stopped.');
  if (state.failServe) die(state.failServe);
  const target = rest.filter((a) => !a.startsWith('--')).at(-1);
  const proxy = /^\d+$/.test(target) ? 'http://127.0.0.1:' + target : target;
  state.routes = { '/': proxy }; state.funnel = command === 'funnel'; save();
  process.stdout.write('Available within your tailnet:\n\nhttps://' + state.dnsName + '/\n|-- proxy ' + proxy + '\n\nServe started and running in the background.\n');
} else if (command === 'whois' && rest[0] === '--json') {
  const ip = rest[1];
  const profile = state.whois[ip];
  if (!profile) die('no match for IP "' + ip + '"');
  out({ Node: { ID: 1, Name: 'laptop.' + state.dnsName.split('.').slice(1).join('.') + '.', Addresses: [ip + '/32'] }, UserProfile: { ID: 2, LoginName: profile.LoginName, DisplayName: profile.DisplayName, ProfilePicURL: '' } });
} else {
  die('fake tailscale: unsupported command: ' + args.join(' '));
}
`;

/** Writes the fake into a fresh temp dir and returns how to use it. */
export function createFakeTailscale(initial: Partial<FakeTailscaleState> = {}): FakeTailscale {
  const dir = mkdtempSync(join(tmpdir(), 'clawgate-fake-tailscale-'));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'tailscale'), SCRIPT);
  chmodSync(join(bin, 'tailscale'), 0o755);
  const statePath = join(dir, 'state.json');
  const write = (state: FakeTailscaleState & { routes?: unknown }): void => writeFileSync(statePath, JSON.stringify(state));
  write({ backendState: 'Running', dnsName: 'gw.tail1234.ts.net', whois: {}, ...initial });
  return {
    dir,
    env: { PATH: `${bin}:${process.env['PATH'] ?? ''}`, FAKE_TAILSCALE_DIR: dir },
    calls: () => {
      const log = join(dir, 'calls.log');
      if (!existsSync(log)) return [];
      return readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as string[]);
    },
    setState: (patch) => write({ ...(JSON.parse(readFileSync(statePath, 'utf8')) as FakeTailscaleState), ...patch }),
  };
}
