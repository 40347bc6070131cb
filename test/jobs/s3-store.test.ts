/**
 * The job pipeline on an `s3` stack, end to end on the local stand-in (fauxqs as S3 and SQS): the
 * BUILT worker and reduce bundles fed by event-source mappings, the index store in the staging
 * bucket under `store/` as an `s3` stack keeps it. A build job publishes a version through the S3
 * store, the BUILT search Lambda (INDEX_STORAGE=s3) serves it, a second build becomes live with
 * the first as its rollback target, a redelivered reduce message changes nothing, and an
 * evaluation of `live` and of a version id resolves in the bucket and runs on the workers.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { buildLambdas } from '../../scripts/build-lambdas.js';
import { DeleteObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type JobStatusView, keys, makeSqsClient } from '../../runtime/jobs/index.js';
import { ExecutionEnvironments } from '../../runtime/local/environments.js';
import { type LocalPipeline, startLocalPipeline } from '../../runtime/local/pipeline.js';
import { S3IndexStore, silentLogger } from '../../runtime/store/index.js';
import { makeS3Client } from '../../runtime/upload/index.js';
import { apiGatewayV2 } from '../fixtures/lambda-events.js';
import { syntheticDocs, tempDir } from '../fixtures/corpus.js';
import { waitForJob } from './helpers.js';

const PREFIX = 'store/';

describe('jobs on an s3 stack: build, publish to the S3 store, serve, evaluate live', function () {
  this.timeout(300_000);
  const tmp = tempDir('sir-jobs-s3-');
  let pipeline: LocalPipeline;
  let store: S3IndexStore;
  let s3: S3Client;
  let search: ExecutionEnvironments;
  let first: JobStatusView;
  let second: JobStatusView;

  const corpus = (name: string, n: number, seed: number) => {
    const file = join(tmp, name);
    writeFileSync(
      file,
      syntheticDocs(n, seed)
        .map((d) => JSON.stringify(d))
        .join('\n') + '\n',
    );
    return pathToFileURL(file).href;
  };
  const build = async (url: string) => {
    const { job } = await pipeline.service.submit({ kind: 'build-index', corpus: url, chunkMb: 1 });
    const done = await waitForJob(pipeline.service, job.id);
    assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
    return done;
  };
  const searchVersion = async () => {
    const r = (await search.invoke(apiGatewayV2('GET', '/search', 'q=w1&size=3') as never)) as {
      statusCode: number;
      body: string;
    };
    assert.equal(r.statusCode, 200, r.body);
    return (JSON.parse(r.body) as { version: string }).version;
  };

  before(async () => {
    await buildLambdas(() => {});
    pipeline = await startLocalPipeline({
      storePrefix: PREFIX,
      workers: 2,
      inputRoots: [tmp],
      builtHandlers: true,
      output: () => {},
    });
    s3 = makeS3Client({ region: pipeline.aws.region, endpoint: pipeline.aws.endpoint });
    store = new S3IndexStore({
      client: s3,
      bucket: pipeline.stagingBucket,
      prefix: PREFIX,
      cacheDir: join(tmp, 'cache'),
      logger: silentLogger,
    });
    search = new ExecutionEnvironments({
      name: 'search',
      module: join(process.cwd(), 'dist/lambda/search/index.mjs'),
      env: {
        INDEX_STORAGE: 's3',
        INDEX_BUCKET: pipeline.stagingBucket,
        INDEX_PREFIX: PREFIX,
        INDEX_S3_ENDPOINT: pipeline.aws.endpoint,
        INDEX_CACHE_DIR: join(tmp, 'search-tmp'),
        INDEX_CHECK_INTERVAL_MS: '100',
        AWS_REGION: pipeline.aws.region,
      },
      size: 1,
      timeoutSeconds: 30,
      output: () => {},
    });
  });
  after(async () => {
    await search?.close();
    await pipeline?.close();
  });

  it('a build job publishes a version the S3 store serves to the built search Lambda', async () => {
    first = await build(corpus('one.jsonl', 2600, 7));
    assert.equal(first.result?.docs, 2600);
    assert.deepEqual(first.result?.published, { version: first.id });
    assert.equal(await store.current(), first.id);
    const manifest = await store.verify(first.id);
    assert.equal(manifest.source?.job, first.id);
    assert.equal(await searchVersion(), first.id);
  });

  it('a second build becomes live with the first as its rollback target; the Lambda follows', async () => {
    second = await build(corpus('two.jsonl', 1200, 11));
    assert.deepEqual(second.result?.published, { version: second.id, previous: first.id });
    assert.equal(await store.current(), second.id);
    assert.equal(await store.rollbackTarget(), first.id);
    const until = Date.now() + 10_000;
    while ((await searchVersion()) !== second.id) {
      assert.ok(Date.now() < until, 'the search Lambda did not follow CURRENT');
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  it('a reduce redelivered after its publish (its result lost) moves nothing', async () => {
    const sqs = makeSqsClient(pipeline.aws.region, pipeline.aws.endpoint);
    const before = pipeline.mappings.reduce.stats.invocations;
    // The first job's reduce again, after the second job made another version live, as if the
    // first delivery had died between its publish and writing its result.
    await s3.send(
      new DeleteObjectCommand({ Bucket: pipeline.resultsBucket, Key: keys.result(first.id) }),
    );
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: pipeline.env.JOBS_REDUCE_QUEUE_URL!,
        MessageBody: JSON.stringify({ v: 1, type: 'reduce', job: first.id, generation: 0 }),
      }),
    );
    const until = Date.now() + 20_000;
    while (pipeline.mappings.reduce.stats.invocations === before) {
      assert.ok(Date.now() < until, 'the reduce mapping never ran the message');
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(await store.current(), second.id);
    assert.deepEqual(
      (await store.list()).map((v) => v.version),
      [second.id, first.id],
    );
    const again = await waitForJob(pipeline.service, first.id);
    assert.deepEqual(again.result?.published, { version: first.id, alreadyLive: true });
  });

  it('an evaluation of "live" and of a version id resolves in the bucket', async () => {
    const queries = join(tmp, 'queries.jsonl');
    writeFileSync(
      queries,
      ['w1 w2', 'w3 w5', 'w8 w13']
        .map((text, i) => JSON.stringify({ _id: `q${i}`, text }))
        .join('\n') + '\n',
    );
    const qrels = join(tmp, 'qrels.tsv');
    writeFileSync(
      qrels,
      'query-id\tcorpus-id\tscore\nq0\tdoc-1\t1\nq1\tdoc-2\t1\nq2\tdoc-3\t1\nq2\tdoc-4\t1\n',
    );
    const request = (index: string) => ({
      kind: 'evaluate',
      index,
      queries: pathToFileURL(queries).href,
      qrels: pathToFileURL(qrels).href,
      runs: [{ ranker: 'bm25', grid: { k1: [0.9, 1.2] } }],
    });
    const live = await pipeline.service.submit(request('live'));
    const byId = await pipeline.service.submit(request(second.id));
    const view = await waitForJob(pipeline.service, live.job.id);
    assert.equal(view.status, 'succeeded', JSON.stringify(view.error));
    const resolved = view.request as { indexVersion: string; indexUrl: string };
    assert.equal(resolved.indexVersion, second.id);
    assert.equal(
      resolved.indexUrl,
      `s3://${pipeline.stagingBucket}/${PREFIX}versions/${second.id}/index.sir`,
    );
    assert.deepEqual(
      (byId.job.request as typeof resolved).indexUrl,
      resolved.indexUrl,
      'a version id resolves to the same object',
    );
    const older = await pipeline.service.submit(request(first.id));
    assert.match((older.job.request as typeof resolved).indexUrl, new RegExp(first.id));
    for (const id of [byId.job.id, older.job.id]) {
      const done = await waitForJob(pipeline.service, id);
      assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
    }
    await assert.rejects(
      pipeline.service.submit(request('no-such-version')),
      /the store has no version no-such-version/,
    );
  });
});
