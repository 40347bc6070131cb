/**
 * `npm run bench` — index-core against Lucene, tantivy and the JavaScript libraries, side by side in
 * one run (not a test). `npm run bench -- --quick` is the development mode: a 10k-document corpus,
 * 100 queries, one process per measurement, short library caps; it writes bench/.work/quick/.
 *
 * For each corpus (the generated Zipf corpus, then SciFact when ../shared/data/scifact is there),
 * every engine runs alone, in fresh processes, the engines' processes taken in turn (engines.ts):
 * index-core wasm and native, Lucene, tantivy (as released and with BM25 patched to k1 0.9 b 0.4),
 * MiniSearch, Orama, lunr and FlexSearch. Writes bench/RESULTS.md (report.ts) and bench/results.json; keeps its working files
 * (corpus, indexes, builds of Lucene and tantivy) in bench/.work/.
 *
 * Env: BENCH_RUNS (fresh processes per engine and measurement, 3), BENCH_ENGINES (subset of
 * wasm,native,lucene,tantivy,minisearch,orama,lunr,flexsearch),
 * BENCH_CORPORA (zipf,scifact), BENCH_QUERIES (Zipf queries, 500), BENCH_SCIFACT (SciFact folder);
 * lib-runner's caps BENCH_BUILD_BUDGET_S, BENCH_FIRST_PASS_BUDGET_S, BENCH_QUERY_BUDGET_S.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_ZIPF, writeZipfCorpus, zipfQueries } from './corpus/zipf.js';
import {
  BENCH,
  benchExternal,
  benchLib,
  benchNative,
  benchWasm,
  buildLucene,
  buildTantivy,
  ENGINES,
  ourIndexDir,
  JS_LIBS,
  ROOT,
  WORK,
  type Corpus,
  type EngineResult,
  type External,
  type Measurement,
  type Settings,
} from './engines.js';
import { render, type CorpusReport } from './report.js';

const USAGE = 'usage: npm run bench [-- --quick]';
const args = process.argv.slice(2);
if (args.some((a) => a !== '--quick')) {
  console.error(`bench: unknown argument ${args.find((a) => a !== '--quick')}; ${USAGE}`);
  process.exit(2);
}
const QUICK = args.includes('--quick');

const list = (env: string | undefined, all: readonly string[], what: string): string[] => {
  const picked = (env ?? all.join(',')).split(',').filter(Boolean);
  const unknown = picked.find((p) => !all.includes(p));
  if (unknown) {
    console.error(`bench: unknown ${what} ${unknown} (known: ${all.join(', ')})`);
    process.exit(2);
  }
  return picked;
};
const engines = list(process.env.BENCH_ENGINES, ENGINES, 'engine');
const corpora = list(process.env.BENCH_CORPORA, ['zipf', 'scifact'], 'corpus');
const OUT = QUICK ? join(WORK, 'quick') : BENCH;

const log = (...a: unknown[]) => console.error('[bench]', ...a);

/** An integer ≥ 1 from the environment, or the default. */
function positive(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`bench: ${name} must be an integer ≥ 1, not ${JSON.stringify(v)}`);
    process.exit(2);
  }
  return n;
}
const settings: Settings = QUICK
  ? {
      runs: 1,
      rounds: 2,
      firstRuns: 3,
      libEnv: {
        BENCH_BUILD_BUDGET_S: process.env.BENCH_BUILD_BUDGET_S ?? '10',
        BENCH_FIRST_PASS_BUDGET_S: process.env.BENCH_FIRST_PASS_BUDGET_S ?? '5',
        BENCH_QUERY_BUDGET_S: process.env.BENCH_QUERY_BUDGET_S ?? '3',
      },
      log,
    }
  : { runs: positive('BENCH_RUNS', 3), rounds: 5, firstRuns: 5, libEnv: {}, log };

/** The SciFact folder: $BENCH_SCIFACT, or shared/data/scifact beside the clone or its parent. */
function scifactDir(): string | undefined {
  return [
    process.env.BENCH_SCIFACT,
    join(ROOT, '..', 'shared', 'data', 'scifact'),
    join(ROOT, '..', '..', 'shared', 'data', 'scifact'),
  ].find((d) => d && existsSync(join(d, 'corpus.jsonl')));
}

