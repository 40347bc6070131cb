/**
 * A seeded synthetic corpus for benchmarks and tests: documents whose words follow a Zipf law over a
 * synthetic vocabulary, with log-normal body lengths and short titles, and queries of 1–6 terms drawn
 * from the same distribution.
 *
 * Words are consonant–vowel syllables (consonants `bdfgkmnprsvz`, vowels `aio`), numbered
 * bijectively from their frequency rank, so every word is unique, frequent words are short, and no
 * word is changed by the Porter stemmer or is a Lucene stop word ("no" is skipped) — every engine
 * sees the same terms whatever its analysis.
 *
 * `writeZipfCorpus(path)` writes JSONL lines `{"_id","title","text"}`; `zipfQueries()` returns
 * queries. Both are deterministic for a given seed.
 */
import { createWriteStream, existsSync, mkdirSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';

export interface ZipfOptions {
  docs: number;
  vocabulary: number;
  /** Zipf exponent s: P(rank r) ∝ 1 / r^s. */
  exponent: number;
  /** Mean body length in tokens (log-normal, sigma below). */
  meanLength: number;
  sigma: number;
  seed: number;
}

export const DEFAULT_ZIPF: ZipfOptions = {
  docs: 100_000,
  vocabulary: 50_000,
  exponent: 1.0,
  meanLength: 150,
  sigma: 0.6,
  seed: 42,
};

/**
 * mulberry32: a small, fast, seeded PRNG returning floats in [0, 1). Integer-only (32-bit state,
 * `Math.imul`), so it never loses low bits to double rounding the way a generator that multiplies
 * in doubles does and then cycles early: its period is 2^32 draws, far beyond the ~20 million a
 * 100k-document corpus takes (bench/run.ts counts distinct documents in every report).
 */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CONSONANTS = 'bdfgkmnprsvz';
const VOWELS = 'aio';
const SYLLABLES: string[] = [];
for (const c of CONSONANTS) for (const v of VOWELS) SYLLABLES.push(c + v);

/** The vocabulary, most frequent first. */
export function vocabulary(n: number): string[] {
  const words: string[] = [];
  const k = SYLLABLES.length;
  for (let i = 0; words.length < n; i++) {
    // Bijective base-k numbering: 0..k-1 one syllable, then k..k+k²-1 two, ...
    let x = i;
    let w = '';
    for (;;) {
      w = SYLLABLES[x % k] + w;
      x = Math.floor(x / k) - 1;
      if (x < 0) break;
    }
    if (w !== 'no') words.push(w);
  }
  return words;
}

/** Draws ranks 0..n-1 with P(r) ∝ 1/(r+1)^s (inverse CDF by binary search). */
export function zipfSampler(n: number, s: number, rand: () => number): () => number {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let r = 0; r < n; r++) cdf[r] = sum += 1 / Math.pow(r + 1, s);
  for (let r = 0; r < n; r++) cdf[r]! /= sum;
  return () => {
    const u = rand();
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

function gaussian(rand: () => number): number {
  const u = 1 - rand();
  const v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Yields the corpus' documents in order. */
export function* zipfDocuments(
  o: ZipfOptions = DEFAULT_ZIPF,
): Generator<{ _id: string; title: string; text: string }> {
  const rand = rng(o.seed);
  const words = vocabulary(o.vocabulary);
  const draw = zipfSampler(o.vocabulary, o.exponent, rand);
  const mu = Math.log(o.meanLength) - (o.sigma * o.sigma) / 2;
  const phrase = (len: number) => {
    const out = new Array<string>(len);
    for (let i = 0; i < len; i++) out[i] = words[draw()]!;
    return out.join(' ');
  };
  for (let d = 0; d < o.docs; d++) {
    const len = Math.max(5, Math.min(3000, Math.round(Math.exp(mu + o.sigma * gaussian(rand)))));
    const titleLen = 5 + Math.floor(rand() * 8);
    yield { _id: `d${d}`, title: phrase(titleLen), text: phrase(len) };
  }
}

/** Writes the corpus as JSONL to `path` unless it is already there; returns whether it wrote. */
export async function writeZipfCorpus(
  path: string,
  o: ZipfOptions = DEFAULT_ZIPF,
): Promise<boolean> {
  if (existsSync(path)) return false;
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp`;
  const out = createWriteStream(tmp);
  let batch: string[] = [];
  for (const doc of zipfDocuments(o)) {
    batch.push(JSON.stringify(doc));
    if (batch.length === 1000) {
      if (!out.write(batch.join('\n') + '\n'))
        await new Promise<void>((r) => out.once('drain', () => r()));
      batch = [];
    }
  }
  if (batch.length) out.write(batch.join('\n') + '\n');
  await new Promise<void>((resolve, reject) =>
    out.end((err?: Error | null) => (err ? reject(err) : resolve())),
  );
  renameSync(tmp, path);
  return true;
}

/**
 * `count` distinct queries (no two with the same set of terms) of 1–6 distinct terms drawn from the
 * corpus' term distribution (own seed).
 */
export function zipfQueries(
  count: number,
  o: ZipfOptions = DEFAULT_ZIPF,
  seed = o.seed + 1,
): string[] {
  const rand = rng(seed);
  const words = vocabulary(o.vocabulary);
  const draw = zipfSampler(o.vocabulary, o.exponent, rand);
  const queries: string[] = [];
  const seen = new Set<string>();
  while (queries.length < count) {
    const n = 1 + Math.floor(rand() * 6);
    const terms = new Set<string>();
    while (terms.size < n) terms.add(words[draw()]!);
    const key = [...terms].sort().join(' ');
    if (seen.has(key)) continue;
    seen.add(key);
    queries.push([...terms].join(' '));
  }
  return queries;
}
