/**
 * @module test/helpers/netns — two simulated hosts for end-to-end tests: network namespaces joined by
 * a veth pair, each with its own loopback. Needs root and iproute2. Names carry the test's pid so
 * parallel runs (and other suites) never collide.
 */
import { execFileSync } from 'node:child_process';

export interface NamespacePair {
  host: string;
  laptop: string;
  hostAddress: string;
  laptopAddress: string;
  /** Prefix for commands that run "on" a namespace: ['ip', 'netns', 'exec', name]. */
  exec(ns: string): string[];
  destroy(): void;
}

function ip(args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Creates the pair; throws (with ip's message) when namespaces are unavailable. */
export function createNamespacePair(): NamespacePair {
  const id = process.pid % 100000;
  const host = `cgt-host-${id}`;
  const laptop = `cgt-laptop-${id}`;
  const vethHost = `cgth${id}`;
  const vethLaptop = `cgtl${id}`;
  const subnet = `10.${200 + (id % 50)}.${Math.floor(id / 50) % 250}`;
  const hostAddress = `${subnet}.1`;
  const laptopAddress = `${subnet}.2`;
  const destroy = (): void => {
    for (const ns of [host, laptop]) {
      // Processes left in the namespace (sshd session children survive their listener) go first.
      try {
        const pids = execFileSync('ip', ['netns', 'pids', ns], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().split(/\s+/).filter(Boolean);
        for (const pid of pids) {
          try {
            process.kill(Number(pid), 'SIGKILL');
          } catch {
            // already gone
          }
        }
      } catch {
        // namespace does not exist
      }
      try {
        ip(['netns', 'del', ns]);
      } catch {
        // not created
      }
    }
  };
  destroy();
  try {
    ip(['netns', 'add', host]);
    ip(['netns', 'add', laptop]);
    ip(['link', 'add', vethHost, 'type', 'veth', 'peer', 'name', vethLaptop]);
    ip(['link', 'set', vethHost, 'netns', host]);
    ip(['link', 'set', vethLaptop, 'netns', laptop]);
    ip(['-n', host, 'addr', 'add', `${hostAddress}/24`, 'dev', vethHost]);
    ip(['-n', laptop, 'addr', 'add', `${laptopAddress}/24`, 'dev', vethLaptop]);
    for (const [ns, dev] of [[host, vethHost], [laptop, vethLaptop]] as const) {
      ip(['-n', ns, 'link', 'set', 'lo', 'up']);
      ip(['-n', ns, 'link', 'set', dev, 'up']);
    }
  } catch (error) {
    destroy();
    throw error;
  }
  return { host, laptop, hostAddress, laptopAddress, exec: (ns) => ['ip', 'netns', 'exec', ns], destroy };
}
