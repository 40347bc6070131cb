/**
 * `npm run bench:jobs`: strong scaling of a build job, in the spirit of the map + reduce study the
 * pipeline comes from. A generated corpus of distinct documents (≥ 1 GiB by default) is indexed
 * once by `sir index` in one process, then by build jobs on the local stand-in with 1, 2, 4 and 8
 * workers (each worker its own process, as a Lambda is its own environment). Writes
 * bench/jobs/RESULTS.md (the table, with the command and the machine), bench/jobs/scaling.svg and
 * bench/jobs/results.json, with the cost and time a Lambda run would have by the model in
 * cost-model.ts. Not a test: it takes tens of minutes.
 *
 * Env: BENCH_JOBS_DOCS (documents, default 1,450,000 ≈ 1.1 GiB), BENCH_JOBS_WORKERS (default
 * 1,2,4,8), BENCH_JOBS_CHUNK_MB (default 64), BENCH_WORK (scratch folder).
 */
import { spawn } from 'node:child_process';
import { cpus, totalmem, tmpdir } from 'node:os';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { SearchIndex } from '../../runtime/engine/index.js';
import type { JobStatusView } from '../../runtime/jobs/index.js';
import { startLocalPipeline } from '../../runtime/local/pipeline.js';
import { IndexStore } from '../../runtime/store/index.js';
import { makeS3Client } from '../../runtime/upload/index.js';
import { DEFAULT_ZIPF, writeZipfCorpus, zipfQueries } from '../corpus/zipf.js';
import { DEFAULT_SIZING, type MeasuredJob, jobCost, modelSeconds } from './cost-model.js';
import { scalingSvg } from './plot.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const SIR = fileURLToPath(new URL('../../bin/sir.mjs', import.meta.url));
const WORK = process.env.BENCH_WORK ?? join(tmpdir(), 'sir-bench-jobs');
const DOCS = Number(process.env.BENCH_JOBS_DOCS ?? 1_450_000);
const WORKERS = (process.env.BENCH_JOBS_WORKERS ?? '1,2,4,8').split(',').map(Number);
const CHUNK_MB = Number(process.env.BENCH_JOBS_CHUNK_MB ?? 64);
const QUERIES = zipfQueries(20);
const GiB = 1024 ** 3;

const log = (line: string) => process.stderr.write(`${line}\n`);

function runProcess(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [SIR, ...args], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve((performance.now() - started) / 1000)
        : reject(new Error(`sir ${args[0]} exited ${code}`)),
    );
  });
}

const topIds = (index: SearchIndex) =>
  QUERIES.map((q) =>
    index.search(q, { size: 10, plain: true }).hits.map((h) => [index.externalId(h.doc), h.score]),
  );

interface Run {
  workers: number;
  seconds: number;
  mapSeconds: number;
  reduceSeconds: number;
  tasks: number;
  taskSeconds: number[];
  segmentBytes: number;
  docs: number;
  indexSha256: string;
  sameTop10AsSirIndex: boolean;
}

