/**
 * Percent-encoding that does not decode to text (`%ZZ`, a truncated `%C3`, an encoded surrogate,
 * overlong UTF-8) is refused with a 400 naming the parameter, instead of being searched as the
 * literal characters (what a lenient decoder does). Checked once, on the raw URL, for the path and
 * every query parameter, before any route reads them.
 */
import { badField, type Problem } from './problem.js';

const ACCEPTED =
  'percent-encoded UTF-8 (every byte of a non-ASCII character as %XX, as encodeURIComponent writes it)';

/** Why the percent-encoding of `s` is malformed (with the offending escape), or undefined if it decodes. */
export function percentEncodingError(s: string): string | undefined {
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== '%') continue;
    const lead = hexByte(s, i);
    if (lead === undefined) return `"${s.slice(i, i + 3)}" is not % followed by two hex digits`;
    if (lead < 0x80) {
      i += 2;
      continue;
    }
    const start = i;
    if (lead < 0xc2 || lead > 0xf4) {
      return lead < 0xc0
        ? `"${s.slice(i, i + 3)}" is a UTF-8 continuation byte with no lead byte before it`
        : lead < 0xc2
          ? `"${s.slice(i, i + 3)}" begins an overlong UTF-8 encoding`
          : `"${s.slice(i, i + 3)}" is not a UTF-8 lead byte`;
    }
    const need = lead <= 0xdf ? 1 : lead <= 0xef ? 2 : 3;
    const bytes = [lead];
    for (let k = 0; k < need; k++) {
      const b = s[i + 3] === '%' ? hexByte(s, i + 3) : undefined;
      if (b === undefined || b < 0x80 || b > 0xbf)
        return `"${s.slice(start, i + 3)}" is an incomplete UTF-8 sequence (${need + 1} bytes expected)`;
      bytes.push(b);
      i += 3;
    }
    i += 2;
    const second = bytes[1]!;
    const seq = s.slice(start, i + 1);
    if ((lead === 0xe0 && second < 0xa0) || (lead === 0xf0 && second < 0x90))
      return `"${seq}" is an overlong UTF-8 encoding`;
    if (lead === 0xed && second > 0x9f)
      return `"${seq}" encodes a UTF-16 surrogate, not a character`;
    if (lead === 0xf4 && second > 0x8f) return `"${seq}" encodes a code point beyond U+10FFFF`;
  }
  return undefined;
}

function hexByte(s: string, percentAt: number): number | undefined {
  const hex = s.slice(percentAt + 1, percentAt + 3);
  return /^[0-9a-fA-F]{2}$/.test(hex) ? parseInt(hex, 16) : undefined;
}

/**
 * The 400 for the first malformed component of `url` (absolute or path-only), naming the query
 * parameter — or `pathField` for the path — or undefined when every component decodes.
 */
export function malformedUrlProblem(
  url: string,
  pathField: (path: string) => string,
): Problem | undefined {
  const scheme = url.indexOf('://');
  const start = scheme < 0 ? 0 : url.indexOf('/', scheme + 3);
  const q = url.indexOf('?', Math.max(start, 0));
  const path = start < 0 ? '' : url.slice(start, q < 0 ? url.length : q);
  const pathError = percentEncodingError(path);
  if (pathError) return badField(pathField(path), `must be ${ACCEPTED}: ${pathError}`);
  if (q < 0) return undefined;
  for (const pair of url.slice(q + 1).split('&')) {
    const eq = pair.indexOf('=');
    const rawName = eq < 0 ? pair : pair.slice(0, eq);
    const nameError = percentEncodingError(rawName);
    if (nameError)
      return badField(
        rawName.slice(0, 64),
        `is not a valid parameter name: it must be ${ACCEPTED}: ${nameError}`,
      );
    const valueError = eq < 0 ? undefined : percentEncodingError(pair.slice(eq + 1));
    if (valueError)
      return badField(
        decodeURIComponent(rawName.replace(/\+/g, ' ')),
        `must be ${ACCEPTED}: ${valueError}`,
      );
  }
  return undefined;
}
