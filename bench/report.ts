/**
 * bench/RESULTS.md from a run's results: per corpus one table (rows as in issue 11, one column per
 * engine), the ratios of index-core wasm to Lucene, tantivy, MiniSearch and native, how the top 10s
 * agree, and which goals of issue 11 are met — and, for those that are not, what would close them.
 */
import { JS_LIBS, type EngineResult } from './engines.js';
import { compareTops, type Latency } from './stats.js';

export interface CorpusReport {
  name: string;
  docs: number;
  distinctDocs: number;
  corpusBytes: number;
  queries: number;
  distinctQueries: number;
  engines: EngineResult[];
}

export interface RunInfo {
  command: string;
  machine: string;
  versions: string[];
  date: string;
  seconds: number;
  loadBefore: string;
  loadAfter: string;
  runs: number;
  rounds: number;
  firstRuns: number;
  notes: string[];
}

const COLUMNS = [
  'wasm',
  'native',
  'lucene',
  'tantivy-k09b04',
  'tantivy',
  'minisearch',
  'orama',
  'lunr',
  'flexsearch',
];

const fin = (x: number | undefined): x is number => x !== undefined && Number.isFinite(x);
const num = (x: number | undefined, digits = 0) =>
  fin(x)
    ? x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : '—';
const us = (l: Latency | undefined) => (l ? `${num(l.mean)} / ${num(l.p99)}` : '—');
const ratio = (ours: number | undefined, theirs: number | undefined) =>
  fin(ours) && fin(theirs) && theirs > 0 ? ours / theirs : NaN;
const times = (r: number) => (Number.isFinite(r) ? `${r.toFixed(2)}×` : '—');
const yes = (b: boolean) => (b ? '**met**' : '**NOT met**');

function row(label: string, engines: EngineResult[], cell: (e: EngineResult) => string): string {
  return `| ${label} | ${engines.map((e) => (e.error ? '' : cell(e))).join(' | ')} |`;
}

function mainTable(c: CorpusReport, engines: EngineResult[]): string {
  const wasm = c.engines.find((e) => e.engine === 'wasm');
  const lines = [
    `| | ${engines.map((e) => (e.error ? `${e.label} (failed: ${e.error.replace(/\|/g, '/')})` : e.label)).join(' | ')} |`,
    `|---|${engines.map(() => '---:').join('|')}|`,
    row('docs indexed', engines, (e) => `${num(e.docs ?? c.docs)}${e.capped ? ' (capped)' : ''}`),
    row('top 10 + exact total: mean / p99 µs', engines, (e) => us(e.counted)),
    row('top 10 only: mean / p99 µs', engines, (e) =>
      (JS_LIBS as readonly string[]).includes(e.engine) ? `${us(e.top)} ¹` : us(e.top),
    ),
    row('hit page of the top 10: mean / p99 µs ³', engines, (e) => us(e.page)),
    row('build, 1 thread, s (whole process)', engines, (e) => num(e.buildS, 2)),
    row('build, 2 threads, s (whole process)', engines, (e) => num(e.build2S, 2)),
    row('open in a fresh process, ms', engines, (e) => num(e.openMs, 1)),
    row('first answer from process start, ms ²', engines, (e) =>
      fin(e.firstInsideMs)
        ? `${num(e.firstInsideMs)} (bundle) / ${num(e.firstMs)} wall`
        : num(e.firstMs),
    ),
    row('index size with stored documents, MB', engines, (e) =>
      num((e.indexBytes ?? NaN) / 1e6, 1),
    ),
    row('top 10 vs wasm: overlap / same order', engines, (e) => {
      if (e.engine === 'native') return e.sameHitsAsWasm ? 'same hits' : '**hits differ**';
      if (!wasm?.tops || !e.tops || e === wasm) return '';
      const t = compareTops(wasm.tops, e.tops);
      return `${t.overlap.toFixed(3)} / ${t.sameOrder}`;
    }),
  ];
  const notes = engines.filter((e) => e.note).map((e) => `${e.label}: ${e.note}`);
  return (
    lines.join('\n') +
    '\n\n¹ The JavaScript libraries score every match whatever is asked, so their one measurement is both rows' +
    ' (FlexSearch is not BM25). ² Wall clock from spawning a fresh process to its exit with the answer to the' +
    " corpus' first query (median of the first-answer runs); for wasm also from `performance.timeOrigin` to the" +
    ' answer inside the esbuild bundle, as a cold Lambda runs it. ³ What the app adds to a search: the top' +
    " 10's stored documents read and inflated, titles, snippets with the query's terms highlighted, external" +
    ' ids (`pageHits`, one call per page); measured for index-core only.' +
    (notes.length ? ` Notes: ${notes.join('; ')}.` : '') +
    '\n'
  );
}