async function runJob(
  corpus: string,
  workers: number,
  reference: ReturnType<typeof topIds>,
): Promise<Run> {
  const dir = join(WORK, `store-${workers}`);
  rmSync(dir, { recursive: true, force: true });
  const pipeline = await startLocalPipeline({
    storeDir: dir,
    workers,
    inputRoots: [WORK],
    timeouts: { worker: 900, reduce: 900 },
    output: () => {},
  });
  try {
    // Environments start warm (as provisioned concurrency would); let them load before timing.
    await new Promise((r) => setTimeout(r, 3000 + 1500 * workers));
    const started = performance.now();
    const { job } = await pipeline.service.submit({
      kind: 'build-index',
      corpus: pathToFileURL(corpus).href,
      chunkMb: CHUNK_MB,
    });
    let done: JobStatusView;
    for (;;) {
      done = await pipeline.service.get(job.id);
      if (done.status === 'succeeded' || done.status === 'failed') break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const seconds = (performance.now() - started) / 1000;
    if (done.status !== 'succeeded') throw new Error(`job failed: ${JSON.stringify(done.error)}`);
    const s3 = makeS3Client({ region: pipeline.aws.region, endpoint: pipeline.aws.endpoint });
    const records = await Promise.all(
      Array.from({ length: done.tasks.total }, async (_, n) => {
        const r = await s3.send(
          new GetObjectCommand({
            Bucket: pipeline.resultsBucket,
            Key: `jobs/${job.id}/tasks/${n}.json`,
          }),
        );
        return JSON.parse(await r.Body!.transformToString()) as {
          seconds: number;
          segment: string | null;
        };
      }),
    );
    let segmentBytes = 0;
    for (const r of records)
      if (r.segment) {
        const o = await s3.send(
          new GetObjectCommand({ Bucket: pipeline.resultsBucket, Key: r.segment }),
        );
        segmentBytes += Number(o.ContentLength ?? 0);
        await o.Body!.transformToByteArray();
      }
    const store = new IndexStore(dir);
    const index = SearchIndex.open(store.versionDir((await store.current())!));
    const same = JSON.stringify(topIds(index)) === JSON.stringify(reference);
    index.free();
    const result = done.result as { docs: number; indexSha256: string; reduceSeconds: number };
    return {
      workers,
      seconds,
      mapSeconds: (Date.parse(done.mapFinishedAt!) - Date.parse(done.submittedAt)) / 1000,
      reduceSeconds: result.reduceSeconds,
      tasks: done.tasks.total,
      taskSeconds: records.map((r) => r.seconds),
      segmentBytes,
      docs: result.docs,
      indexSha256: result.indexSha256,
      sameTop10AsSirIndex: same,
    };
  } finally {
    await pipeline.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  mkdirSync(WORK, { recursive: true });
  const corpus = join(WORK, `zipf-${DOCS}.jsonl`);
  log(`corpus: ${corpus}`);
  await writeZipfCorpus(corpus, { ...DEFAULT_ZIPF, docs: DOCS, seed: 2026 });
  const bytes = statSync(corpus).size;
  log(`corpus: ${DOCS.toLocaleString('en')} distinct documents, ${(bytes / GiB).toFixed(2)} GiB`);

  log('sir index --threads 1 (one process, one thread)…');
  const refDir = join(WORK, 'sir-index');
  rmSync(refDir, { recursive: true, force: true });
  const sirIndexSeconds = await runProcess(['index', corpus, '--out', refDir, '--threads', '1']);
  log(`sir index --threads 1: ${sirIndexSeconds.toFixed(1)} s`);
  log(`sir index --threads ${cpus().length} (one process, a thread per core)…`);
  const threadedDir = join(WORK, 'sir-index-threads');
  rmSync(threadedDir, { recursive: true, force: true });
  const sirIndexThreadsSeconds = await runProcess([
    'index',
    corpus,
    '--out',
    threadedDir,
    '--threads',
    String(cpus().length),
  ]);
  rmSync(threadedDir, { recursive: true, force: true });
  const refIndex = SearchIndex.open(refDir);
  const reference = topIds(refIndex);
  const docs = refIndex.info.docCount;
  refIndex.free();
  log(`sir index --threads ${cpus().length}: ${sirIndexThreadsSeconds.toFixed(1)} s`);

  const runs: Run[] = [];
  for (const w of WORKERS) {
    log(`build job, ${w} worker(s)…`);
    const r = await runJob(corpus, w, reference);
    log(
      `  ${r.seconds.toFixed(1)} s (map ${r.mapSeconds.toFixed(1)} s, reduce ${r.reduceSeconds.toFixed(1)} s), same top 10: ${r.sameTop10AsSirIndex}`,
    );
    runs.push(r);
  }

  const one = runs.find((r) => r.workers === 1) ?? runs[0]!;
  const meanTask = one.taskSeconds.reduce((a, b) => a + b, 0) / one.taskSeconds.length;
  const overhead = Math.max(
    0,
    one.seconds - one.taskSeconds.reduce((a, b) => a + b, 0) - one.reduceSeconds,
  );
  const mbPerTaskSecond = bytes / one.tasks / 2 ** 20 / meanTask;
  // The model: tasks of 10 MiB (so 100 workers have work), each as fast per MiB as measured here.
  const modelChunkMb = 10;
  const modelTasks = Math.ceil(bytes / (modelChunkMb * 2 ** 20));
  const modelTask = modelChunkMb / mbPerTaskSecond;
  const model = (p: number) => modelSeconds(p, modelTasks, modelTask, one.reduceSeconds, overhead);
  const modelPoints = [1, 2, 4, 8, 16, 32, 64, 100];
  const cost = jobCost({
    tasks: one.tasks,
    taskSeconds: one.taskSeconds,
    reduceSeconds: one.reduceSeconds,
    segmentBytes: one.segmentBytes,
  } satisfies MeasuredJob);

  const results = {
    command: 'npm run bench:jobs',
    date: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      memoryGiB: +(totalmem() / GiB).toFixed(1),
      node: process.version,
    },
    corpus: { docs, bytes, chunkMb: CHUNK_MB },
    sirIndexSeconds,
    sirIndexThreadsSeconds,
    runs,
    model: {
      chunkMb: modelChunkMb,
      tasks: modelTasks,
      taskSeconds: modelTask,
      reduceSeconds: one.reduceSeconds,
      overheadSeconds: overhead,
      seconds: Object.fromEntries(modelPoints.map((p) => [p, model(p)])),
    },
    cost: { ...cost, sizing: DEFAULT_SIZING },
  };
  writeFileSync(join(HERE, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(
    join(HERE, 'scaling.svg'),
    scalingSvg(
      [
        {
          label: 'ideal (linear)',
          colour: '#999',
          dashed: true,
          points: [
            [1, 1],
            [128, 128],
          ],
        },
        {
          label: `measured here (${cpus().length} cores)`,
          colour: '#c0392b',
          points: runs.map((r) => [r.workers, one.seconds / r.seconds]),
        },
        {
          label: `model on Lambda (${modelChunkMb} MiB tasks, serial reduce)`,
          colour: '#2471a3',
          dashed: true,
          points: modelPoints.map((p) => [p, model(1) / model(p)]),
        },
      ],
      { title: `Build job on ${(bytes / GiB).toFixed(2)} GiB: strong scaling` },
    ),
  );
  writeFileSync(join(HERE, 'RESULTS.md'), report(results));
  log('wrote bench/jobs/RESULTS.md, scaling.svg, results.json');
}

function report(r: {
  date: string;
  machine: { cpus: number; cpuModel?: string; memoryGiB: number; node: string };
  corpus: { docs: number; bytes: number; chunkMb: number };
  sirIndexSeconds: number;
  sirIndexThreadsSeconds: number;
  runs: Run[];
  model: {
    chunkMb: number;
    tasks: number;
    taskSeconds: number;
    reduceSeconds: number;
    overheadSeconds: number;
    seconds: Record<string, number>;
  };
  cost: ReturnType<typeof jobCost> & { sizing: typeof DEFAULT_SIZING };
}): string {
  const one = r.runs.find((x) => x.workers === 1) ?? r.runs[0]!;
  const f = (x: number, d = 1) => x.toFixed(d);
  const rows = r.runs.map(
    (x) =>
      `| ${x.workers} | ${f(x.seconds)} | ${f(x.mapSeconds)} | ${f(x.reduceSeconds)} | ${f(one.seconds / x.seconds, 2)} | ${f((one.seconds / x.seconds / x.workers) * 100, 0)}% | ${f(r.sirIndexSeconds / x.seconds, 2)} | ${x.sameTop10AsSirIndex ? 'yes' : '**no**'} |`,
  );
  const sameBytes = new Set(r.runs.map((x) => x.indexSha256)).size === 1;
  const m = r.model;
  const mrows = Object.entries(m.seconds).map(
    ([p, s]) => `| ${p} | ${f(s)} | ${f(m.seconds['1']! / s, 1)} |`,
  );
  return `# Build jobs: strong scaling

\`npm run bench:jobs\` (bench/jobs/run.ts), ${r.date}. Machine: ${r.machine.cpus} cores (${r.machine.cpuModel ?? 'unknown CPU'}), ${r.machine.memoryGiB} GiB, Node ${r.machine.node}; shared with other work while it ran, so single numbers are noisy.

Corpus: ${r.corpus.docs.toLocaleString('en')} distinct generated documents (bench/corpus/zipf.ts, seed 2026), ${f(r.corpus.bytes / 2 ** 30, 2)} GiB; jobs cut it into ${one.tasks} tasks of ${r.corpus.chunkMb} MiB. \`sir index\` in one process: **${f(r.sirIndexSeconds)} s** with one thread (\`--threads 1\`), ${f(r.sirIndexThreadsSeconds)} s with ${r.machine.cpus} (\`--threads ${r.machine.cpus}\`, its default here).

| workers | job (s) | map (s) | reduce (s) | speedup vs 1 worker | efficiency | vs \`sir index --threads 1\` | same top 10 as \`sir index\` (20 queries) |
| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |
${rows.join('\n')}

Every run built the same index bytes: ${sameBytes ? 'yes (one SHA-256)' : '**no**'}. Job time runs from submission to the result, with warm environments; it includes hashing the corpus, the queue hops, writing segments to the local S3 and the reduce step (download, merge, publish into the store).

![strong scaling](scaling.svg)

**What two cores allow.** Each worker is a process building one chunk on one core, so past ${r.machine.cpus} workers there is no core left to run them: the map step cannot go faster than ${r.machine.cpus}× here, and 4 or 8 workers only share the same cores (plus the reduce step, the coordinator and fauxqs). The table measures the pipeline's overhead and its serial part honestly; it cannot show scaling beyond the cores the machine has.

**What the model predicts for Lambda** (bench/jobs/cost-model.ts): tasks of ${m.chunkMb} MiB (${m.tasks} of them, so 100 workers have work), each taking ${f(m.taskSeconds, 2)} s — this machine's measured speed per MiB, assuming a ${r.cost.sizing.workerMemoryMb} MB worker (≥ 1,769 MB is one full vCPU) is as fast as one core here — then the reduce step as measured (${f(m.reduceSeconds)} s: one function merges every segment, which does not scale), plus ${f(m.overheadSeconds)} s of fixed overhead seen in the one-worker run:

| Lambda workers | predicted job (s) | speedup |
| ---: | ---: | ---: |
${mrows.join('\n')}

The serial reduce step bounds the speedup (Amdahl): with 100 workers the map step is ⌈${m.tasks} / 100⌉ × ${f(m.taskSeconds, 2)} s and the merge dominates. Cold starts (≈ 1 s for these bundles) and S3 throughput per function (tens to a hundred MB/s) add to the map step; neither is measured here.

**Cost of one such job on Lambda** (arm64, us-east-1 list prices; workers ${r.cost.sizing.workerMemoryMb} MB, reduce ${r.cost.sizing.reduceMemoryMb} MB, coordinator ${r.cost.sizing.coordinatorMemoryMb} MB): ${f(r.cost.gbSeconds, 0)} GB-seconds, ${r.cost.lambdaRequests} Lambda requests, ${r.cost.sqsRequests.standard} standard + ${r.cost.sqsRequests.fifo} FIFO SQS requests, ${r.cost.s3Requests.put} S3 PUTs and ${r.cost.s3Requests.get} GETs: **≈ $${r.cost.dollars.toFixed(4)}** — the GB-seconds are the same whatever the number of workers (the same work, spread wider), so more workers buy time, not cost.
`;
}

main().catch((err: Error) => {
  log(`bench:jobs: ${err.stack ?? err.message}`);
  process.exit(1);
});
