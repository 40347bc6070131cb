/**
 * Faults, each with random timing (seeded per run; the seed is printed on failure): a worker killed
 * mid-task, duplicated task messages, a poison chunk, the coordinator failing between its steps.
 * After each, the job's index is the one `sir index` builds (same documents, same top 10), no task
 * is counted twice, and a failed job says which chunk and corpus line failed.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { SearchIndex, buildIndex } from '../../runtime/engine/index.js';
import { type JobStatusView, makeSqsClient } from '../../runtime/jobs/index.js';
import { type LocalPipeline, startLocalPipeline } from '../../runtime/local/pipeline.js';
import { IndexStore } from '../../runtime/store/index.js';
import { makeS3Client } from '../../runtime/upload/index.js';
import { syntheticDocs, tempDir } from '../fixtures/corpus.js';
import { openLive, topK, waitForJob } from './helpers.js';

const QUERIES = ['w1 w2', 'w3', 'w7 w11 w40', 'w5 w100', 'w2 w9'];
const SEED = Number(process.env.SIR_FAULT_SEED ?? Date.now() % 100_000);
let state = SEED;
const random = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function writeCorpus(dir: string, docs: number, seed: number): string {
  const file = join(dir, `corpus-${seed}.jsonl`);
  writeFileSync(
    file,
    syntheticDocs(docs, seed)
      .map((d) => JSON.stringify(d))
      .join('\n') + '\n',
  );
  return file;
}

/** The index a job kept in the results bucket (publish: false), opened. */
async function keptIndex(pipeline: LocalPipeline, job: JobStatusView): Promise<SearchIndex> {
  const url = (job.result!.output as { index: string }).index;
  const [, bucket, key] = /^s3:\/\/([^/]+)\/(.+)$/.exec(url)!;
  const s3 = makeS3Client({ region: pipeline.aws.region, endpoint: pipeline.aws.endpoint });
  const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return SearchIndex.fromBytes(await r.Body!.transformToByteArray());
}

/** The job's index equals `sir index` over the same corpus: document count and top 10. */
async function assertSameAsSirIndex(pipeline: LocalPipeline, job: JobStatusView, corpus: string) {
  assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
  assert.equal(job.tasks.done, job.tasks.total, 'every task counted once');
  const dir = tempDir('sir-fault-ref-');
  buildIndex(corpus, dir);
  const reference = SearchIndex.open(dir);
  const got = await keptIndex(pipeline, job);
  try {
    assert.equal(got.info.docCount, reference.info.docCount);
    assert.deepEqual(topK(got, QUERIES), topK(reference, QUERIES));
  } finally {
    got.free();
    reference.free();
  }
}

