/**
 * Every engine of `npm run bench`, each run in fresh processes, `runs` times, reduced to medians.
 *
 * - wasm: index-core through its TypeScript API — `sir index --threads 1` and `--threads 2`
 *   (whole processes) build, `ours-query.ts` opens and queries, the same corpus built with
 *   `--norms lucene` gives the top 10s compared with Lucene's, and the esbuild-bundled
 *   `first-query.ts` answers a first query through the built search Lambda (`npm run build`).
 * - native: index-core's `examples/bench_native.rs` on the same index file.
 * - lucene / tantivy: bench/lucene (Maven) and bench/tantivy (cargo), built here; tantivy twice,
 *   as released (BM25 1.2/0.75 fixed in the crate) and from a copy of its registry source with
 *   the constants patched to 0.9/0.4 (in bench/.work, never committed).
 * - minisearch, orama, lunr, flexsearch: `lib-runner.ts`, with its time caps.
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { median, medianLatency, type Latency } from './stats.js';

export const BENCH = dirname(fileURLToPath(import.meta.url));
export const ROOT = join(BENCH, '..');
export const WORK = join(BENCH, '.work');

export const JS_LIBS = ['minisearch', 'orama', 'lunr', 'flexsearch'] as const;
export const ENGINES = ['wasm', 'native', 'lucene', 'tantivy', ...JS_LIBS] as const;
export const BM25_LIBS = new Set(['minisearch', 'orama', 'lunr']);

/** One corpus as every engine reads it. */
export interface Corpus {
  name: string;
  path: string;
  /** One query per line. */
  queryFile: string;
  queries: string[];
}

export interface Settings {
  /** Fresh processes per engine and measurement (3; 1 in quick mode). */
  runs: number;
  /** Timed rounds per query in each query process. */
  rounds: number;
  /** Fresh processes for the first answer (cheap, so more of them). */
  firstRuns: number;
  /** Environment for lib-runner (its caps). */
  libEnv: Record<string, string>;
  log: (...a: unknown[]) => void;
}

/** One engine on one corpus: the medians over its runs. A number is absent when not measured. */
export interface EngineResult {
  engine: string;
  label: string;
  docs?: number;
  capped?: boolean;
  /** Top 10 with the exact total count. */
  counted?: Latency;
  /** Top 10 only (the engine's fastest mode: Lucene's default threshold, tantivy's TopDocs). */
  top?: Latency;
  /** wasm only: the hit page of the top 10 (`pageHits`: stored documents, titles, snippets). */
  page?: Latency;
  /** Whole-process build time in seconds, one thread and two threads. */
  buildS?: number;
  build2S?: number;
  /** Opening the index in a fresh process, as the engine measures it. */
  openMs?: number;
  /** A fresh process from spawn until it exits with its first answer (wall clock, parent side). */
  firstMs?: number;
  /** wasm only: from `performance.timeOrigin` to the first answer, bundled as the Lambda runs. */
  firstInsideMs?: number;
  indexBytes?: number;
  sections?: Record<string, number>;
  /** Top-10 external ids per query (from the first run). */
  tops?: string[][];
  /** wasm only: the top-10 ids from the same corpus built with `--norms lucene` (agreement). */
  luceneNormsTops?: string[][];
  withHits?: number;
  totalHits?: number;
  /** wasm only: queries whose pruned top 10 equals exhaustive scoring. */
  exact?: number;
  /** native only: its top-10 doc ids equal the wasm ones. */
  sameHitsAsWasm?: boolean;
  note?: string;
  error?: string;
}

interface QueryRun {
  docs: number;
  openMs: number;
  queries: number;
  withHits: number;
  totalHits: number;
  counted: Latency;
  top: Latency;
  page?: Latency;
  exact?: number;
  checksum?: string;
  sections?: Record<string, number>;
}

interface BuildRun {
  docs: number;
  buildMs: number;
  indexBytes: number;
}

