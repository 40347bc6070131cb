/**
 * Snippets as HTML: the engine picks the window of a hit's text (around the first query term, the
 * work bounded however long the text) and locates the query's terms in it, stemmed forms included
 * ("running" for "run"); this escapes the window and wraps each term in `<mark>`.
 */
import type { ShapedHit } from '../engine/index.js';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ESCAPES[ch]!);
}

/** The snippet HTML of an engine window: escaped text, `<mark>` around each span, ellipses. */
export function renderSnippet({ text, cutBefore, cutAfter, spans }: ShapedHit['snippet']): string {
  let out = cutBefore ? '… ' : '';
  let pos = 0;
  for (const [s, e] of spans) {
    if (s < pos || e > text.length) continue;
    out += escapeHtml(text.slice(pos, s)) + '<mark>' + escapeHtml(text.slice(s, e)) + '</mark>';
    pos = e;
  }
  out += escapeHtml(text.slice(pos));
  if (cutAfter) out += ' …';
  return out;
}