function scifactQueries(dir: string): string[] {
  const judged = new Set(
    readFileSync(join(dir, 'qrels', 'test.tsv'), 'utf8')
      .split('\n')
      .slice(1)
      .map((l) => l.split('\t')[0])
      .filter(Boolean),
  );
  return readFileSync(join(dir, 'queries.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { _id: string; text: string })
    .filter((q) => judged.has(q._id))
    .map((q) => q.text);
}

/** Documents and distinct documents (by title and text), for the report's counts. */
function countDocuments(path: string): { docs: number; distinct: number } {
  const seen = new Set<string>();
  let docs = 0;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const d = JSON.parse(line) as { title?: unknown; text?: unknown };
    seen.add(
      createHash('sha1')
        .update(`${String(d.title ?? '')}\n${String(d.text ?? '')}`)
        .digest('base64'),
    );
    docs++;
  }
  return { docs, distinct: seen.size };
}

function corpus(name: string, path: string, queries: string[]): Corpus {
  const queryFile = join(WORK, `${name}-queries.txt`);
  const oneLine = queries.map((q) => q.replace(/\s+/g, ' ').trim());
  writeFileSync(queryFile, oneLine.join('\n') + '\n');
  return { name, path, queryFile, queries: oneLine };
}

/**
 * Runs every picked engine on the corpus, taking their processes in turn (engines.ts,
 * `Measurement`): never two at once, but no engine's runs bunched into one stretch of the machine's
 * minutes. A failing engine becomes a failed column. The corpus' report joins `reports` at once
 * and `save` runs as each engine finishes, so a run cut short still leaves what it measured.
 */
function benchCorpus(c: Corpus, reports: CorpusReport[], save: () => void): void {
  const counts = countDocuments(c.path);
  log(
    `${c.name}: ${counts.docs} documents (${counts.distinct} distinct), ${c.queries.length} queries`,
  );
  const report: CorpusReport = {
    name: c.name,
    docs: counts.docs,
    distinctDocs: counts.distinct,
    corpusBytes: statSync(c.path).size,
    queries: c.queries.length,
    distinctQueries: new Set(c.queries.map((q) => q.toLowerCase())).size,
    engines: [],
  };
  reports.push(report);
  // Native queries the index the wasm measurement builds (or one an earlier run left).
  let wasmIndex: 'building' | 'built' | 'failed' = engines.includes('wasm')
    ? 'building'
    : existsSync(join(ourIndexDir(c), 'index.sir'))
      ? 'built'
      : 'failed';
  type Checked = EngineResult & { checksum?: string };
  const picked: { engine: string; label: string; steps: () => Measurement<Checked | Checked[]> }[] =
    [];
  if (engines.includes('wasm'))
    picked.push({
      engine: 'wasm',
      label: 'index-core wasm',
      steps: () => benchWasm(settings, c, () => (wasmIndex = 'built')),
    });
  if (engines.includes('native'))
    picked.push({
      engine: 'native',
      label: 'index-core native',
      steps: () => benchNative(settings, c, () => wasmIndex),
    });
  if (engines.includes('lucene'))
    picked.push({
      engine: 'lucene',
      label: 'Lucene',
      steps: function* () {
        built.lucene ??= buildLucene(settings);
        return yield* benchExternal(settings, c, built.lucene, [built.lucene]);
      },
    });
  if (engines.includes('tantivy'))
    picked.push({
      engine: 'tantivy-k09b04',
      label: 'tantivy',
      steps: function* () {
        built.tantivy ??= buildTantivy(settings);
        return yield* benchExternal(settings, c, built.tantivy[0]!, built.tantivy);
      },
    });
  for (const lib of JS_LIBS)
    if (engines.includes(lib))
      picked.push({ engine: lib, label: lib, steps: () => benchLib(settings, c, lib) });

  // Each engine's results in its slot, so the report's columns keep this order.
  const slots: Checked[][] = picked.map(() => []);
  const publish = () => {
    const wasm = slots.flat().find((r) => r.engine === 'wasm');
    report.engines = slots
      .flat()
      .map(({ checksum, ...r }) =>
        r.engine === 'native'
          ? { ...r, sameHitsAsWasm: !!checksum && checksum === wasm?.checksum }
          : r,
      );
    save();
  };
  let live = picked.map((p, i) => ({ ...p, i, steps: p.steps() }));
  while (live.length > 0) {
    for (const e of live) {
      let done = false;
      try {
        const step = e.steps.next();
        if (step.done) {
          slots[e.i] = [step.value].flat();
          done = true;
        }
      } catch (err) {
        const error = (err as Error).message.split('\n')[0]!.slice(0, 300);
        log(`${c.name}: ${e.engine} failed: ${error}`);
        slots[e.i] = [{ engine: e.engine, label: e.label, error }];
        done = true;
      }
      if (done) {
        if (e.engine === 'wasm' && wasmIndex === 'building') wasmIndex = 'failed';
        live = live.filter((x) => x !== e);
        publish();
      }
    }
  }
}

/** Lucene and tantivy, built once per run. */
const built: { lucene?: External; tantivy?: External[] } = {};

function version(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
      .trim()
      .split('\n')[0]!;
  } catch {
    return `${cmd} not found`;
  }
}

