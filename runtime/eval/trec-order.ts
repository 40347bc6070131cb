/**
 * In which order does trec_eval see a run? Not in the order of the file, nor by `rank`.
 *
 * trec_eval (`form_res_rels.c`) sorts each query's results by score descending and breaks ties by
 * document id DESCENDING, comparing ids with `strcmp` (byte order of the UTF-8 text). Scores are
 * held in a C `float`, so two scores that differ only beyond single precision (e.g. `0.5` and
 * `0.50000001`) are a tie. A document that appears twice for one query makes trec_eval stop with
 * "duplicate docs"; we refuse it the same way rather than guess which copy counts.
 *
 * Consequence for rankers that break ties by ascending id (as our engine's top-k does): the
 * evaluation re-orders tied hits, exactly as trec_eval would on the written run file.
 */
import { EvalInputError, quote } from './input-error.js';
import type { RunHit } from './run-file.js';

/**
 * Returns the hits in trec_eval's order (a new array; the input is not changed).
 * @param qid used only in the error message.
 * @throws EvalInputError when a document appears twice, or a score is not a finite number.
 */
export function trecOrder(hits: readonly RunHit[], qid = ''): RunHit[] {
  const seen = new Set<string>();
  const keyed = hits.map((hit) => {
    if (seen.has(hit.docId)) {
      throw new EvalInputError(
        `document ${quote(hit.docId)} appears twice in the run for query ${quote(qid)}; trec_eval refuses duplicate documents`,
      );
    }
    seen.add(hit.docId);
    if (!Number.isFinite(hit.score)) {
      throw new EvalInputError(
        `score of document ${quote(hit.docId)} for query ${quote(qid)} is ${hit.score}; scores must be finite`,
      );
    }
    return { hit, score: Math.fround(hit.score) };
  });
  keyed.sort((a, b) => b.score - a.score || compareBytes(b.hit.docId, a.hit.docId));
  return keyed.map(({ hit }) => hit);
}

/**
 * `strcmp` on the UTF-8 encodings of `a` and `b`: negative, zero or positive. UTF-8 byte order is
 * code-point order, which differs from JavaScript's UTF-16 code-unit order (`a < b`) only when
 * characters above U+FFFF meet characters in U+E000–U+FFFF; we compare code points to be exact.
 */
export function compareBytes(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const surrogateX = x >= 0xd800 && x <= 0xdfff;
    const surrogateY = y >= 0xd800 && y <= 0xdfff;
    if (surrogateX === surrogateY) return x - y; // same kind: code units order like code points
    return surrogateX ? 1 : -1; // a surrogate starts a code point above U+FFFF: larger than any BMP unit
  }
  return a.length - b.length;
}