describe(`jobs under faults (seed ${SEED}; rerun with SIR_FAULT_SEED=${SEED})`, function () {
  this.timeout(300_000);

  it('workers killed mid-task: the task is delivered again and the result is unchanged', async () => {
    const tmp = tempDir('sir-fault-kill-');
    // Three jobs at once, kills at random moments: each kill's task returns after the
    // visibility timeout (6 × the 8 s worker timeout), so they share the wait.
    const pipeline = await startLocalPipeline({
      storeDir: join(tmp, 'store'),
      workers: 3,
      inputRoots: [tmp],
      timeouts: { worker: 8, coordinator: 2 },
      retryBaseSeconds: 1,
      output: () => {},
    });
    try {
      const corpora = [1, 2, 3].map((s) => writeCorpus(tmp, 2600, SEED + s));
      const jobs = await Promise.all(
        corpora.map(
          async (c) =>
            (
              await pipeline.service.submit({
                kind: 'build-index',
                corpus: pathToFileURL(c).href,
                chunkMb: 1,
                publish: false,
              })
            ).job,
        ),
      );
      let kills = 0;
      for (let attempt = 0; attempt < 200 && kills < 3; attempt++) {
        await sleep(50 + random() * 400);
        const busy = pipeline.workers.busyPids();
        if (busy.length === 0) continue;
        process.kill(busy[Math.floor(random() * busy.length)]!, 'SIGKILL');
        kills++;
      }
      assert.ok(kills > 0, 'killed at least one busy worker');
      for (const [i, j] of jobs.entries()) {
        const done = await waitForJob(pipeline.service, j.id, { ms: 200_000 });
        await assertSameAsSirIndex(pipeline, done, corpora[i]!);
      }
      const retried = (await Promise.all(jobs.map((j) => pipeline.service.get(j.id)))).reduce(
        (n, j) => n + j.tasks.retried,
        0,
      );
      assert.ok(
        pipeline.mappings.task.stats.failedInvocations >= 1,
        `${kills} kill(s), ${retried} retried`,
      );
    } finally {
      await pipeline.close();
    }
  });

  it('duplicated task messages at random moments change nothing', async () => {
    const tmp = tempDir('sir-fault-dup-');
    const pipeline = await startLocalPipeline({
      storeDir: join(tmp, 'store'),
      workers: 2,
      inputRoots: [tmp],
      output: () => {},
    });
    try {
      const corpus = writeCorpus(tmp, 3000, SEED + 7);
      const { job } = await pipeline.service.submit({
        kind: 'build-index',
        corpus: pathToFileURL(corpus).href,
        chunkMb: 1,
        publish: false,
      });
      const sqs = makeSqsClient(pipeline.aws.region, pipeline.aws.endpoint);
      const duplicates = async () => {
        for (let i = 0; i < 8; i++) {
          await sleep(random() * 600);
          const task = Math.floor(random() * job.tasks.total);
          await sqs.send(
            new SendMessageCommand({
              QueueUrl: pipeline.env.JOBS_TASK_QUEUE_URL,
              MessageBody: JSON.stringify({ v: 1, type: 'task', job: job.id, task, generation: 0 }),
              MessageGroupId: job.id,
            }),
          );
        }
      };
      const [done] = await Promise.all([waitForJob(pipeline.service, job.id), duplicates()]);
      await sleep(2000); // let late duplicates run after the job finished
      const after = await pipeline.service.get(job.id);
      await assertSameAsSirIndex(pipeline, after, corpus);
      assert.equal(after.result?.indexSha256, done.result?.indexSha256);
      assert.equal(pipeline.mappings.reduce.stats.invocations, 1, 'reduced once');
    } finally {
      await pipeline.close();
    }
  });

  it('a poison chunk fails the job naming the chunk and the corpus line; the live version is untouched; retry after fixing succeeds', async () => {
    const tmp = tempDir('sir-fault-poison-');
    const store = join(tmp, 'store');
    const pipeline = await startLocalPipeline({
      storeDir: store,
      workers: 2,
      inputRoots: [tmp],
      output: () => {},
    });
    try {
      for (let round = 0; round < 3; round++) {
        const docs = syntheticDocs(4000, SEED + 11 + round).map((d) => JSON.stringify(d));
        const bad = 1 + Math.floor(random() * (docs.length - 2)); // 0-based index of the poison line
        const good = docs[bad]!;
        docs[bad] = `${good.slice(0, -1)}]`; // same length, not JSON
        const corpus = join(tmp, `poison-${round}.jsonl`);
        writeFileSync(corpus, docs.join('\n') + '\n');
        const live = new IndexStore(store);
        buildIndex(writeCorpus(tmp, 50, round), join(tmp, `seed-${round}`));
        const before = (await live.publish(join(tmp, `seed-${round}`))).version;

        const policies = [
          { name: 'AlwaysOne' },
          { name: 'StaticProportional', m: 2 },
          { name: 'QueueDepth', backlog: 2 },
        ];
        const policy = policies[Math.floor(random() * policies.length)];
        const { job } = await pipeline.service.submit({
          kind: 'build-index',
          corpus: pathToFileURL(corpus).href,
          chunkMb: 1,
          policy,
        });
        const failed = await waitForJob(pipeline.service, job.id, {
          until: (j) => j.status === 'failed' && j.error?.line !== null,
        });
        const chunkBytes = 1 << 20;
        const offset = docs.slice(0, bad).reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
        const chunk = Math.floor(offset / chunkBytes);
        assert.equal(failed.error!.task, chunk);
        assert.equal(
          failed.error!.line,
          bad + 1,
          `the corpus line: ${JSON.stringify(failed.error)}`,
        );
        assert.match(
          failed.error!.message,
          new RegExp(
            `^chunk ${chunk + 1} of ${job.tasks.total} \\(bytes \\d+–\\d+\\), line \\d+ of the chunk: `,
          ),
        );
        assert.equal(failed.error!.permanent, true);
        assert.equal(await live.readCurrent(), before, 'the live version is untouched');
        // Retrying the same bytes would fail the same way: refused with a sentence.
        await assert.rejects(pipeline.service.retry(job.id), /failed on its input itself/);

        docs[bad] = good;
        writeFileSync(corpus, docs.join('\n') + '\n');
        const retried = await pipeline.service.retry(job.id);
        assert.ok(
          retried.retriedAs && retried.retriedAs !== job.id,
          'a changed input is a new job',
        );
        const done = await waitForJob(pipeline.service, retried.retriedAs!);
        assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
        // Chunks the failed job had built are reused (copied), the fixed one is built again.
        assert.ok(
          done.tasks.reused >= failed.tasks.done && done.tasks.reused <= done.tasks.total - 1,
          `reused ${done.tasks.reused}; the failed job had built ${failed.tasks.done}`,
        );
        const { version, index } = await openLive(store);
        index.free();
        assert.equal(version, done.id);
      }
    } finally {
      await pipeline.close();
    }
  });

  it('the coordinator failing between its steps (reads, sends, the state write) loses nothing', async () => {
    const tmp = tempDir('sir-fault-coord-');
    const pipeline = await startLocalPipeline({
      storeDir: join(tmp, 'store'),
      workers: 2,
      inputRoots: [tmp],
      timeouts: { coordinator: 1 },
      output: () => {},
    });
    try {
      // Each S3 or SQS call of the coordinator may fail (a crash at that point: before reading,
      // after sending tasks but before writing the state, ...), at most 4 times in all, so no
      // message reaches its last delivery; random delays shuffle the timing.
      let budget = 4;
      const failures: string[] = [];
      const inject =
        (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) =>
        async (args: unknown) => {
          await sleep(random() * 60);
          if (budget > 0 && random() < 0.3) {
            budget--;
            failures.push(context.commandName ?? '?');
            throw Object.assign(new Error(`injected failure in ${context.commandName}`), {
              name: 'AccessDenied',
              $fault: 'client',
            });
          }
          return next(args);
        };
      const ctx = pipeline.coordinatorContext;
      ctx.s3.middlewareStack.add(inject as never, { step: 'initialize', name: 'injectFaults' });
      ctx.sqs!.middlewareStack.add(inject as never, { step: 'initialize', name: 'injectFaults' });
      const corpus = writeCorpus(tmp, 4000, SEED + 13);
      const { job } = await pipeline.service.submit({
        kind: 'build-index',
        corpus: pathToFileURL(corpus).href,
        chunkMb: 1,
        publish: false,
        policy: { name: 'AlwaysOne' },
      });
      const done = await waitForJob(pipeline.service, job.id, { ms: 200_000 });
      await assertSameAsSirIndex(pipeline, done, corpus);
      assert.ok(failures.length > 0, 'at least one failure was injected');
      assert.equal(
        pipeline.mappings.reduce.stats.invocations,
        1,
        `failures in ${failures.join(', ')}`,
      );
    } finally {
      await pipeline.close();
    }
  });
});
