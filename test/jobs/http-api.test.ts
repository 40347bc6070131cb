/**
 * The jobs routes of the app (through `app.request`), over the real `JobsService` on the local
 * stand-in: 202 + Location for a new job, 200 for the same request again, a kept index evaluated,
 * status and list, retry
 * refused on a job that has not failed, and every bad input a 4xx problem+json naming the field.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Validator } from '@seriousme/openapi-schema-validator';
import { createApp, openLiveIndex } from '../../runtime/app/index.js';
import { silentLogger } from '../../runtime/log/logger.js';
import type { JobStatusView } from '../../runtime/jobs/index.js';
import { type LocalPipeline, startLocalPipeline } from '../../runtime/local/pipeline.js';
import { syntheticDocs, tempDir } from '../fixtures/corpus.js';
import { buildFixtureIndex } from '../app/helpers.js';
import { waitForJob } from './helpers.js';

type App = ReturnType<typeof createApp>;

async function problem(res: Response, status: number, field?: string | RegExp) {
  assert.equal(res.status, status, await res.clone().text());
  assert.equal(res.headers.get('content-type'), 'application/problem+json');
  const body = (await res.json()) as {
    status: number;
    detail: string;
    errors?: Array<{ field: string; message: string }>;
  };
  assert.equal(body.status, status);
  assert.ok(body.detail.length > 10, body.detail);
  if (field !== undefined)
    assert.ok(
      body.errors?.some((e) =>
        typeof field === 'string' ? e.field === field : field.test(e.field),
      ),
      JSON.stringify(body),
    );
  return body;
}

describe('jobs HTTP API', function () {
  this.timeout(120_000);
  const tmp = tempDir('sir-jobs-http-');
  const corpus = join(tmp, 'corpus.jsonl');
  let pipeline: LocalPipeline;
  let app: App;
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  before(async () => {
    writeFileSync(
      corpus,
      syntheticDocs(300)
        .map((d) => JSON.stringify(d))
        .join('\n') + '\n',
    );
    pipeline = await startLocalPipeline({
      storeDir: join(tmp, 'store'),
      workers: 2,
      inputRoots: [tmp],
      output: () => {},
    });
    app = createApp({
      index: openLiveIndex(buildFixtureIndex(tempDir())),
      jobs: pipeline.service,
      log: silentLogger,
    });
  });
  after(() => pipeline?.close());

  it('POST /jobs: 202 with Location; the same request again: 200, the same job', async () => {
    const request = {
      kind: 'build-index',
      corpus: pathToFileURL(corpus).href,
      chunkMb: 1,
      publish: false,
    };
    const first = await post('/jobs', request);
    assert.equal(first.status, 202);
    const job = (await first.json()) as JobStatusView;
    assert.equal(first.headers.get('location'), `/jobs/${job.id}`);
    assert.ok(['queued', 'running'].includes(job.status));
    assert.deepEqual(job.request, {
      kind: 'build-index',
      corpus: request.corpus,
      chunkMb: 1,
      analyzer: {
        fields: ['title', 'text'],
        fieldMode: 'combined',
        stemmer: 'porter',
        stopwords: 'lucene',
        norms: 'exact',
      },
      skipBad: false,
      publish: false,
      policy: { name: 'StaticProportional', m: 1 },
    });
    const again = await post('/jobs', { ...request, analyzer: { stemmer: 'porter' } });
    assert.equal(again.status, 200);
    assert.equal(((await again.json()) as JobStatusView).id, job.id);

    let done: JobStatusView;
    for (;;) {
      done = (await (await app.request(`/jobs/${job.id}`)).json()) as JobStatusView;
      if (done.status === 'succeeded' || done.status === 'failed') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
    assert.equal(done.result?.docs, 300);
    assert.match(
      String((done.result?.output as { index: string }).index),
      /^s3:\/\/sir-local-results\/jobs\/build-[0-9a-f]{24}\/output\/index\.sir$/,
    );
    assert.deepEqual(Object.keys(done.queue ?? {}).sort(), ['deadLetters', 'inFlight', 'waiting']);
    assert.ok(done.finishedAt && done.startedAt && done.seconds > 0);

    // The kept index is an evaluation's input as it stands: it carries its SHA-256.
    const queries = join(tmp, 'kept-q.jsonl');
    writeFileSync(queries, '{"_id":"q","text":"w1"}\n');
    const qrels = join(tmp, 'kept-qrels.tsv');
    writeFileSync(qrels, 'q\tdoc-1\t1\n');
    const kept = String((done.result?.output as { index: string }).index);
    const evaluation = await post('/jobs', {
      kind: 'evaluate',
      index: kept,
      queries: pathToFileURL(queries).href,
      qrels: pathToFileURL(qrels).href,
      runs: [{ ranker: 'bm25' }],
    });
    assert.equal(evaluation.status, 202, await evaluation.clone().text());
    const evaluated = await waitForJob(
      pipeline.service,
      ((await evaluation.json()) as JobStatusView).id,
    );
    assert.equal(evaluated.status, 'succeeded', JSON.stringify(evaluated.error));

    const list = (await (await app.request('/jobs?limit=5')).json()) as { jobs: JobStatusView[] };
    assert.deepEqual(
      list.jobs.map((j) => j.id),
      [evaluated.id, job.id],
    );
    const retry = await app.request(`/jobs/${job.id}/retry`, { method: 'POST' });
    const refused = await problem(retry, 409);
    assert.match(refused.detail, /succeeded; there is nothing to retry/);
  });

  it('bad requests are 4xx problem+json naming the field', async () => {
    await problem(await post('/jobs', { kind: 'build-index' }), 400, 'corpus');
    await problem(await post('/jobs', { kind: 'sort-socks', corpus: 'x' }), 400, 'kind');
    await problem(
      await post('/jobs', { kind: 'build-index', corpus: pathToFileURL(corpus).href, chunkMb: 0 }),
      400,
      'chunkMb',
    );
    await problem(
      await post('/jobs', {
        kind: 'build-index',
        corpus: pathToFileURL(corpus).href,
        chunkMb: 1.5,
      }),
      400,
      'chunkMb',
    );
    const unknown = await problem(
      await post('/jobs', {
        kind: 'build-index',
        corpus: pathToFileURL(corpus).href,
        colour: 'red',
      }),
      400,
      'colour',
    );
    assert.match(unknown.errors![0]!.message, /accepted fields are kind, corpus, chunkMb/);
    const nested = await problem(
      await post('/jobs', {
        kind: 'build-index',
        corpus: pathToFileURL(corpus).href,
        analyzer: { stem: 'x' },
      }),
      400,
      'analyzer.stem',
    );
    assert.match(nested.errors![0]!.message, /fields, fieldMode, stemmer, stopwords, norms/);
    await problem(
      await post('/jobs', {
        kind: 'build-index',
        corpus: pathToFileURL(corpus).href,
        policy: { name: 'Fastest' },
      }),
      400,
      /^policy/,
    );
    await problem(
      await post('/jobs', { kind: 'build-index', corpus: 'file:///etc/hostname' }),
      400,
      'corpus',
    );
    await problem(
      await post('/jobs', {
        kind: 'build-index',
        corpus: pathToFileURL(join(tmp, 'nope.jsonl')).href,
      }),
      400,
      'corpus',
    );
    await problem(
      await post('/jobs', { kind: 'build-index', corpus: 's3://elsewhere/c.jsonl' }),
      400,
      'corpus',
    );
    writeFileSync(join(tmp, 'empty.jsonl'), '');
    await problem(
      await post('/jobs', {
        kind: 'build-index',
        corpus: pathToFileURL(join(tmp, 'empty.jsonl')).href,
      }),
      400,
      'corpus',
    );
    await problem(await post('/jobs', '{"kind": '), 400);
    await problem(await post('/jobs', '[1,2]'), 400);
    await problem(
      await post('/jobs', { kind: 'build-index', corpus: 'x'.repeat(70_000) }),
      413,
      'body',
    );
    await problem(
      await post('/jobs', 'kind=build-index', {
        'content-type': 'application/x-www-form-urlencoded',
      }),
      415,
      'content-type',
    );
    await problem(await app.request('/jobs/not-a-job'), 400, 'id');
    await problem(await app.request('/jobs/build-0123456789abcdef01234567'), 404, 'id');
    await problem(
      await app.request('/jobs/build-0123456789abcdef01234567/retry', { method: 'POST' }),
      404,
      'id',
    );
    await problem(await app.request('/jobs?limit=0'), 400, 'limit');
    await problem(await app.request('/jobs?limit=1000'), 400, 'limit');
    await problem(await app.request('/jobs', { method: 'DELETE' }), 405, 'method');
    await problem(await app.request('/jobs/build-0123456789abcdef01234567/retry'), 405, 'method');
  });

  it('without a job pipeline the routes answer 503; the OpenAPI document describes them', async () => {
    const plain = createApp({
      index: openLiveIndex(buildFixtureIndex(tempDir())),
      log: silentLogger,
    });
    await problem(await plain.request('/jobs'), 503);
    const spec = (await (await plain.request('/openapi.json')).json()) as any;
    assert.ok(spec.paths['/jobs'].post && spec.paths['/jobs'].get);
    assert.ok(spec.paths['/jobs/{id}'].get && spec.paths['/jobs/{id}/retry'].post);
    assert.ok(spec.components.schemas.BuildIndexRequest && spec.components.schemas.JobStatus);
    const result = await new Validator().validate(spec);
    assert.equal(result.valid, true, JSON.stringify(result.errors));
  });
});