interface Metric {
  label: string;
  get: (e: EngineResult) => number | undefined;
  /** Its entry in `HOW_TO_CLOSE`. */
  close: string;
}

const METRICS: Metric[] = [
  { label: 'top 10 + total, mean', get: (e) => e.counted?.mean, close: 'counted' },
  { label: 'top 10 + total, p99', get: (e) => e.counted?.p99, close: 'counted' },
  { label: 'top 10 only, mean', get: (e) => e.top?.mean, close: 'top' },
  { label: 'top 10 only, p99', get: (e) => e.top?.p99, close: 'top' },
  { label: 'build, 1 thread', get: (e) => e.buildS, close: 'build' },
  { label: 'build, 2 threads', get: (e) => e.build2S, close: 'build2' },
  { label: 'open', get: (e) => e.openMs, close: 'open' },
  { label: 'first answer (wall)', get: (e) => e.firstMs, close: 'first' },
  { label: 'index size', get: (e) => e.indexBytes, close: 'size' },
];

function ratioTable(c: CorpusReport): string {
  const wasm = c.engines.find((e) => e.engine === 'wasm' && !e.error);
  if (!wasm) return 'No ratios: no index-core wasm result.\n';
  const others = ['lucene', 'tantivy-k09b04', 'minisearch', 'native']
    .map((k) => c.engines.find((e) => e.engine === k && !e.error))
    .filter((e): e is EngineResult => !!e);
  const lines = [
    `| index-core wasm ÷ | ${others.map((o) => o.label).join(' | ')} |`,
    `|---|${others.map(() => '---:').join('|')}|`,
    ...METRICS.map(
      (m) =>
        `| ${m.label} | ${others.map((o) => times(ratio(m.get(wasm), m.get(o)))).join(' | ')} |`,
    ),
  ];
  return (
    lines.join('\n') +
    '\n\nBelow 1× index-core (wasm; `sir index --threads 1` and `--threads 2` against the same thread count) is faster or smaller.\n'
  );
}

function agreement(c: CorpusReport): string {
  const get = (k: string) => c.engines.find((e) => e.engine === k && !e.error && e.tops);
  const wasm = get('wasm');
  const lucene = get('lucene');
  const out: string[] = [];
  if (wasm)
    out.push(
      `- Exactness: index-core's pruned top 10 equals exhaustive scoring (the engine's \`exhaustive\` option) on ${wasm.exact} of ${c.queries} queries; ${wasm.withHits} of ${c.queries} queries have hits.`,
    );
  if (wasm?.luceneNormsTops && lucene) {
    const t = compareTops(wasm.luceneNormsTops, lucene.tops!);
    out.push(
      `- Top 10, index-core built with \`--norms lucene\` vs Lucene: mean overlap ${t.overlap.toFixed(3)}; same ids on ${t.sameSet} of ${t.queries} queries, same ids in the same order on ${t.sameOrder}.`,
    );
  }
  const pairs: [string, string, string][] = [
    ['wasm', 'lucene', 'index-core (exact lengths, the default) vs Lucene'],
    ['wasm', 'tantivy-k09b04', 'index-core vs tantivy k1 0.9 b 0.4'],
    ['lucene', 'tantivy-k09b04', 'Lucene vs tantivy k1 0.9 b 0.4'],
  ];
  for (const [a, b, label] of pairs) {
    const x = get(a);
    const y = get(b);
    if (!x || !y) continue;
    const t = compareTops(x.tops!, y.tops!);
    out.push(
      `- Top 10, ${label}: mean overlap ${t.overlap.toFixed(3)}; same ids on ${t.sameSet} of ${t.queries} queries, same ids in the same order on ${t.sameOrder}.`,
    );
  }
  return out.join('\n') + '\n';
}