/** Runs a process to its end; returns its stdout and wall time. Throws with its stderr's tail. */
export function run(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: Record<string, string | undefined> } = {},
): { out: string; ms: number } {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, ...opts.env },
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const ms = performance.now() - t0;
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) {
    const tail = (r.stderr || r.stdout || '').trim().split('\n').slice(-3).join(' | ');
    throw new Error(
      `${cmd} ${args[0] ?? ''} exited ${r.status ?? r.signal}: ${tail.slice(0, 300)}`,
    );
  }
  return { out: r.stdout, ms };
}

export const lastJson = <T>(out: string): T => JSON.parse(out.trim().split('\n').pop()!) as T;

const readTops = (path: string, n: number): string[][] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .slice(0, n)
    .map((l) => (l ? l.split(' ') : []));

/**
 * One engine's measurement on one corpus, as steps: it yields before each timed process, so that
 * run.ts can take the engines' processes in turn (wasm, native, Lucene, tantivy, wasm, …) instead
 * of each engine's all at once. A slow minute on a shared machine then falls on every engine
 * rather than on one, and the ratios between them survive it. Processes never overlap.
 */
export type Measurement<T> = Generator<void, T, void>;

/** Runs `once` `times` times, yielding before each; returns the results. */
function* repeat<T>(times: number, once: (i: number) => T): Measurement<T[]> {
  const out: T[] = [];
  for (let i = 0; i < times; i++) {
    yield;
    out.push(once(i));
  }
  return out;
}

/** The query processes of an engine with ours-query's protocol, reduced to one result. */
function* queryRuns(
  s: Settings,
  c: Corpus,
  label: string,
  once: (topsOut: string, first: boolean) => QueryRun,
): Measurement<{
  q: QueryRun;
  tops: string[][];
  openMs: number;
  counted: Latency;
  top: Latency;
  page?: Latency;
}> {
  const tops = join(WORK, `${c.name}-${label}-tops.txt`);
  const runs = yield* repeat(s.runs, (i) => {
    const r = once(tops, i === 0);
    s.log(
      `${c.name}: ${label} query run ${i + 1}/${s.runs}: open ${r.openMs.toFixed(1)} ms, top10+total mean ${r.counted.mean.toFixed(0)} µs, top10 mean ${r.top.mean.toFixed(0)} µs`,
    );
    return r;
  });
  return {
    q: runs[0]!,
    tops: readTops(tops, c.queries.length),
    openMs: median(runs.map((r) => r.openMs)),
    counted: medianLatency(runs.map((r) => r.counted)),
    top: medianLatency(runs.map((r) => r.top)),
    ...(runs.every((r) => r.page) ? { page: medianLatency(runs.map((r) => r.page!)) } : {}),
  };
}

/** Wall time of `firstRuns` fresh processes answering the corpus' first query. */
function* firstAnswer(s: Settings, cmd: string, args: string[], env = {}): Measurement<number> {
  return median(yield* repeat(s.firstRuns, () => run(cmd, args, { env }).ms));
}

// ---------------------------------------------------------------- index-core (wasm, native)

const PROBE = join(WORK, 'first-query.mjs');
const LAMBDA = join(WORK, 'lambda-search');
const LAMBDA_BUNDLE = join(LAMBDA, 'index.mjs');

/**
 * Builds the search Lambda (`npm run build`) and bundles the probe `first-query.ts`, which imports
 * that built bundle, so the first answer is timed through exactly what a deployment ships. The
 * probes run a copy of `dist/lambda/search/`, which a test run may rebuild meanwhile.
 */
function buildProbe(): void {
  run(process.execPath, ['--import', 'tsx', 'scripts/build-lambdas.ts']);
  rmSync(LAMBDA, { recursive: true, force: true });
  cpSync(join(ROOT, 'dist', 'lambda', 'search'), LAMBDA, { recursive: true });
  bundleProbe();
}

