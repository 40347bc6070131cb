/**
 * What the first bytes of a JSONL corpus may hold besides JSON: a UTF-8 byte-order mark (some
 * editors and Windows tools write one) is skipped, and line ends of CR alone (classic Mac OS),
 * which would make the whole file one line of "invalid JSON", are named for what they are.
 */
import { EngineError } from './engine-error.js';

const BOM = [0xef, 0xbb, 0xbf];
const CR = 0x0d;
const LF = 0x0a;

const isSpace = (b: number | undefined) => b === 0x20 || b === 0x09 || b === CR || b === LF;

/**
 * The number of leading bytes to skip (3 for a byte-order mark, else 0). Throws a `bad-document`
 * `EngineError` when the first line ends in a CR that no LF follows and that sits between two
 * JSON objects (`}␍{`): inside an object a lone CR is legal JSON whitespace.
 */
export function corpusStart(head: Uint8Array): number {
  const skip = BOM.every((b, i) => head[i] === b) ? BOM.length : 0;
  const firstLf = head.indexOf(LF, skip);
  const end = firstLf === -1 ? head.length : firstLf;
  for (let i = head.indexOf(CR, skip); i !== -1 && i < end; i = head.indexOf(CR, i + 1)) {
    if (head[i + 1] === LF) continue;
    let before = i - 1;
    while (before >= skip && isSpace(head[before])) before--;
    let after = i + 1;
    while (after < head.length && isSpace(head[after])) after++;
    if (head[before] === 0x7d && head[after] === 0x7b)
      throw new EngineError(
        'bad-document',
        'line 1: the corpus ends its lines with CR alone (classic Mac OS line ends); JSONL needs LF or CRLF: convert it, for example with tr "\\r" "\\n"',
      );
  }
  return skip;
}