// What bench/PROFILE.md found costs the most in each row that is behind, and so what would close it.
const COUNTED_NEXT =
  "a counted query of several short lists is scored and counted in one pass, as tantivy's union and Lucene's BooleanScorer do (bench/PROFILE.md, sixteenth pass); what is left on SciFact is the plan (analysis, dictionary lookups, cursors: about 19 of its 51 µs in WebAssembly) and WebAssembly's 1.6× over native on the pass's decoding and scoring, which a block layout SIMD128 decodes would cut (four interleaved lanes, an index format change)";
const TOP_NEXT =
  'natively index-core is ahead of Lucene on both rows (bench/PROFILE.md); the gap is WebAssembly\'s, 1.5–1.8× native, and on this machine runs minutes apart swing by more than what is left (bench/PROFILE.md: compare `node --import tsx bench/pairs.ts 6`, the two engines alternated in the same minutes). The two-term dense queries ("di da") no longer lead the 99th percentile (fourteenth pass: their essential postings are tested without a division and scored only where they can count); the slowest now hold several essential terms ("dizo bapa basi baki bi bavo": 25 thousand postings scored and 23.6 thousand candidates offered for 99 that pass), their time spread over seeks, unpacking and the accumulator. Next: impacts one level up, so that a window skips stretches of blocks, and a block layout SIMD128 decodes';
const BUILD_NEXT =
  "a small corpus' build is fixed costs and one core's work (bench/PROFILE.md, eighteenth pass): Node's start and the modules (about 60 ms), the WebAssembly code warming up (SciFact's first 5 of 31 slices take twice the time of the rest: lazy compilation, then Liftoff's code until V8 tiers the hot functions up), the spellings' dictionary lookups and the stored blocks' DEFLATE (about 14% each), writing the segment (about 50 ms) and the exit; a second thread does not pay under 16 MB, as two isolates warm up apart and share two cores and the merge adds 80–90 ms on SciFact: what would use it is a thread compressing the stored blocks while the other inverts, with nothing to merge";
const OPEN_NEXT =
  'open reads and checks the core (dictionary, lengths, ids, stored-block table: 3.5 MB of 72.1 MB at 100k) into WebAssembly memory where Lucene and tantivy map the file: reading the ids and the dictionary on demand too would leave the lengths';
const FIRST_NEXT =
  "from process start (bench/PROFILE.md, First answer, tenth pass): a cold GET /search is answered without Hono, zod, Node's fetch implementation, node:crypto, zlib or worker threads, and the core is read into WebAssembly memory without being zero-filled first (139 against 153 ms side by side). What is left is Node's own start (35–50 ms on this machine), the bundle's import with the engine's WebAssembly module (about 40 ms), the open (15 ms, 6 of it the core's CRC-32), and the first query and hit page before V8 has optimised anything (about 28 ms, a third of it compiling the search path): reading the ids and the dictionary keys on demand (see open) would cut the open";
const LUCENE_NEXT =
  "a query whose order still differs has to be read against Lucene's `explain()` (bench/PROFILE.md, thirteenth pass): two hits whose scores differ in the sixth digit can swap, as Lucene computes in 32-bit floats (SciFact's query 282: 3·10⁻⁶ of their value apart). The analysis departs from Lucene's in two places (`node --import tsx bench/analysis-diff.ts`: 38 of SciFact's 5,183 documents, none of the Zipf corpus'): Lucene's StandardTokenizer keeps emoji and pictographic symbols (©, ®, ™, ↔) as terms and its Porter filter stems terms with non-ASCII letters (\"gαs\" → \"gα\"); matching them is an analysis change the index must record";

