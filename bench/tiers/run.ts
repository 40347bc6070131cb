/**
 * `npm run bench:tiers [-- --sizes 10,100,1000 --runs 5]`: the cold start of each storage tier,
 * through the built search Lambda bundle, for generated indexes of about 10 MB, 100 MB and 1 GB.
 *
 * For each size: a Zipf corpus (bench/corpus/zipf.ts) is indexed, published into a directory
 * store and into an S3 store on the local stand-in (fauxqs, loopback), and laid out as a bundled artifact (`app/`
 * beside `index/`). Each cold start is a fresh `node` process (cold-driver.mjs) that imports the
 * bundle with the tier's environment and answers one query; `firstAnswerMs` is from process start
 * to the answer. The medians of `--runs` are reported with:
 *
 * - measured: the whole local cold start (bundled: index beside the bundle; efs: a directory,
 *   i.e. a warm local disk, not NFS; s3: fauxqs over loopback, downloading and checking every byte);
 * - bytes read per cold start: s3 downloads the whole version; efs and bundled read what the
 *   engine's lazy open and the query read (its own count, `bytesRead`);
 * - modelled network part, not measured: bytes over the throughputs in runtime/cost/prices.ts
 *   (S3 → Lambda 75 MB/s, EFS → Lambda 250 MB/s, a bundled package fetched at 75 MB/s), with
 *   their sources there. The local s3 run is NOT throttled: its network part is the model's.
 *
 * Writes bench/tiers/RESULTS.md and results.json. Corpora and indexes are cached in .sir/bench-tiers.
 */
import { spawn, spawnSync } from 'node:child_process';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startLocalAws } from '../../runtime/local/local-aws.js';
import { THROUGHPUT } from '../../runtime/cost/prices.js';
import { buildIndex, SearchIndex } from '../../runtime/engine/index.js';
import { S3_STORE_PREFIX } from '../../runtime/lambda/index-env.js';
import {
  IndexStore,
  S3IndexStore,
  createManifest,
  silentLogger,
} from '../../runtime/store/index.js';
import { bundledArtifactProblem } from '../../runtime/upload/bundled-artifact.js';
import { buildLambdas } from '../../scripts/build-lambdas.js';
import { median } from '../stats.js';
import { DEFAULT_ZIPF, writeZipfCorpus, zipfDocuments } from '../corpus/zipf.js';

const ROOT = resolve(import.meta.dirname, '../..');
const WORK = join(ROOT, '.sir/bench-tiers');
const BUNDLE = join(ROOT, 'dist/lambda/search');
const DRIVER = join(import.meta.dirname, 'cold-driver.mjs');

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}
const SIZES_MB = flag('sizes', '10,100,1000').split(',').map(Number);
const RUNS = Number(flag('runs', '5'));
if (SIZES_MB.some((n) => !(n > 0)) || !(RUNS >= 1))
  throw new Error('bench:tiers: --sizes takes MB like 10,100,1000 and --runs a count ≥ 1');

/**
 * Index bytes as a line in documents, `fixed + perDoc × docs`, from two probe builds: a Zipf
 * vocabulary grows ever slower, so one small probe's bytes per document overstate a large index's
 * (5,000 documents alone sized the 100 MB target at 55 MB).
 */
function indexSizeLine(): { fixed: number; perDoc: number } {
  const probe = (docs: number) => {
    const dir = join(WORK, `probe-${docs}`);
    const corpus = join(dir, 'corpus.jsonl');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      corpus,
      [...zipfDocuments({ ...DEFAULT_ZIPF, docs })].map((d) => JSON.stringify(d)).join('\n') + '\n',
    );
    buildIndex(corpus, join(dir, 'index'), {});
    const bytes = indexBytes(join(dir, 'index'));
    rmSync(dir, { recursive: true, force: true });
    return bytes;
  };
  const [small, large] = [5_000, 50_000];
  const [a, b] = [probe(small), probe(large)];
  const perDoc = (b - a) / (large - small);
  return { fixed: a - perDoc * small, perDoc };
}

function indexBytes(dir: string): number {
  return spawnSync('du', ['-sb', dir], { encoding: 'utf8' }).stdout.split('\t').map(Number)[0]!;
}

