/**
 * Where index-core's analysis and Lucene's differ on a corpus: every document's terms (title, then
 * text) from index-core's default analyzer and from the same chain in Lucene's own classes
 * (bench/lucene's `terms`), compared document by document. Prints how many documents differ and
 * the differences most often seen (index-core's terms against Lucene's at the same place):
 *
 *   node --import tsx bench/analysis-diff.ts CORPUS.jsonl INDEX_DIR [TOP]
 *
 * INDEX_DIR is any index built with the default analysis (`sir index`), whose analyzer is used;
 * bench/lucene must be built (`npm run bench` builds it). A document analysed differently has
 * another length and other terms, and moves the average length every score uses: `--norms lucene`
 * reproduces Lucene's ranking only where the analysis is the same.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SearchIndex } from '../runtime/engine/index.js';
import { luceneCommand, run } from './engines.js';

const [corpus, indexDir, topArg = '20', ...rest] = process.argv.slice(2);
const top = Number(topArg);
if (!corpus || !indexDir || !Number.isInteger(top) || top < 1 || rest.length) {
  console.error('usage: node --import tsx bench/analysis-diff.ts CORPUS.jsonl INDEX_DIR [TOP]');
  process.exit(2);
}

const lucene = luceneCommand();
const scratch = mkdtempSync(join(tmpdir(), 'sir-analysis-'));
const termsFile = join(scratch, 'lucene-terms.tsv');
run(lucene.cmd, [...lucene.args, 'terms', corpus, termsFile], { env: lucene.env });
const theirs = readFileSync(termsFile, 'utf8')
  .split('\n')
  .filter((l) => l !== '')
  .map((l) =>
    l
      .split('\t')[1]!
      .split(' ')
      .filter((t) => t !== ''),
  );
rmSync(scratch, { recursive: true, force: true });
const index = SearchIndex.open(indexDir);
const ours = readFileSync(corpus, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => {
    const d = JSON.parse(l) as { title?: string; text?: string };
    return [...index.analyze(d.title ?? ''), ...index.analyze(d.text ?? '')].map((t) => t.term);
  });
index.free();
if (ours.length !== theirs.length)
  throw new Error(`${ours.length} documents analysed here, ${theirs.length} by Lucene`);

/** The stretches where `a` and `b` differ, each up to where they hold the same term again. */
function differences(a: string[], b: string[]): [string, string][] {
  const out: [string, string][] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (a[i] === b[j]) {
      i++;
      j++;
      continue;
    }
    // Resynchronise on the nearest term both hold again (differences are a term or two long).
    let best: [number, number] | undefined;
    for (let d = 1; d <= 8 && !best; d++)
      for (let x = 0; x <= d && !best; x++)
        if (a[i + x] !== undefined && a[i + x] === b[j + d - x]) best = [i + x, j + d - x];
    const [ni, nj] = best ?? [a.length, b.length];
    out.push([a.slice(i, ni).join(' '), b.slice(j, nj).join(' ')]);
    [i, j] = [ni, nj];
  }
  return out;
}

const seen = new Map<string, number>();
let docs = 0;
ours.forEach((a, d) => {
  const b = theirs[d]!;
  if (a.length === b.length && a.every((t, k) => t === b[k])) return;
  docs++;
  for (const [x, y] of differences(a, b)) {
    const key = `${JSON.stringify(x)} → Lucene ${JSON.stringify(y)}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
});
console.log(`${docs} of ${ours.length} documents analysed differently from Lucene.`);
for (const [key, n] of [...seen].sort((p, q) => q[1] - p[1]).slice(0, top))
  console.log(`${String(n).padStart(6)}  ${key}`);