const METHOD = `
## How it is measured

- Command: \`npm run bench\` (\`node --import tsx bench/run.ts\`); \`npm run bench -- --quick\` for development (10k
  documents, 100 queries, one process each, short caps; writes \`bench/.work/quick/\`). Needs \`index-core/pkg\`, cargo
  (native index-core and tantivy), Maven and a JDK 21+ (\`JAVA_HOME\`, else \`/usr/lib/jvm/temurin-25-jdk-amd64\`). An
  engine that cannot run becomes a "failed" column and the rest go on. Working files: \`bench/.work/\` (gitignored).
- Corpora: \`bench/corpus/zipf.ts\` generates 100k documents (seed 42; 50k-word vocabulary of consonant–vowel
  syllables that no stemmer or stop list changes, Zipf s = 1.0, log-normal body lengths with mean 150 tokens, titles of
  5–12 words) and 500 distinct queries of 1–6 terms (seed 43). Its generator is integer-only (mulberry32 on
  \`Math.imul\`), so documents do not repeat: the report counts distinct documents (SHA-1 of title and text) and
  distinct queries. SciFact: the 300 judged test queries.
- Analysis, the same everywhere it can be: title and text as one field; index-core's default (Lucene's
  StandardTokenizer rules, lower case, ASCII folding, English possessive, Lucene's 33 stop words, Porter); Lucene the
  same chain from its own classes (\`StandardTokenizer\`, \`LowerCaseFilter\`, \`ASCIIFoldingFilter\`,
  \`EnglishPossessiveFilter\`, \`StopFilter\`, \`PorterStemFilter\`) with \`BM25Similarity(0.9, 0.4)\`; tantivy
  \`SimpleTokenizer\` (it splits on anything not alphanumeric, so "don't" and "3.14" become two tokens, and has no
  possessive filter), lower case, ASCII folding, the same 33 stop words, and Snowball's original Porter through
  \`frostem\` (tantivy's own English stemmer is Porter2); BM25 as released (k1 1.2, b 0.75, constants in the crate) and
  from a copy of the crate's registry source patched to k1 0.9 b 0.4 through \`[patch.crates-io]\` in
  \`bench/.work\`. Queries are bags of their analysed terms, OR, a repeated term boosted by its count. On the Zipf
  corpus every engine sees the same terms; on SciFact the tokenizers and stemmers differ for tantivy, and the
  JavaScript libraries use \`bench/analyze.ts\`.
- Query latency: each query process opens the index, takes its top 10s, then runs 3 warm-up passes and
  the timed rounds over all queries, per query the median of the rounds, then mean and p99 over queries (\`bench/stats.ts\`,
  the same in Java and Rust). Every engine is timed from the query's text to its hits: analysis, term lookup and
  search (Lucene and tantivy build their query inside the timed call, as index-core's search analyses its text). "Top 10 + exact total" counts every match (index-core \`count: true\`; Lucene
  total-hits threshold \`Integer.MAX_VALUE\`; tantivy \`(TopDocs, Count)\`); "top 10 only" counts up to Lucene's default
  threshold of 1,000 and "at least" past it (index-core \`count: 1000\`, Lucene's default; tantivy \`TopDocs\`, block-WAND,
  counts nothing). Lucene's
  query cache is off. index-core wasm is timed through \`SearchIndex.search\` (\`plain: true\`), so the JavaScript
  wrapper is included; native is \`index-core/examples/bench_native.rs\` on the same index file. The hit page is
  index-core's \`SearchIndex.pageHits\` of each query's top 10, timed the same way in the same process. The JavaScript
  libraries (\`bench/lib-runner.ts\`) keep their caps: a build stops after 75 s (measured on the documents indexed,
  marked "capped"), a first query pass after 45 s, then up to 5 rounds within 15 s.
- Build: a whole process from start to exit, parent-timed: \`sir index CORPUS --out DIR --threads 1\` and \`--threads 2\`
  (worker threads building consecutive parts, merged in order; at most one per 8 MiB of corpus, so SciFact's
  \`--threads 2\` builds in one thread), \`java -jar lucene-bench.jar build\` (writer RAM buffer 256 MB as index-core's budget, one thread with the
  serial merge scheduler; two threads feeding one \`IndexWriter\` with concurrent merges; force-merged to one segment as
  index-core writes one file), \`tantivy-bench build\` (256 MB writer budget, 1 or 2 indexing threads, merged to one
  segment). The JavaScript libraries' build time is taken inside their process (it includes reading and parsing).
- Open: inside a fresh query process — \`SearchIndex.open\` (reading the file, WebAssembly compile, checksums),
  \`bench_native\` reading and opening the file, \`DirectoryReader.open\` plus \`IndexSearcher\` (mmap), tantivy
  \`Index::open_in_dir\` plus its reader (mmap). First answer: a fresh process that opens the index and answers the
  corpus' first query, wall-clock from spawn to exit; index-core's is the built search Lambda (\`npm run build\`,
  \`dist/lambda/search/index.mjs\`) imported by the esbuild bundle of \`bench/first-query.ts\` under plain node and
  handed an API Gateway \`GET /search\` event, \`INDEX_DIR\` an index store holding the index (\`sir publish\`): module
  init, the live index's open, the search and the hit page, timed also from \`performance.timeOrigin\` to the answer.
- Index size: the files on disk after the build, stored documents included (index-core \`index.sir\`, DEFLATE stored
  blocks; Lucene's and tantivy's directories, LZ4 stored fields; each with positions); the JavaScript libraries'
  serialized indexes (MiniSearch and lunr without documents, Orama with them, FlexSearch's export).
- Agreement: top-10 external ids per query (index-core's through \`pageHits\`, the app's page call), compared between
  engines (mean fraction of index-core's ids found, same ids, same ids in the same order); ties may order differently
  between engines. The Lucene line is also taken from the corpus built with \`sir index --norms lucene\` (Lucene's
  one-byte lengths), which should give Lucene's top 10 on every query.
`;

