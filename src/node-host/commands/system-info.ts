/** @module node-host/commands/system-info — `system.info`: what this host is. */
import { arch, cpus, freemem, hostname, platform, release, totalmem, uptime } from 'node:os';
import { CLAWGATE_VERSION } from '../../protocol/index.js';
import type { CommandHandler } from './types.js';

export const systemInfo: CommandHandler = async () => ({
  hostname: hostname(),
  platform: platform(),
  release: release(),
  arch: arch(),
  cpuCount: cpus().length,
  memoryTotalBytes: totalmem(),
  memoryFreeBytes: freemem(),
  uptimeSeconds: Math.round(uptime()),
  nodeVersion: process.version,
  clawgateVersion: CLAWGATE_VERSION,
});