/** Bundles the probe `first-query.ts` for plain node; returns its path. */
export function bundleProbe(): string {
  buildSync({
    entryPoints: [join(BENCH, 'first-query.ts')],
    outfile: PROBE,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    minify: true,
    logLevel: 'warning',
  });
  return PROBE;
}

export function ourIndexDir(c: Corpus): string {
  return join(WORK, `${c.name}-wasm-index`);
}

/** `sir index` as a whole process into `out` with `threads` worker threads; seconds. */
function sirIndex(c: Corpus, out: string, threads: number, extra: string[] = []): number {
  const args = ['bin/sir.mjs', 'index', c.path, '--out', out, '--threads', String(threads)];
  return run(process.execPath, [...args, ...extra]).ms / 1e3;
}

/** `built` is called once the index that native queries too is in place. */
export function* benchWasm(
  s: Settings,
  c: Corpus,
  built: () => void,
): Measurement<EngineResult & { checksum?: string }> {
  const dir = ourIndexDir(c);
  const buildS = function* (threads: number, out: string): Measurement<number> {
    return median(
      yield* repeat(s.runs, (i) => {
        const secs = sirIndex(c, out, threads);
        s.log(
          `${c.name}: wasm build (${threads} thread${threads > 1 ? 's' : ''}) run ${i + 1}/${s.runs}: ${secs.toFixed(2)} s (sir index --threads ${threads})`,
        );
        return secs;
      }),
    );
  };
  const build1 = yield* buildS(1, dir);
  built();
  const dir2 = join(WORK, `${c.name}-wasm-index-2`);
  const build2 = yield* buildS(2, dir2);
  rmSync(dir2, { recursive: true, force: true });
  const indexBytes = statSync(join(dir, 'index.sir')).size;
  const query = (index: string, tops: string, rounds: number, flag: string[]) =>
    lastJson<QueryRun>(
      run(process.execPath, [
        '--import',
        'tsx',
        'bench/ours-query.ts',
        index,
        c.queryFile,
        String(rounds),
        tops,
        ...flag,
      ]).out,
    );
  const r = yield* queryRuns(s, c, 'wasm', (tops, first) =>
    query(dir, tops, s.rounds, first ? ['--exact'] : []),
  );
  // The agreement with Lucene: the same corpus built with Lucene's one-byte lengths.
  const luceneNorms = join(WORK, `${c.name}-wasm-index-lucene-norms`);
  sirIndex(c, luceneNorms, 2, ['--norms', 'lucene']);
  const luceneNormsTopsFile = join(WORK, `${c.name}-wasm-lucene-norms-tops.txt`);
  query(luceneNorms, luceneNormsTopsFile, 1, ['--tops-only']);
  rmSync(luceneNorms, { recursive: true, force: true });
  // The first answer through the built Lambda, from an index store holding this index.
  buildProbe();
  const store = join(WORK, `${c.name}-store`);
  rmSync(store, { recursive: true, force: true });
  run(process.execPath, ['bin/sir.mjs', 'publish', '--store', store, '--index', dir]);
  const probes = yield* repeat(s.firstRuns, () => {
    const { out, ms } = run(process.execPath, [PROBE, LAMBDA_BUNDLE, c.queries[0]!], {
      env: { INDEX_DIR: store },
    });
    return { inside: lastJson<{ totalMs: number }>(out).totalMs, ms };
  });
  rmSync(store, { recursive: true, force: true });
  return {
    engine: 'wasm',
    label: 'index-core wasm',
    docs: r.q.docs,
    counted: r.counted,
    top: r.top,
    ...(r.page ? { page: r.page } : {}),
    buildS: build1,
    build2S: build2,
    openMs: r.openMs,
    firstMs: median(probes.map((p) => p.ms)),
    firstInsideMs: median(probes.map((p) => p.inside)),
    indexBytes,
    sections: r.q.sections!,
    tops: r.tops,
    luceneNormsTops: readTops(luceneNormsTopsFile, c.queries.length),
    withHits: r.q.withHits,
    totalHits: r.q.totalHits,
    exact: r.q.exact!,
    checksum: r.q.checksum!,
  };
}

