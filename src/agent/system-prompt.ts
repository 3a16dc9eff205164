/**
 * @module agent/system-prompt — the agent's instructions: a short base, `agents.defaults.systemPrompt`,
 * then the workspace files OpenClaw users keep (AGENTS.md, SOUL.md), read at each run start and
 * capped so one large file cannot crowd out the conversation.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Largest part of one workspace file used, in characters. */
export const MAX_WORKSPACE_FILE_CHARS = 20_000;
export const WORKSPACE_FILES = ['AGENTS.md', 'SOUL.md'] as const;

const BASE = [
  'You are a personal assistant running on a Clawgate gateway.',
  'To run a command on one of the user\'s machines, call exec with host "node" (and node when several are connected).',
  'Use the nodes tool to see which nodes exist.',
].join(' ');

export function buildSystemPrompt(options: { configured?: string | undefined; workspaceDir?: string | undefined }): string {
  const parts = [BASE];
  if (options.configured !== undefined && options.configured.trim() !== '') parts.push(options.configured.trim());
  if (options.workspaceDir !== undefined) {
    for (const name of WORKSPACE_FILES) {
      const text = readOptional(join(options.workspaceDir, name));
      if (text === undefined || text.trim() === '') continue;
      const capped = text.length > MAX_WORKSPACE_FILE_CHARS ? `${text.slice(0, MAX_WORKSPACE_FILE_CHARS)}\n[${name} truncated]` : text;
      parts.push(`## ${name}\n${capped.trim()}`);
    }
  }
  return parts.join('\n\n');
}

function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
