/**
 * The pipeline's built Lambda bundles (`npm run build`): each under 2 MB zipped; the worker and
 * reduce bundles running a job on the local stand-in, fed real SQS events by the event-source
 * mappings; every bundle refusing an event that is not its own with a sentence; the jobs API
 * bundle answering API Gateway events.
 */
import assert from 'node:assert/strict';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildLambdas } from '../../scripts/build-lambdas.js';
import { INDEX_FILE, buildIndex } from '../../runtime/engine/index.js';
import { DeleteObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { JOBS_ENV, type JobStatusView } from '../../runtime/jobs/index.js';
import { keys } from '../../runtime/jobs/keys.js';
import { exists, getJson, putJson } from '../../runtime/jobs/objects.js';
import { ExecutionEnvironments } from '../../runtime/local/environments.js';
import { IndexStore } from '../../runtime/store/index.js';
import { type LocalPipeline, startLocalPipeline } from '../../runtime/local/pipeline.js';
import { OTHER_TRIGGERS, apiGatewayV2 as v2, sqsEvent } from '../fixtures/lambda-events.js';
import { syntheticDocs, tempDir } from '../fixtures/corpus.js';
import { waitForJob } from './helpers.js';

const JOB_LAMBDAS = ['jobs-api', 'jobs-worker', 'jobs-coordinator', 'jobs-reduce'];
const bundle = (name: string) => join(process.cwd(), 'dist/lambda', name, 'index.mjs');

describe('job pipeline: built Lambda bundles', function () {
  this.timeout(240_000);
  const tmp = tempDir('sir-jobs-bundles-');
  let sizes: Record<string, number>;
  let pipeline: LocalPipeline;
  const envs: ExecutionEnvironments[] = [];
  const load = (name: string, env: Record<string, string> = {}) => {
    const e = new ExecutionEnvironments({
      name,
      module: bundle(name),
      env: {
        ...pipeline.env,
        JOBS_SEND_TO_SQS: name === 'jobs-reduce' ? 'false' : 'true',
        ...env,
      },
      size: 1,
      timeoutSeconds: 60,
      output: () => {},
    });
    envs.push(e);
    return e;
  };

  before(async () => {
    sizes = await buildLambdas(() => {});
    pipeline = await startLocalPipeline({
      storeDir: join(tmp, 'store'),
      workers: 2,
      inputRoots: [tmp],
      builtHandlers: true,
      output: () => {},
    });
  });
  after(async () => {
    await Promise.all(envs.map((e) => e.close()));
    await pipeline?.close();
  });

  it('each is under 2 MB zipped', () => {
    for (const name of JOB_LAMBDAS)
      assert.ok(sizes[name]! > 0 && sizes[name]! < 2 * 1024 * 1024, `${name}: ${sizes[name]}`);
  });

  it('the built worker and reduce functions run a job fed by event-source mappings', async () => {
    const corpus = join(tmp, 'corpus.jsonl');
    writeFileSync(
      corpus,
      syntheticDocs(2600)
        .map((d) => JSON.stringify(d))
        .join('\n') + '\n',
    );
    const { job } = await pipeline.service.submit({
      kind: 'build-index',
      corpus: pathToFileURL(corpus).href,
      chunkMb: 1,
    });
    const done = await waitForJob(pipeline.service, job.id);
    assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
    assert.equal(done.result?.docs, 2600);
    assert.ok(pipeline.mappings.task.stats.invocations >= 2);
  });

  it('each refuses an event that is not its own, naming what it got; the API answers API Gateway events', async () => {
    for (const name of ['jobs-worker', 'jobs-coordinator', 'jobs-reduce']) {
      const fn = load(name);
      await assert.rejects(
        fn.invoke(v2('GET', '/jobs') as never),
        /refusing an API Gateway request \(payload 2\.0\): this function is fed by an SQS event-source mapping/,
        name,
      );
      for (const t of OTHER_TRIGGERS.filter((t) => t.name !== 'SQS'))
        await assert.rejects(fn.invoke(t.event as never), t.names, `${name}: ${t.name}`);
    }
    const api = load('jobs-api');
    await assert.rejects(api.invoke(sqsEvent as never), /refusing an SQS event/);
    const list = (await api.invoke(v2('GET', '/jobs') as never)) as {
      statusCode: number;
      body: string;
    };
    assert.equal(list.statusCode, 200, list.body);
    assert.ok(Array.isArray((JSON.parse(list.body) as { jobs: JobStatusView[] }).jobs));
    const bad = (await api.invoke(
      v2(
        'POST',
        '/jobs',
        '',
        JSON.stringify({ kind: 'build-index', corpus: 'file:///etc/hostname' }),
      ) as never,
    )) as { statusCode: number; headers: Record<string, string>; body: string };
    assert.equal(bad.statusCode, 400, bad.body);
    assert.match(bad.headers['content-type']!, /problem\+json/);
    const search = (await api.invoke(v2('GET', '/search', 'q=x') as never)) as {
      statusCode: number;
    };
    assert.equal(search.statusCode, 503, 'the jobs function has no index');
  });

  it("the API refuses an evaluation of an index larger than a worker's /tmp: 400 naming both", async () => {
    const built = join(tmp, 'big');
    const docs = join(tmp, 'big.jsonl');
    writeFileSync(
      docs,
      syntheticDocs(8000, 3)
        .map((d) => JSON.stringify(d))
        .join('\n') + '\n',
    );
    buildIndex(docs, built);
    const mib = statSync(join(built, INDEX_FILE)).size / (1024 * 1024);
    assert.ok(mib > 1, `${mib} MiB`);
    const queries = join(tmp, 'q.jsonl');
    writeFileSync(queries, '{"_id":"q","text":"w1"}\n');
    const qrels = join(tmp, 'qrels.tsv');
    writeFileSync(qrels, 'q\tdoc-1\t1\n');
    const api = load('jobs-api', { JOBS_WORKER_TMP_MB: '1' });
    const r = (await api.invoke(
      v2(
        'POST',
        '/jobs',
        '',
        JSON.stringify({
          kind: 'evaluate',
          index: pathToFileURL(built).href,
          queries: pathToFileURL(queries).href,
          qrels: pathToFileURL(qrels).href,
          runs: [{ ranker: 'bm25' }],
        }),
      ) as never,
    )) as { statusCode: number; headers: Record<string, string>; body: string };
    assert.equal(r.statusCode, 400, r.body);
    assert.match(r.headers['content-type']!, /problem\+json/);
    assert.match(
      (JSON.parse(r.body) as { detail: string }).detail,
      new RegExp(
        `index: \\S+ is ${mib.toFixed(1)} MiB, more than a worker's 1 MiB of /tmp \\(stack config jobsWorkerTmpMb\\); raise jobsWorkerTmpMb`,
      ),
    );
  });

  describe('on an efs stack, where only the reduce function mounts the store', () => {
    const evaluateLive = (index = 'live') => {
      const queries = join(tmp, 'live-q.jsonl');
      writeFileSync(queries, '{"_id":"q","text":"w1 w2"}\n');
      const qrels = join(tmp, 'live-qrels.tsv');
      writeFileSync(qrels, 'q\tdoc-1\t1\n');
      return v2(
        'POST',
        '/jobs',
        '',
        JSON.stringify({
          kind: 'evaluate',
          index,
          queries: pathToFileURL(queries).href,
          qrels: pathToFileURL(qrels).href,
          runs: [{ ranker: 'bm25' }],
        }),
      ) as never;
    };
    type ApiAnswer = { statusCode: number; headers: Record<string, string>; body: string };
    const storeDir = () => join(tmp, 'store');

    it('the API asks the reduce which version is live; the job runs on its copy', async () => {
      const api = load('jobs-api', { [JOBS_ENV.resolveIndexVia]: 'reduce' });
      const r = (await api.invoke(evaluateLive())) as ApiAnswer;
      assert.equal(r.statusCode, 202, r.body);
      const job = JSON.parse(r.body) as JobStatusView & {
        request: { indexUrl: string; indexVersion: string };
      };
      const store = new IndexStore(storeDir());
      const current = (await store.current())!;
      const sha256 = (await store.readManifest(current)).files.find(
        (f) => f.path === INDEX_FILE,
      )!.sha256;
      assert.equal(job.request.indexVersion, current);
      assert.equal(
        job.request.indexUrl,
        `s3://${pipeline.resultsBucket}/${keys.cachedIndex(sha256)}`,
      );
      const done = await waitForJob(pipeline.service, job.id);
      assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
    });

    it('the reduce answers a resolve message once and dead-letters a malformed one', async () => {
      const reduce = load('jobs-reduce', { [JOBS_ENV.indexDir]: storeDir() });
      const ctx = pipeline.coordinatorContext;
      const deliver = async (body: unknown) =>
        (
          (await reduce.invoke({
            Records: [{ ...sqsEvent.Records[0]!, messageId: 's-1', body: JSON.stringify(body) }],
          } as never)) as { batchItemFailures: unknown[] }
        ).batchItemFailures;
      const request = '0123456789abcdef01234567';
      const message = { v: 1, type: 'resolve', request, index: 'live' };
      assert.deepEqual(await deliver(message), []);
      const first = (await getJson<{ version: string; url: string }>(ctx, keys.resolved(request)))!;
      assert.equal(first.value.version, await new IndexStore(storeDir()).current());
      assert.match(first.value.url, /^s3:\/\/sir-local-results\/cache\/index\/[0-9a-f]{64}\.sir$/);
      // Delivered again: acknowledged, the answer untouched.
      assert.deepEqual(await deliver(message), []);
      assert.equal((await getJson(ctx, keys.resolved(request)))!.etag, first.etag);
      // Asked again: the copy made once is the answer (the object is not written again).
      const cached = first.value.url.slice(`s3://${pipeline.resultsBucket}/`.length);
      const etag = async () =>
        (await ctx.s3.send(new HeadObjectCommand({ Bucket: pipeline.resultsBucket, Key: cached })))
          .ETag;
      const copied = await etag();
      const again = 'aaaaaaaaaaaaaaaaaaaaaaaa';
      assert.deepEqual(await deliver({ ...message, request: again }), []);
      assert.equal(
        (await getJson<{ url: string }>(ctx, keys.resolved(again)))!.value.url,
        first.value.url,
      );
      assert.equal(await etag(), copied);
      // While another copy holds the lease, the answer says so and when to ask again.
      await ctx.s3.send(new DeleteObjectCommand({ Bucket: pipeline.resultsBucket, Key: cached }));
      await putJson(ctx, `${cached}.copying`, { at: Date.now() });
      const leased = 'bbbbbbbbbbbbbbbbbbbbbbbb';
      assert.deepEqual(await deliver({ ...message, request: leased }), []);
      const waiting = (await getJson<{ error: Record<string, unknown> }>(
        ctx,
        keys.resolved(leased),
      ))!.value.error;
      assert.equal(waiting.code, 'unavailable');
      assert.equal(waiting.retryAfterSeconds, 10);
      assert.match(String(waiting.message), /is being copied out for the workers/);
      // Released (a failed copy does so): the next resolve copies.
      await putJson(ctx, `${cached}.copying`, { at: 0 });
      const after = 'cccccccccccccccccccccccc';
      assert.deepEqual(await deliver({ ...message, request: after }), []);
      assert.equal(
        (await getJson<{ url: string }>(ctx, keys.resolved(after)))!.value.url,
        first.value.url,
      );
      assert.ok(await exists(ctx, cached));
      // A version the store does not have: answered with the sentence the submitter gets.
      const other = 'fedcba9876543210fedcba98';
      assert.deepEqual(await deliver({ ...message, request: other, index: 'v-none' }), []);
      assert.deepEqual((await getJson(ctx, keys.resolved(other)))!.value, {
        error: {
          code: 'not-found',
          message: 'index: the store has no version v-none',
          field: 'index',
        },
      });
      for (const bad of [
        { ...message, request: '../x' },
        { ...message, index: '../versions' },
        { ...message, index: 7 },
      ])
        assert.deepEqual(await deliver(bad), [{ itemIdentifier: 's-1' }], JSON.stringify(bad));
    });

    it('the API answers 503 with Retry-After when the reduce does not answer in time', async function () {
      this.timeout(120_000);
      await pipeline.mappings.reduce.stop(); // (the last test of the file to need it)
      const api = load('jobs-api', { [JOBS_ENV.resolveIndexVia]: 'reduce' });
      const started = Date.now();
      const r = (await api.invoke(evaluateLive())) as ApiAnswer;
      assert.equal(r.statusCode, 503, r.body);
      assert.equal(r.headers['retry-after'], '10');
      assert.match(r.headers['content-type']!, /problem\+json/);
      assert.match(
        (JSON.parse(r.body) as { detail: string }).detail,
        /^index: the reduce function, which alone mounts this stack's store on EFS, has not said within 20 s which version "live" is .*the same request submitted again in a moment is answered once it has/,
      );
      const took = Date.now() - started;
      // It stops polling when the next poll would pass the 20 s, so a little under it.
      assert.ok(
        took >= 18_000 && took < 29_000,
        `${took} ms: about 20 s, inside API Gateway's 30 s`,
      );
    });
  });

  it('a malformed task message goes to the dead-letter queue, not into a job', async () => {
    const worker = load('jobs-worker');
    const record = (body: string) => ({ ...sqsEvent.Records[0]!, messageId: 'm-1', body });
    for (const body of [
      'not json',
      '{"v":1,"type":"task","job":"../etc","task":0,"generation":0}',
      '{"v":2}',
    ]) {
      const r = (await worker.invoke({ Records: [record(body)] } as never)) as {
        batchItemFailures: unknown[];
      };
      assert.deepEqual(r.batchItemFailures, [{ itemIdentifier: 'm-1' }], body);
    }
  });

  it('the reduce function acknowledges, without work, a message whose failure is recorded', async () => {
    // After the engine traps the reduce records the failure and its environment exits; the message
    // comes back once after the visibility timeout and must not run the reduce again.
    const reduce = load('jobs-reduce');
    const id = 'build-0123456789abcdef01234567';
    const ctx = pipeline.coordinatorContext;
    const failed = { generation: 0, attempt: 1, message: 'out of memory', permanent: true, at: '' };
    await putJson(ctx, keys.reduceFailed(id), failed);
    const deliver = async (generation: number) =>
      (
        (await reduce.invoke({
          Records: [
            {
              ...sqsEvent.Records[0]!,
              messageId: `r-${generation}`,
              body: JSON.stringify({ v: 1, type: 'reduce', job: id, generation }),
            },
          ],
        } as never)) as { batchItemFailures: unknown[] }
      ).batchItemFailures;
    assert.deepEqual(await deliver(0), [], 'the recorded generation is acknowledged');
    assert.equal(await exists(ctx, keys.result(id)), false);
    // A later generation (a retry) is not covered by the old record: here its job is unknown.
    assert.deepEqual(await deliver(1), [{ itemIdentifier: 'r-1' }]);
  });
});