/**
 * Queries the index the wasm measurement builds: `index()` says whether it is built yet (this
 * waits, yielding, until it is), or will not be. The result's checksum of top-10 doc ids is for
 * run.ts to compare with wasm's.
 */
export function* benchNative(
  s: Settings,
  c: Corpus,
  index: () => 'building' | 'built' | 'failed',
): Measurement<EngineResult & { checksum: string }> {
  while (index() === 'building') yield;
  if (index() === 'failed')
    throw new Error(`no index to query: the wasm build of ${c.name} failed`);
  const coreDir = join(ROOT, 'index-core');
  run('cargo', ['build', '--quiet', '--release', '--example', 'bench_native'], { cwd: coreDir });
  const bin = join(coreDir, 'target', 'release', 'examples', 'bench_native');
  type NativeRun = {
    openMs: number;
    mean: number;
    p50: number;
    p99: number;
    countMean: number;
    countP50: number;
    countP99: number;
    checksum: string;
  };
  const runs = yield* repeat(s.runs, (i) => {
    const n = lastJson<NativeRun>(
      run(bin, [join(ourIndexDir(c), 'index.sir'), c.queryFile, String(s.rounds)]).out,
    );
    s.log(`${c.name}: native run ${i + 1}/${s.runs}: top10 mean ${n.mean.toFixed(0)} µs`);
    return n;
  });
  return {
    engine: 'native',
    label: 'index-core native',
    docs: undefined,
    counted: medianLatency(
      runs.map((n) => ({ mean: n.countMean, p50: n.countP50, p99: n.countP99 })),
    ),
    top: medianLatency(runs),
    openMs: median(runs.map((n) => n.openMs)),
    checksum: runs[0]!.checksum,
    note: 'same index file as wasm; one warm-up round (bench_native)',
  };
}

// ---------------------------------------------------------------- Lucene and tantivy

