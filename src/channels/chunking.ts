/**
 * @module channels/chunking — splits a long reply into messages a channel accepts.
 *
 * Breaks prefer a paragraph boundary, then a line break, then a sentence end, then a space; only a
 * run with none of those is cut hard. A fenced code block cut in two is closed at the end of one
 * chunk and reopened at the start of the next, so both render as code. No text is dropped
 * (OpenClaw silently lost replies over 4096 chars, C4).
 */

/** Splits `text` into chunks of at most `limit` characters. Empty text gives no chunks. */
export function chunkText(text: string, limit: number): string[] {
  if (limit < 16) throw new RangeError(`chunk limit ${limit} is too small`);
  const chunks: string[] = [];
  let rest = text.replace(/\s+$/, '');
  let reopenFence: string | undefined;
  while (rest.length > 0) {
    const prefix = reopenFence === undefined ? '' : `${reopenFence}\n`;
    // Leave room for a fence closer ("\n```") if this chunk ends inside a code block.
    const budget = limit - prefix.length - 4;
    if (prefix.length + rest.length <= limit) {
      chunks.push(prefix + rest);
      break;
    }
    const cut = findBreak(rest, budget);
    let piece = rest.slice(0, cut).replace(/\s+$/, '');
    rest = rest.slice(cut).replace(/^\s*\n/, '').replace(/^ +/, '');
    const fence = openFenceAfter(prefix + piece);
    if (fence !== undefined) piece += '\n```';
    chunks.push(prefix + piece);
    reopenFence = fence;
  }
  return chunks.filter((chunk) => chunk.trim().length > 0);
}

/** Index to cut `text` at so the head is ≤ `budget` chars, preferring natural boundaries. */
function findBreak(text: string, budget: number): number {
  const window = text.slice(0, budget);
  const minUseful = Math.floor(budget * 0.3);
  for (const pattern of [/\n\s*\n/g, /\n/g, /[.!?…](?=\s)/g, /\s/g]) {
    let best = -1;
    for (const match of window.matchAll(pattern)) {
      const end = (match.index ?? 0) + (pattern.source.startsWith('[') ? 1 : 0);
      if (end >= minUseful) best = end;
    }
    if (best > 0) return best;
  }
  return budget;
}

/** The opening fence (``` + language) left open at the end of `text`, if any. */
function openFenceAfter(text: string): string | undefined {
  let open: string | undefined;
  for (const match of text.matchAll(/^```(\S*)\s*$/gm)) {
    open = open === undefined ? `\`\`\`${match[1] ?? ''}` : undefined;
  }
  return open;
}
