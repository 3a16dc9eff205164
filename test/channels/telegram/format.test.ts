import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { htmlToPlainText, markdownToTelegramHtml } from '../../../src/channels/telegram/index.js';

describe('markdownToTelegramHtml', () => {
  it('renders bold, italic, strike, inline code, links and headings', () => {
    assert.equal(markdownToTelegramHtml('**b** *i* _j_ ~~s~~ `c` [l](https://e.com/a?b=1&c=2)'), '<b>b</b> <i>i</i> <i>j</i> <s>s</s> <code>c</code> <a href="https://e.com/a?b=1&amp;c=2">l</a>');
    assert.equal(markdownToTelegramHtml('# Title\ntext'), '<b>Title</b>\ntext');
  });

  it('escapes <, > and & everywhere and keeps markup inside code literal', () => {
    assert.equal(markdownToTelegramHtml('a < b && c > d'), 'a &lt; b &amp;&amp; c &gt; d');
    assert.equal(markdownToTelegramHtml('```js\nif (a < b) { x = **y** }\n```'), '<pre><code class="language-js">if (a &lt; b) { x = **y** }</code></pre>');
  });

  it('leaves snake_case and lone asterisks alone', () => {
    assert.equal(markdownToTelegramHtml('use my_var_name and 2 * 3 * 4'), 'use my_var_name and 2 * 3 * 4');
  });

  it('renders quotes as one blockquote', () => {
    assert.equal(markdownToTelegramHtml('> one\n> two\nafter'), '<blockquote>one\ntwo</blockquote>\nafter');
  });
});

describe('htmlToPlainText', () => {
  it('keeps links as "label (url)" and unescapes entities', () => {
    assert.equal(htmlToPlainText('<b>x</b> <a href="https://e.com">docs</a> &lt;tag&gt; &amp;'), 'x docs (https://e.com) <tag> &');
  });
});