async function main() {
  const started = Date.now();
  const load = () =>
    loadavg()
      .map((l) => l.toFixed(1))
      .join(' ');
  const loadBefore = load();
  mkdirSync(OUT, { recursive: true });
  const reports: CorpusReport[] = [];
  const notes: string[] = [];
  const save = (done = false) => {
    const info = {
      command: [
        ...Object.entries(process.env)
          .filter(([k]) => k.startsWith('BENCH_'))
          .map(([k, v]) => `${k}=${v}`),
        QUICK ? 'npm run bench -- --quick' : 'npm run bench',
      ].join(' '),
      machine: `${cpus()[0]?.model} × ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM`,
      versions: [
        `node ${process.version}`,
        version('rustc', ['--version']),
        built.lucene?.version ?? 'Lucene not run',
        built.tantivy?.[0]?.version ?? 'tantivy not run',
      ],
      date: new Date().toISOString(),
      seconds: (Date.now() - started) / 1000,
      loadBefore,
      loadAfter: load(),
      runs: settings.runs,
      rounds: settings.rounds,
      firstRuns: settings.firstRuns,
      notes: done ? notes : [...notes, '**Incomplete: written while the run was still going.**'],
    };
    const doc = render(info, reports, METHOD);
    writeFileSync(join(OUT, 'RESULTS.md'), doc);
    writeFileSync(
      join(OUT, 'results.json'),
      JSON.stringify({ ...info, corpora: reports.map(withoutTops) }, null, 1) + '\n',
    );
    return doc;
  };
  if (corpora.includes('zipf')) {
    const o = { ...DEFAULT_ZIPF, docs: QUICK ? 10_000 : DEFAULT_ZIPF.docs };
    const path = join(WORK, `zipf-${o.docs / 1000}k.jsonl`);
    log(`generating the Zipf corpus into ${path} (once)`);
    await writeZipfCorpus(path, o);
    const n = Number(process.env.BENCH_QUERIES ?? (QUICK ? 100 : 500));
    benchCorpus(corpus(`zipf-${o.docs / 1000}k`, path, zipfQueries(n, o)), reports, save);
  }
  if (corpora.includes('scifact')) {
    const dir = scifactDir();
    if (dir)
      benchCorpus(corpus('scifact', join(dir, 'corpus.jsonl'), scifactQueries(dir)), reports, save);
    else {
      notes.push(
        'SciFact skipped: no shared/data/scifact/corpus.jsonl beside the clone or its parent, and BENCH_SCIFACT unset.',
      );
      log(notes.at(-1));
    }
  }
  console.log(save(true));
  log(`wrote ${join(OUT, 'RESULTS.md')} in ${Math.round((Date.now() - started) / 1000)} s`);
}

/** results.json keeps the numbers; the top-10 lists stay in bench/.work. */
function withoutTops(c: CorpusReport): CorpusReport {
  return { ...c, engines: c.engines.map(({ tops: _tops, ...e }) => e) };
}

await main();