/** A JDK of version 21 or newer (Lucene 10): $JAVA_HOME if it is one, else Temurin 25 if present. */
function javaHome(): string {
  const candidates = [process.env.JAVA_HOME, '/usr/lib/jvm/temurin-25-jdk-amd64'].filter(
    (h): h is string => !!h,
  );
  for (const home of candidates) {
    const major = Number(/version "(\d+)/.exec(javaVersion(home))?.[1] ?? 0);
    if (major >= 21) return home;
  }
  throw new Error(
    `Lucene 10 needs Java 21 or newer: set JAVA_HOME (tried ${candidates.join(', ')})`,
  );
}

export interface External {
  engine: string;
  label: string;
  /** The command line that runs the built program. */
  cmd: string;
  args: string[];
  env?: Record<string, string>;
  version: string;
}

const LUCENE_DIR = join(BENCH, 'lucene');

export function buildLucene(s: Settings): External {
  s.log('building bench/lucene (mvn -q package)');
  run('mvn', ['-q', '-B', 'package'], { cwd: LUCENE_DIR, env: { JAVA_HOME: javaHome() } });
  return luceneCommand();
}

/** The command line of the built bench/lucene program (`buildLucene` builds it). */
export function luceneCommand(): External {
  const home = javaHome();
  const version = /<lucene\.version>([^<]+)</.exec(
    readFileSync(join(LUCENE_DIR, 'pom.xml'), 'utf8'),
  )![1]!;
  return {
    engine: 'lucene',
    label: `Lucene ${version}`,
    cmd: join(home, 'bin', 'java'),
    // Lucene 10 decodes postings with the Vector API when the incubator module is readable (as
    // Elasticsearch runs it); native access is for its madvise calls on mmapped files.
    args: [
      '--add-modules',
      'jdk.incubator.vector',
      '--enable-native-access=ALL-UNNAMED',
      '-jar',
      join(LUCENE_DIR, 'target', 'lucene-bench.jar'),
    ],
    version: `Lucene ${version} (${javaVersion(home)})`,
  };
}

/** The first line of `java -version` (which prints to stderr). */
function javaVersion(home: string): string {
  const r = spawnSync(join(home, 'bin', 'java'), ['-version'], { encoding: 'utf8' });
  return (r.stderr ?? '').split('\n')[0]!.trim();
}

const TANTIVY_TARGET = join(WORK, 'tantivy-target');
const PATCHED = join(WORK, 'tantivy-k09-b04');

/**
 * Builds bench/tantivy as released, and a copy against tantivy's registry source with BM25's K1
 * and B patched to 0.9 and 0.4: a generated project in bench/.work whose `[patch.crates-io]`
 * points at the patched copy (its own lock file, so the committed one never changes) and whose
 * binary has its own name, so both share one target directory and compile tantivy's dependencies
 * once.
 */
export function buildTantivy(s: Settings): [External, External] {
  const dir = join(BENCH, 'tantivy');
  s.log('building bench/tantivy (cargo build --release)');
  run('cargo', ['build', '--quiet', '--release', '--target-dir', TANTIVY_TARGET], { cwd: dir });
  const meta = JSON.parse(
    run('cargo', ['metadata', '--format-version', '1', '--locked'], { cwd: dir }).out,
  ) as { packages: { name: string; version: string; manifest_path: string }[] };
  const pkg = meta.packages.find((p) => p.name === 'tantivy')!;
  const src = join(PATCHED, `tantivy-${pkg.version}`);
  if (!existsSync(src)) {
    cpSync(dirname(pkg.manifest_path), src, { recursive: true });
    const bm25 = join(src, 'src', 'query', 'bm25.rs');
    const code = readFileSync(bm25, 'utf8');
    const patched = code
      .replace(/const K1: Score = 1\.2;/, 'const K1: Score = 0.9;')
      .replace(/const B: Score = 0\.75;/, 'const B: Score = 0.4;');
    if (!/const K1: Score = 0\.9;/.test(patched) || !/const B: Score = 0\.4;/.test(patched)) {
      rmSync(src, { recursive: true, force: true });
      throw new Error(`tantivy ${pkg.version}: BM25 constants not found in ${bm25}`);
    }
    writeFileSync(bm25, patched);
  }
  const project = join(PATCHED, 'project');
  mkdirSync(project, { recursive: true });
  const manifest = readFileSync(join(dir, 'Cargo.toml'), 'utf8').replace(
    '[dependencies]',
    `[[bin]]\nname = "tantivy-bench-k09b04"\npath = ${JSON.stringify(join(dir, 'src', 'main.rs'))}\n\n[dependencies]`,
  );
  writeFileSync(
    join(project, 'Cargo.toml'),
    `${manifest}\n[patch.crates-io]\ntantivy = { path = ${JSON.stringify(src)} }\n`,
  );
  cpSync(join(dir, 'Cargo.lock'), join(project, 'Cargo.lock'));
  s.log('building tantivy with BM25 k1 0.9 b 0.4 (patched copy in bench/.work)');
  run('cargo', ['build', '--quiet', '--release', '--target-dir', TANTIVY_TARGET], {
    cwd: project,
  });
  const version = `tantivy ${pkg.version}`;
  return [
    {
      engine: 'tantivy',
      label: `${version} (k1 1.2 b 0.75)`,
      cmd: join(TANTIVY_TARGET, 'release', 'tantivy-bench'),
      args: [],
      version,
    },
    {
      engine: 'tantivy-k09b04',
      label: `${version} (k1 0.9 b 0.4)`,
      cmd: join(TANTIVY_TARGET, 'release', 'tantivy-bench-k09b04'),
      args: [],
      version,
    },
  ];
}

/**
 * Builds the index with 1 and 2 threads (`runs` fresh processes each) with `builder`, then opens
 * and queries the 1-thread index with each of `queriers` (fresh processes too).
 */
export function* benchExternal(
  s: Settings,
  c: Corpus,
  builder: External,
  queriers: External[],
): Measurement<EngineResult[]> {
  const dir = (t: number) => join(WORK, `${c.name}-${builder.engine}-index-${t}`);
  const builds = new Map<number, { s: number; r: BuildRun }[]>();
  for (const threads of [1, 2]) {
    builds.set(
      threads,
      yield* repeat(s.runs, (i) => {
        const { out, ms } = run(
          builder.cmd,
          [...builder.args, 'build', c.path, dir(threads), String(threads)],
          { env: builder.env },
        );
        const r = lastJson<BuildRun>(out);
        s.log(
          `${c.name}: ${builder.engine} build (${threads} thread${threads > 1 ? 's' : ''}) run ${i + 1}/${s.runs}: ${(ms / 1e3).toFixed(2)} s, ${(r.indexBytes / 1e6).toFixed(1)} MB`,
        );
        return { s: ms / 1e3, r };
      }),
    );
  }
  rmSync(dir(2), { recursive: true, force: true });
  const one = builds.get(1)!;
  const results: EngineResult[] = [];
  for (const q of queriers) {
    const r = yield* queryRuns(s, c, q.engine, (tops) =>
      lastJson<QueryRun>(
        run(q.cmd, [...q.args, 'query', dir(1), c.queryFile, String(s.rounds), tops], {
          env: q.env,
        }).out,
      ),
    );
    results.push({
      engine: q.engine,
      label: q.label,
      docs: r.q.docs,
      counted: r.counted,
      top: r.top,
      buildS: median(one.map((b) => b.s)),
      build2S: median(builds.get(2)!.map((b) => b.s)),
      openMs: r.openMs,
      firstMs: yield* firstAnswer(s, q.cmd, [...q.args, 'first', dir(1), c.queries[0]!], q.env),
      indexBytes: median(one.map((b) => b.r.indexBytes)),
      tops: r.tops,
      withHits: r.q.withHits,
      totalHits: r.q.totalHits,
    });
  }
  return results;
}

// ---------------------------------------------------------------- JavaScript libraries

interface LibRun {
  lib: string;
  docs: number;
  capped: boolean;
  buildS: number;
  indexBytes: number;
  rounds: number;
  queries: number;
  latency: Latency;
  tops: string[][];
}

export function* benchLib(s: Settings, c: Corpus, lib: string): Measurement<EngineResult> {
  const runs = yield* repeat(s.runs, (i) => {
    const out = join(WORK, `${c.name}-${lib}.json`);
    run(
      process.execPath,
      [
        '--max-old-space-size=12288',
        '--import',
        'tsx',
        'bench/lib-runner.ts',
        lib,
        c.path,
        c.queryFile,
        out,
      ],
      { env: s.libEnv },
    );
    const r = JSON.parse(readFileSync(out, 'utf8')) as LibRun;
    s.log(
      `${c.name}: ${lib} run ${i + 1}/${s.runs}: build ${r.buildS.toFixed(1)} s (${r.docs} docs${r.capped ? ', capped' : ''}), mean ${r.latency.mean.toFixed(0)} µs over ${r.queries} queries`,
    );
    return r;
  });
  const r0 = runs[0]!;
  const partial = r0.queries < c.queries.length;
  const notes = [
    r0.capped ? `build capped at ${r0.docs} docs` : '',
    partial ? `${r0.queries} queries${r0.rounds === 0 ? ', 1 pass' : ''}` : '',
    BM25_LIBS.has(lib) ? '' : 'not BM25',
  ].filter(Boolean);
  return {
    engine: lib,
    label: lib,
    docs: r0.docs,
    capped: r0.capped,
    // The libraries score every match, so the total is free: one measurement for both rows.
    counted: medianLatency(runs.map((r) => r.latency)),
    top: medianLatency(runs.map((r) => r.latency)),
    buildS: median(runs.map((r) => r.buildS)),
    indexBytes: median(runs.map((r) => r.indexBytes)),
    tops: r0.tops,
    ...(notes.length ? { note: notes.join('; ') } : {}),
  };
}