async function builtIndex(
  targetMb: number,
  size: { fixed: number; perDoc: number },
): Promise<{ dir: string; docs: number }> {
  const docs = Math.max(1000, Math.round((targetMb * 1e6 - size.fixed) / size.perDoc));
  const base = join(WORK, `${targetMb}mb`);
  const corpus = join(base, 'corpus.jsonl');
  const dir = join(base, 'index');
  if (!existsSync(dir)) {
    await writeZipfCorpus(corpus, { ...DEFAULT_ZIPF, docs });
    const t0 = performance.now();
    buildIndex(corpus, dir, {});
    console.error(
      `  built ${targetMb} MB target: ${docs} docs in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
    );
    rmSync(corpus, { force: true });
  }
  return { dir, docs };
}

/** One fresh process; asynchronous, since fauxqs serves the s3 tier from this process. */
async function coldStart(
  env: Record<string, string>,
  query: string,
): Promise<{ ms: number; top: string }> {
  const child = spawn(
    process.execPath,
    [DRIVER, pathToFileURL(join(BUNDLE, 'index.mjs')).href, query],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const status = await new Promise<number | null>((done) => child.on('close', done));
  const r = { status, stdout, stderr };
  const line = r.stdout.trim().split('\n').at(-1) ?? '';
  let out: { firstAnswerMs: number; status: number; top: string };
  try {
    out = JSON.parse(line);
  } catch {
    throw new Error(`cold start failed (${r.status}): ${r.stderr.slice(-2000)}`);
  }
  if (out.status !== 200)
    throw new Error(`cold start answered ${out.status}: ${r.stderr.slice(-500)}`);
  return { ms: out.firstAnswerMs, top: out.top };
}

interface Row {
  sizeMb: number;
  indexBytes: number;
  docs: number;
  tier: string;
  measuredMs: number;
  bytesRead: number;
  modelledNetworkMs: number;
}

const local = await startLocalAws();
const endpoint = local.endpoint;
const s3 = new S3Client({
  region: 'us-east-1',
  endpoint,
  forcePathStyle: true,
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});
const rows: Row[] = [];
try {
  mkdirSync(WORK, { recursive: true });
  await buildLambdas(() => {});
  const size = indexSizeLine();
  console.error(
    `bench:tiers: sizes ${SIZES_MB.join(', ')} MB, ${RUNS} cold starts each, index ≈ ${(size.fixed / 1e6).toFixed(1)} MB + ${size.perDoc.toFixed(0)} bytes/doc`,
  );
  for (const sizeMb of SIZES_MB) {
    const { dir, docs } = await builtIndex(sizeMb, size);
    const bytes = indexBytes(dir);
    const manifest = await createManifest(dir, { version: 'bench' });
    const query = 'ba da fa';
    // What the engine's lazy open plus one query read (efs and bundled read the same way).
    const probe = SearchIndex.open(dir, { verify: 'core' });
    probe.search(query, { size: 10 });
    const lazyBytes = probe.bytesRead;
    probe.free();

    const run = join(WORK, `${sizeMb}mb`, 'run');
    rmSync(run, { recursive: true, force: true });
    mkdirSync(run, { recursive: true });
    // bundled: the artifact's layout, app/ beside index/.
    const task = join(run, 'task');
    mkdirSync(task);
    symlinkSync(BUNDLE, join(task, 'app'));
    symlinkSync(dir, join(task, 'index'));
    // efs: a directory store.
    const storeDir = join(run, 'efs');
    await new IndexStore(storeDir, { logger: silentLogger }).publish(dir);
    // s3: a bucket store on fauxqs.
    const bucket = `tiers-${sizeMb}`;
    await s3.send(new CreateBucketCommand({ Bucket: bucket })).catch(() => {});
    await new S3IndexStore({
      client: s3,
      bucket,
      prefix: S3_STORE_PREFIX,
      logger: silentLogger,
    }).publish(dir);

    // A bundled artifact over Lambda's 250 MB is refused by `pulumi up` and `sir upload`: no row.
    const bundledFits = bundledArtifactProblem(dir, BUNDLE, 'the index').problem === undefined;
    const tiers: Array<[string, Record<string, string>, number, number]> = [
      [
        'bundled',
        { INDEX_STORAGE: 'bundled', LAMBDA_TASK_ROOT: task },
        lazyBytes,
        (bytes / THROUGHPUT.s3ToLambdaBytesPerSecond) * 1000,
      ],
      [
        'efs',
        { INDEX_STORAGE: 'efs', INDEX_DIR: storeDir },
        lazyBytes,
        (lazyBytes / THROUGHPUT.efsToLambdaBytesPerSecond) * 1000,
      ],
      [
        's3',
        {
          INDEX_STORAGE: 's3',
          INDEX_BUCKET: bucket,
          INDEX_PREFIX: S3_STORE_PREFIX,
          INDEX_S3_ENDPOINT: endpoint,
          INDEX_CACHE_DIR: join(run, 'tmp'),
          AWS_ACCESS_KEY_ID: 'local',
          AWS_SECRET_ACCESS_KEY: 'local',
        },
        bytes,
        (THROUGHPUT.s3FirstByteSeconds * (manifest.files.length + 2) +
          bytes / THROUGHPUT.s3ToLambdaBytesPerSecond) *
          1000,
      ],
    ];
    for (const [tier, env, bytesRead, modelledNetworkMs] of tiers) {
      if (tier === 'bundled' && !bundledFits) {
        console.error(`  ${sizeMb} MB bundled: over Lambda's 250 MB unzipped, not a bundled stack`);
        continue;
      }
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        rmSync(join(run, 'tmp'), { recursive: true, force: true });
        times.push((await coldStart(env, query)).ms);
      }
      const row = {
        sizeMb,
        indexBytes: bytes,
        docs,
        tier,
        measuredMs: median(times),
        bytesRead,
        modelledNetworkMs,
      };
      rows.push(row);
      console.error(
        `  ${sizeMb} MB ${tier}: median ${row.measuredMs.toFixed(0)} ms measured, ${(bytesRead / 1e6).toFixed(1)} MB read, +${modelledNetworkMs.toFixed(0)} ms modelled network`,
      );
    }
  }
} finally {
  s3.destroy();
  await local.close();
}

