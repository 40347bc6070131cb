/**
 * The pipeline end to end on the local stand-in (fauxqs as S3 and SQS, the handlers in execution
 * environments fed by event-source mappings): SciFact built by a job in ≥ 8 chunks with 4 workers
 * publishes a version whose top 10 for 50 queries (ids and scores) equal `sir index` over the whole
 * corpus; submitting it again returns the same job and runs nothing.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SearchIndex, buildIndex } from '../../runtime/engine/index.js';
import { type LocalPipeline, startLocalPipeline } from '../../runtime/local/pipeline.js';
import { tempDir } from '../fixtures/corpus.js';
import { openLive, topK, waitForJob } from './helpers.js';
import { requireSciFact, SCIFACT_DIR } from '../fixtures/external.js';

describe('jobs end to end: build-index on SciFact', function () {
  this.timeout(300_000);
  const data = SCIFACT_DIR;
  let pipeline: LocalPipeline;
  let reference: SearchIndex;
  const tmp = tempDir('sir-jobs-e2e-');
  const queries: string[] = [];

  before(async function () {
    requireSciFact(this);
    buildIndex(join(data, 'corpus.jsonl'), join(tmp, 'reference'));
    reference = SearchIndex.open(join(tmp, 'reference'));
    for (const line of readFileSync(join(data, 'queries.jsonl'), 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      queries.push((JSON.parse(line) as { text: string }).text);
      if (queries.length === 50) break;
    }
    pipeline = await startLocalPipeline({
      storeDir: join(tmp, 'store'),
      workers: 4,
      inputRoots: [data],
      output: () => {},
    });
  });
  after(async () => {
    reference?.free();
    await pipeline?.close();
  });

  it('publishes a version equal to sir index: same ids and scores, top 10, 50 queries', async () => {
    const request = {
      kind: 'build-index',
      corpus: pathToFileURL(join(data, 'corpus.jsonl')).href,
      chunkMb: 1,
      policy: { name: 'StaticProportional', m: 2 },
    };
    const submitted = await pipeline.service.submit(request);
    assert.equal(submitted.created, true);
    assert.match(submitted.job.id, /^build-[0-9a-f]{24}$/);
    assert.ok(submitted.job.tasks.total >= 8, `${submitted.job.tasks.total} chunks`);
    const job = await waitForJob(pipeline.service, submitted.job.id);
    assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
    assert.equal(job.tasks.done, job.tasks.total);
    assert.equal(job.result?.docs, 5183);
    assert.deepEqual(job.result?.published, { version: job.id });

    const live = await openLive(join(tmp, 'store'));
    try {
      assert.equal(live.version, job.id);
      assert.equal(live.index.info.docCount, reference.info.docCount);
      const got = topK(live.index, queries);
      assert.deepEqual(got, topK(reference, queries));
      assert.ok(got.every((hits) => hits.length === 10));
    } finally {
      live.index.free();
    }
    // At most ⌈total / 2⌉ tasks ran at once (StaticProportional m = 2), 4 environments at most.
    assert.ok(pipeline.workers.pids().length <= 4);
  });

  it('the same request again is the same job, and runs nothing', async () => {
    const before = { ...pipeline.mappings.task.stats };
    const reduceBefore = pipeline.mappings.reduce.stats.invocations;
    const again = await pipeline.service.submit({
      kind: 'build-index',
      corpus: pathToFileURL(join(data, 'corpus.jsonl')).href,
      chunkMb: 1,
      // The policy says how fast, not what: it is not part of the job's identity.
      policy: { name: 'AlwaysOne' },
      analyzer: { fields: ['title', 'text'], stemmer: 'porter' },
    });
    assert.equal(again.created, false);
    assert.equal(again.job.status, 'succeeded');
    await new Promise((r) => setTimeout(r, 2500));
    assert.deepEqual(pipeline.mappings.task.stats, before, 'no task was sent or run');
    assert.equal(pipeline.mappings.reduce.stats.invocations, reduceBefore);
    const list = await pipeline.service.list();
    assert.deepEqual(
      list.map((j) => j.id),
      [again.job.id],
    );
  });
});