/** What closes each goal that is not met: the largest costs in bench/PROFILE.md. */
const HOW_TO_CLOSE: Record<string, string> = {
  counted: COUNTED_NEXT,
  top: TOP_NEXT,
  build: BUILD_NEXT,
  build2: BUILD_NEXT,
  open: OPEN_NEXT,
  first: FIRST_NEXT,
  size: "what the index holds beyond Lucene's is skip data and checksums: a meta per postings block (about ten bytes, with the block's exact BM25 bound) where Lucene keeps none for a term in fewer than 128 documents, and two CRC-32s per term so that a term's postings and positions are read and checked alone; positions pay two bytes for most first positions past the 256-position gap between source fields",
  lucene: LUCENE_NEXT,
};

function goals(c: CorpusReport): string {
  const find = (k: string) => c.engines.find((e) => e.engine === k && !e.error);
  const wasm = find('wasm');
  if (!wasm) return '- No goals evaluated: no index-core wasm result.\n';
  const lucene = find('lucene');
  const tantivy = find('tantivy-k09b04');
  const mini = find('minisearch');
  const out: string[] = [];
  const close = new Set<string>();
  const check = (ok: boolean, key: string) => {
    if (!ok) close.add(key);
    return yes(ok);
  };

  if (lucene) {
    const rows: [string, number | undefined, number | undefined, string, string][] = [
      ['top 10 + total, mean', wasm.counted?.mean, lucene.counted?.mean, 'counted', 'µs'],
      ['top 10 + total, p99', wasm.counted?.p99, lucene.counted?.p99, 'counted', 'µs'],
      ['top 10 only, mean', wasm.top?.mean, lucene.top?.mean, 'top', 'µs'],
      ['top 10 only, p99', wasm.top?.p99, lucene.top?.p99, 'top', 'µs'],
      ['build (ours one thread, Lucene one thread)', wasm.buildS, lucene.buildS, 'build', 's'],
      ['open in a fresh process', wasm.openMs, lucene.openMs, 'open', 'ms'],
      ['first answer from process start (wall)', wasm.firstMs, lucene.firstMs, 'open', 'ms'],
      [
        'index size',
        (wasm.indexBytes ?? NaN) / 1e6,
        (lucene.indexBytes ?? NaN) / 1e6,
        'size',
        'MB',
      ],
    ];
    const met = rows.filter(([, a, b]) => fin(a) && fin(b) && a < b).length;
    out.push(
      `- **Ahead of Lucene on every row** — ${met} of ${rows.length} rows: ${yes(met === rows.length)}`,
    );
    for (const [label, a, b, key, unit] of rows) {
      const d = unit === 's' ? 2 : unit === 'MB' ? 1 : 0;
      out.push(
        `  - ${label}: ${num(a, d)} vs ${num(b, d)} ${unit} (${times(ratio(a, b))}) — ${check(fin(a) && fin(b) && a < b, key)}`,
      );
    }
  } else out.push('- Ahead of Lucene: not evaluated (no Lucene result).');

  if (tantivy) {
    const rows: [string, number | undefined, number | undefined, string][] = [
      ['top 10 + total, mean', wasm.counted?.mean, tantivy.counted?.mean, 'counted'],
      ['top 10 only, mean', wasm.top?.mean, tantivy.top?.mean, 'top'],
      ["build (ours two threads, tantivy's two threads)", wasm.build2S, tantivy.build2S, 'build2'],
    ];
    const within = rows.filter(([, a, b]) => ratio(a, b) <= 1.3).length;
    out.push(
      `- **Within 1.3× of tantivy (k1 0.9 b 0.4) on query latency and build** — ${within} of ${rows.length}: ${yes(within === rows.length)}`,
    );
    for (const [label, a, b, key] of rows)
      out.push(`  - ${label}: ${times(ratio(a, b))} — ${check(ratio(a, b) <= 1.3, key)}`);
    const beaten = METRICS.filter((m) => ratio(m.get(wasm), m.get(tantivy)) < 1).map(
      (m) => m.label,
    );
    out.push(
      `- Beating tantivy outright (the next step): ahead on ${beaten.length} of ${METRICS.length} rows${beaten.length ? ` (${beaten.join(', ')})` : ''}.`,
    );
    // What would close each row still behind, one sentence for the rows that share it.
    const behind = new Map<string, string[]>();
    for (const m of METRICS) {
      const how = HOW_TO_CLOSE[m.close]!;
      if (!(ratio(m.get(wasm), m.get(tantivy)) < 1))
        behind.set(how, [...(behind.get(how) ?? []), m.label]);
    }
    for (const [how, labels] of behind) out.push(`  - behind on ${labels.join(', ')}: ${how}.`);
  } else out.push('- Within 1.3× of tantivy: not evaluated (no tantivy result).');

  if (c.docs >= 100_000)
    out.push(
      `- **First answer over ${num(c.docs)} documents in under 150 ms from process start through the built bundle**: ${num(wasm.firstInsideMs)} ms — ${check((wasm.firstInsideMs ?? Infinity) < 150, 'first')}`,
    );
  out.push(
    `- **Exact** (pruned top 10 = exhaustive on every query): ${wasm.exact} of ${c.queries} — ${yes(wasm.exact === c.queries)}`,
  );
  if (mini)
    out.push(
      `- Far ahead of the JavaScript libraries: MiniSearch's mean top-10 latency is ${num(ratio(mini.top?.mean, wasm.top?.mean), 0)}× ours${mini.capped || (mini.note ?? '').includes('queries') ? ` (MiniSearch: ${mini.note})` : ''}.`,
    );
  if (lucene?.tops && wasm.luceneNormsTops) {
    const t = compareTops(wasm.luceneNormsTops, lucene.tops);
    const ok = t.sameOrder === t.queries;
    if (!ok) close.add('lucene');
    out.push(
      `- Same top 10 as Lucene on every query (the \`--norms lucene\` goal, the index built with \`--norms lucene\`): ${t.sameOrder} of ${t.queries} in the same order, ${t.sameSet} the same ids — ${yes(ok)}`,
    );
  }
  if (close.size)
    out.push(
      '',
      'What would close the rest:',
      '',
      ...[...close].map((k) => `- ${HOW_TO_CLOSE[k]}.`),
    );
  return out.join('\n') + '\n';
}

