/**
 * @module channels/telegram/format — model Markdown → Telegram HTML, and HTML → plain text for the retry.
 *
 * Telegram's HTML mode accepts a handful of tags and only the &lt; &gt; &amp; &quot; entities, so
 * every other `<`, `>` and `&` is escaped first (angle brackets in a reply broke OpenClaw's sends,
 * C5 #4071). Code is cut out before any inline rule runs, so `**` inside code stays literal. When
 * Telegram still rejects a message, the sender retries once with `htmlToPlainText`, keeping links
 * as `label (url)` as OpenClaw does (A10).
 */

/** Escapes text for Telegram HTML. */
export function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

function escapeAttribute(text: string): string {
  return escapeHtml(text).replaceAll('"', '&quot;');
}

/** Renders common Markdown (fences, inline code, bold, italic, strike, links, headings, quotes). */
export function markdownToTelegramHtml(markdown: string): string {
  const slots: string[] = [];
  const hold = (html: string): string => `\u0000${slots.push(html) - 1}\u0000`;
  let text = markdown.replace(/```([\w+-]*)[ \t]*\n([\s\S]*?)(?:\n?```|$)/g, (_whole, lang: string, code: string) =>
    hold(lang === '' ? `<pre><code>${escapeHtml(code)}</code></pre>` : `<pre><code class="language-${escapeAttribute(lang)}">${escapeHtml(code)}</code></pre>`),
  );
  text = text.replace(/`([^`\n]+)`/g, (_whole, code: string) => hold(`<code>${escapeHtml(code)}</code>`));
  text = text.replace(/\[([^\]\n]+)\]\((https?:\/\/[^\s)]+)\)/g, (_whole, label: string, url: string) => hold(`<a href="${escapeAttribute(url)}">${renderInline(escapeHtml(label))}</a>`));
  text = escapeHtml(text);
  text = text
    .split('\n')
    .map((line) => {
      const heading = /^#{1,6}\s+(.+)$/.exec(line);
      if (heading !== null) return `<b>${heading[1]}</b>`;
      return line;
    })
    .join('\n');
  text = renderQuotes(text);
  text = renderInline(text);
  return text.replace(/\u0000(\d+)\u0000/g, (_whole, index: string) => slots[Number(index)] ?? '');
}

/** Bold, italic and strike on already-escaped text. Underscores inside words (snake_case) stay. */
function renderInline(text: string): string {
  return text
    .replace(/\*\*(?=\S)([^*\n]*?\S)\*\*/g, '<b>$1</b>')
    .replace(/(^|[^\w])__(?=\S)([^_\n]*?\S)__(?!\w)/g, '$1<b>$2</b>')
    .replace(/(^|[^\w*])\*(?=[^\s*])([^*\n]*?[^\s*])\*(?!\w)/g, '$1<i>$2</i>')
    .replace(/(^|[^\w])_(?=[^\s_])([^_\n]*?[^\s_])_(?!\w)/g, '$1<i>$2</i>')
    .replace(/~~(?=\S)([^~\n]*?\S)~~/g, '<s>$1</s>');
}

/** Consecutive `&gt; ` lines (escaped `> `) become one blockquote. */
function renderQuotes(text: string): string {
  return text.replace(/(^|\n)((?:&gt; ?[^\n]*(?:\n|$))+)/g, (_whole, lead: string, block: string) => {
    const inner = block
      .replace(/\n$/, '')
      .split('\n')
      .map((line) => line.replace(/^&gt; ?/, ''))
      .join('\n');
    return `${lead}<blockquote>${inner}</blockquote>${block.endsWith('\n') ? '\n' : ''}`;
  });
}

/** Telegram HTML → what the user should read as plain text (links kept as `label (url)`). */
export function htmlToPlainText(html: string): string {
  return html
    .replace(/<a\s+href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/gi, (_whole, url: string, label: string) => {
      const plainLabel = label.replace(/<[^>]*>/g, '');
      return plainLabel === url ? url : `${plainLabel} (${url})`;
    })
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#(\d+);/g, (_whole, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&amp;/g, '&');
}
