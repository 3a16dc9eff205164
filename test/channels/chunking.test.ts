import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chunkText } from '../../src/channels/index.js';

describe('chunkText', () => {
  it('keeps a short text as one chunk', () => {
    assert.deepEqual(chunkText('hello world', 4000), ['hello world']);
  });

  it('splits 12,000 characters of paragraphs into chunks of at most 4000 on paragraph boundaries, losing nothing', () => {
    const paragraphs = Array.from({ length: 40 }, (_, i) => `Paragraph ${i}: ${'word '.repeat(58).trim()}.`);
    const text = paragraphs.join('\n\n');
    const chunks = chunkText(text, 4000);
    assert.ok(chunks.length >= 3 && chunks.length <= 4, `got ${chunks.length} chunks`);
    for (const chunk of chunks) {
      assert.ok(chunk.length <= 4000, `chunk of ${chunk.length}`);
      assert.match(chunk, /^Paragraph \d+:/);
      assert.match(chunk, /\.$/);
    }
    assert.equal(chunks.join('\n\n'), text);
  });

  it('cuts a run without any break hard at the limit', () => {
    const chunks = chunkText('x'.repeat(9000), 4000);
    assert.deepEqual(chunks.map((chunk) => chunk.length), [3996, 3996, 1008]);
  });

  it('closes and reopens a code fence cut in two', () => {
    const code = Array.from({ length: 300 }, (_, i) => `line ${i} of the program`).join('\n');
    const chunks = chunkText(`Here:\n\n\`\`\`ts\n${code}\n\`\`\``, 2000);
    assert.ok(chunks.length > 1);
    for (const chunk of chunks) {
      assert.ok(chunk.length <= 2000);
      assert.equal((chunk.match(/^```/gm) ?? []).length % 2, 0, chunk.slice(0, 80));
    }
    assert.match(chunks[1]!, /^```ts\n/);
  });

  it('gives no chunk for blank text', () => {
    assert.deepEqual(chunkText('  \n ', 4000), []);
  });
});