export function corpusSection(c: CorpusReport): string {
  const engines = COLUMNS.map((k) => c.engines.find((e) => e.engine === k)).filter(
    (e): e is EngineResult => !!e,
  );
  return [
    `## ${c.name}: ${num(c.docs)} documents (${num(c.distinctDocs)} distinct), ${num(c.corpusBytes / 1e6, 1)} MB JSONL; ${num(c.queries)} queries (${num(c.distinctQueries)} distinct, ${num(engines.find((e) => fin(e.withHits))?.withHits)} with hits)`,
    '',
    mainTable(c, engines),
    '### Ratios',
    '',
    ratioTable(c),
    '### Agreement',
    '',
    agreement(c),
    '### Goals of issue 11',
    '',
    goals(c),
  ].join('\n');
}

export function render(info: RunInfo, corpora: CorpusReport[], method: string): string {
  return [
    '# Benchmark results',
    '',
    `Command: \`${info.command}\`; ${info.date}; ${Math.round(info.seconds)} s in all.`,
    `Machine: ${info.machine}; load average ${info.loadBefore} before, ${info.loadAfter} after (the machine is shared: numbers are as good as its quietest minutes).`,
    `Versions: ${info.versions.join('; ')}.`,
    `Each engine runs alone, in fresh processes: ${info.runs} build processes and ${info.runs} query processes per engine (medians of their numbers), ${info.rounds} timed rounds per query after 3 warm-up passes, ${info.firstRuns} first-answer processes; the engines' processes are taken in turn (wasm, native, Lucene, tantivy, the libraries, then wasm again), never two at once.`,
    '',
    ...info.notes.map((n) => `${n}\n`),
    ...corpora.map(corpusSection),
    method,
  ].join('\n');
}
