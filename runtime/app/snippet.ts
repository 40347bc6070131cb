/**
 * Snippets: a window of the document text around the first highlighted term, HTML-escaped, with the
 * query's terms wrapped in `<mark>`. Spans come from the engine's analyser (UTF-16 offsets), so
 * stemmed matches ("running" for "run") are marked exactly as they were scored.
 */

export const SNIPPET_CHARS = 240;

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

/** Builds the snippet HTML of `text` given its highlight spans ([start, end) UTF-16, sorted). */
export function makeSnippet(
  text: string,
  spans: Array<[number, number]>,
  width = SNIPPET_CHARS,
): string {
  if (text.length === 0) return '';
  let start = 0;
  if (spans.length > 0 && text.length > width) {
    // Start a little before the first match so it reads in context; snap to a word boundary.
    start = Math.max(0, Math.min(spans[0]![0] - Math.floor(width / 4), text.length - width));
    if (start > 0) {
      const space = text.indexOf(' ', start);
      if (space !== -1 && space < spans[0]![0]) start = space + 1;
    }
  }
  let end = Math.min(text.length, start + width);
  if (end < text.length) {
    const space = text.lastIndexOf(' ', end);
    if (space > start + width / 2) end = space;
  }
  // Never cut a surrogate pair in half.
  if (end < text.length && /[\uD800-\uDBFF]/.test(text[end - 1] ?? '')) end--;
  let out = start > 0 ? '… ' : '';
  let pos = start;
  for (const [s, e] of spans) {
    if (e <= pos || s < start) continue;
    if (s >= end) break;
    out +=
      escapeHtml(text.slice(pos, s)) +
      '<mark>' +
      escapeHtml(text.slice(s, Math.min(e, end))) +
      '</mark>';
    pos = Math.min(e, end);
  }
  out += escapeHtml(text.slice(pos, end));
  if (end < text.length) out += ' …';
  return out;
}
