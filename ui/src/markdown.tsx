/**
 * @module ui/markdown — model output as Markdown, built as DOM nodes (Preact vnodes), never as HTML.
 *
 * Text is only ever a text node: `<script>`, `<img onerror=…>` and friends from a model, a channel or
 * a session title show as the characters they are. Supported: paragraphs, headings, fenced and
 * inline code, bold, italic, lists, block quotes and links (http, https and mailto only; no
 * images, so no remote fetch). Anything else stays plain text.
 */
import type { ComponentChildren, JSX } from 'preact';

const SAFE_LINK = /^(https?:|mailto:)/i;

/** Renders one Markdown document. */
export function Markdown({ text }: { text: string }): JSX.Element {
  return <div class="md">{blocks(text)}</div>;
}

function blocks(text: string): ComponentChildren[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const out: ComponentChildren[] = [];
  let index = 0;
  let key = 0;
  while (index < lines.length) {
    const line = lines[index]!;
    const fence = /^\s*(```|~~~)\s*([\w+-]*)\s*$/.exec(line);
    if (fence !== null) {
      const body: string[] = [];
      index++;
      while (index < lines.length && !lines[index]!.trim().startsWith(fence[1]!)) body.push(lines[index++]!);
      index++;
      out.push(
        <pre key={key++} class="code" data-lang={fence[2] || undefined}>
          <code>{body.join('\n')}</code>
        </pre>,
      );
      continue;
    }
    if (line.trim() === '') {
      index++;
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading !== null) {
      const level = Math.min(heading[1]!.length + 2, 6);
      const Tag = `h${level}` as 'h3';
      out.push(<Tag key={key++}>{inline(heading[2]!)}</Tag>);
      index++;
      continue;
    }
    if (/^\s*>/.test(line)) {
      const quoted: string[] = [];
      while (index < lines.length && /^\s*>/.test(lines[index]!)) quoted.push(lines[index++]!.replace(/^\s*>\s?/, ''));
      out.push(<blockquote key={key++}>{blocks(quoted.join('\n'))}</blockquote>);
      continue;
    }
    const listMatch = /^\s*([-*+]|\d+[.)])\s+/.exec(line);
    if (listMatch !== null) {
      const isOrdered = /\d/.test(listMatch[1]!);
      const items: string[] = [];
      while (index < lines.length && /^\s*([-*+]|\d+[.)])\s+/.test(lines[index]!)) items.push(lines[index++]!.replace(/^\s*([-*+]|\d+[.)])\s+/, ''));
      const children = items.map((item, i) => <li key={i}>{inline(item)}</li>);
      out.push(isOrdered ? <ol key={key++}>{children}</ol> : <ul key={key++}>{children}</ul>);
      continue;
    }
    const paragraph: string[] = [];
    while (index < lines.length && lines[index]!.trim() !== '' && !/^\s*(```|~~~|#{1,6}\s|>|[-*+]\s|\d+[.)]\s)/.test(lines[index]!)) paragraph.push(lines[index++]!);
    if (paragraph.length === 0) paragraph.push(lines[index++]!);
    out.push(<p key={key++}>{withBreaks(paragraph)}</p>);
  }
  return out;
}

function withBreaks(lines: string[]): ComponentChildren[] {
  return lines.flatMap((line, i) => (i === 0 ? [inline(line)] : [<br key={`b${i}`} />, inline(line)]));
}

/** Inline spans: `code`, **bold**, *italic* / _italic_, [text](url). Everything else is text. */
export function inline(text: string): ComponentChildren[] {
  const out: ComponentChildren[] = [];
  // Underscore emphasis only at word edges (CommonMark): `PREEMPT_DYNAMIC x86_64` stays plain.
  const pattern = /`([^`]+)`|\*\*([^*]+)\*\*|(?<![A-Za-z0-9])__([^_]+)__(?![A-Za-z0-9])|\*([^*\s][^*]*)\*|(?<![A-Za-z0-9])_([^_\s][^_]*)_(?![A-Za-z0-9])|\[([^\]]+)\]\(([^)\s]+)\)/g;
  let last = 0;
  let key = 0;
  for (const match of text.matchAll(pattern)) {
    if (match.index > last) out.push(text.slice(last, match.index));
    if (match[1] !== undefined) out.push(<code key={key++}>{match[1]}</code>);
    else if (match[2] !== undefined || match[3] !== undefined) out.push(<strong key={key++}>{inline(match[2] ?? match[3]!)}</strong>);
    else if (match[4] !== undefined || match[5] !== undefined) out.push(<em key={key++}>{inline(match[4] ?? match[5]!)}</em>);
    else if (match[6] !== undefined) {
      const href = match[7]!;
      out.push(
        SAFE_LINK.test(href) ? (
          <a key={key++} href={href} target="_blank" rel="noopener noreferrer nofollow">
            {inline(match[6])}
          </a>
        ) : (
          match[0]
        ),
      );
    }
    last = match.index + match[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}