const command = `npm run bench:tiers -- --sizes ${SIZES_MB.join(',')} --runs ${RUNS}`;
const table = [
  '| index | docs | tier | measured cold start (median) | bytes read per cold start | modelled network part | measured + modelled |',
  '| --- | --- | --- | --- | --- | --- | --- |',
  ...rows.map(
    (r) =>
      `| ${(r.indexBytes / 1e6).toFixed(1)} MB | ${r.docs} | ${r.tier} | ${r.measuredMs.toFixed(0)} ms | ${(r.bytesRead / 1e6).toFixed(2)} MB | ${r.modelledNetworkMs.toFixed(0)} ms | ${(r.measuredMs + r.modelledNetworkMs).toFixed(0)} ms |`,
  ),
].join('\n');
writeFileSync(
  join(import.meta.dirname, 'results.json'),
  `${JSON.stringify({ command, runs: RUNS, rows }, null, 2)}\n`,
);
writeFileSync(
  join(import.meta.dirname, 'RESULTS.md'),
  `# Cold start per storage tier\n\nCommand: \`${command}\` (one run, ${new Date().toISOString().slice(0, 10)}, this repository's 2-core machine, shared).\n\n` +
    `Measured: a fresh \`node\` process importing the built bundle (dist/lambda/search) with the tier's environment, to its first answer; median of ${RUNS}. ` +
    `bundled reads the index beside the bundle; efs a local directory store (a warm local disk, not NFS); s3 downloads the version from fauxqs over loopback, checking every byte. An index whose artifact would pass Lambda's 250 MB unzipped has no bundled row: such a stack is refused. ` +
    `Modelled (not measured): the network part in AWS, bytes over the throughputs in runtime/cost/prices.ts (S3 → Lambda 75 MB/s and 30 ms per GET; EFS → Lambda 250 MB/s; a bundled package fetched like S3), with their sources there.\n\n${table}\n`,
);
console.log(table);
