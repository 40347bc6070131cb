/**
 * `sir jobs` and `sir serve --store` as processes: a new, empty store served (search 503 until the
 * first publish), a build job submitted and watched over HTTP (`--api`) publishing the first
 * version, status/list/retry, usage and input errors as one `sir jobs: ...` line with exit codes
 * 2 and 1; and `--stack` against the local stand-in (the corpus staged with the progress bar).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type LocalPipeline, startLocalPipeline } from '../../runtime/local/pipeline.js';
import { IndexStore } from '../../runtime/store/index.js';
import { syntheticDocs, tempDir } from '../fixtures/corpus.js';
import { type Child, sir, sirChild } from '../upload/helpers.js';
import { sirRun } from '../fixtures/sir.js';

const run = sirRun;

describe('sir jobs (processes)', function () {
  this.timeout(180_000);
  const tmp = tempDir('sir-jobs-cli-');
  const corpus = join(tmp, 'corpus.jsonl');
  const submitBuild = ['jobs', 'submit', 'build', '--corpus', corpus, '--chunk-mb', '1'];
  let server: Child;
  let url: string;

  before(async () => {
    writeFileSync(
      corpus,
      syntheticDocs(2500)
        .map((d) => JSON.stringify(d))
        .join('\n') + '\n',
    );
    server = sirChild(['serve', '--store', join(tmp, 'store'), '--port', '0', '--inputs', tmp]);
    assert.ok(await server.waitFor(/jobs +http:\/\/127\.0\.0\.1:\d+\/jobs/), server.output());
    url = /API +(http:\/\/127\.0\.0\.1:\d+)\//.exec(server.output())![1]!;
  });
  after(async () => {
    server?.child.kill('SIGTERM');
    await server?.exit;
  });

  it('serves a new store: search answers 503 problem+json until the first publish', async () => {
    assert.ok(
      await server.waitFor(
        /no index published yet: search answers 503 until sir publish .* or a build job publishes one/,
      ),
      server.output(),
    );
    const res = await fetch(`${url}/search?q=w1`);
    assert.equal(res.status, 503);
    assert.equal(res.headers.get('content-type'), 'application/problem+json');
  });

  it('submit --watch builds and publishes the first version; status, list, retry', async () => {
    const r = await run([...submitBuild, '--policy', 'AlwaysOne', '--watch', '--api', url]);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /submitted job (build-[0-9a-f]{24}) \(build-index, \d+ task\(s\)\)/);
    assert.match(r.stdout, /job build-[0-9a-f]{24} {2}succeeded/);
    assert.match(
      r.stdout,
      /result {3}2,500 documents, index [\d.]+ [KM]B, published as version build-/,
    );
    const id = /job (build-[0-9a-f]{24})/.exec(r.stdout)![1]!;

    const health = (await (await fetch(`${url}/health`)).json()) as { version: string };
    for (let i = 0; i < 40 && health.version !== id; i++) {
      await new Promise((res) => setTimeout(res, 250));
      Object.assign(health, await (await fetch(`${url}/health`)).json());
    }
    assert.equal(health.version, id, 'the server hot-reloaded the published version');
    assert.equal((await fetch(`${url}/search?q=w1`)).status, 200);

    const status = await run(['jobs', 'status', id, '--json', '--api', url]);
    assert.equal(status.code, 0);
    const job = JSON.parse(status.stdout) as {
      status: string;
      tasks: { total: number; done: number };
    };
    assert.equal(job.status, 'succeeded');
    assert.equal(job.tasks.done, job.tasks.total);
    const list = await run(['jobs', 'list', '--api', url]);
    assert.match(list.stdout, new RegExp(`^${id} {2}succeeded`, 'm'));
    const again = await run([...submitBuild, '--api', url]);
    assert.equal(again.code, 0);
    assert.match(again.out, new RegExp(`already submitted: job ${id} is succeeded`));
    const retry = await run(['jobs', 'retry', id, '--api', url]);
    assert.equal(retry.code, 1);
    assert.match(retry.out, /^sir jobs: job build-\S+ succeeded; there is nothing to retry\n$/);
  });

  // In process (the same `main` the binary runs): nineteen process start-ups would only add time.
  it('usage errors exit 2, input errors exit 1, each one line', async () => {
    const cases: Array<[string[], number, RegExp]> = [
      [['jobs'], 2, /give an action: submit, status, list or retry/],
      [['jobs', 'launch', '--api', url], 2, /unknown action "launch"/],
      [['jobs', 'submit', 'build', '--api', url], 2, /--corpus FILE\|URL is required/],
      [['jobs', 'submit', 'sort', '--corpus', corpus, '--api', url], 2, /unknown job kind "sort"/],
      [
        ['jobs', 'submit', 'build', '--corpus', corpus, '--policy', 'Fast', '--api', url],
        2,
        /--policy must be AlwaysOne/,
      ],
      [
        [
          'jobs',
          'submit',
          'build',
          '--corpus',
          corpus,
          '--policy',
          'StaticProportional:0',
          '--api',
          url,
        ],
        2,
        /whole number ≥ 1/,
      ],
      [
        ['jobs', 'submit', 'build', '--corpus', corpus, '--chunk-mb', '0', '--api', url],
        2,
        /--chunk-mb must be an integer from 1/,
      ],
      [
        ['jobs', 'submit', 'build', '--corpus', corpus, '--memory-mb', '9', '--api', url],
        2,
        /--memory-mb is not a job option/,
      ],
      [['jobs', 'submit', 'build', '--corpus', corpus], 2, /give --api URL .* or --stack NAME/],
      [
        ['jobs', 'status', 'x', '--api', url, '--stack', 'dev'],
        2,
        /give --api URL .* or --stack NAME/,
      ],
      [['jobs', 'status', '--api', url], 2, /takes a job id/],
      [['jobs', 'list', '--corpus', corpus, '--api', url], 2, /--corpus go with jobs submit/],
      [['jobs', 'status', 'x', '--api', 'ftp://h'], 2, /--api must be an http\(s\) URL/],
      [
        ['jobs', 'submit', 'build', '--corpus', join(tmp, 'nope.jsonl'), '--api', url],
        1,
        /does not exist/,
      ],
      [
        ['jobs', 'submit', 'build', '--corpus', '/etc/hostname', '--api', url],
        1,
        /outside the folders this server reads job inputs from/,
      ],
      [['jobs', 'status', 'not-a-job', '--api', url], 1, /id must be a job id such as build-/],
      [
        ['jobs', 'status', 'build-0123456789abcdef01234567', '--api', url],
        1,
        /no job has id build-0123456789abcdef01234567/,
      ],
      [
        ['jobs', 'list', '--api', 'http://127.0.0.1:2'],
        1,
        /cannot reach http:\/\/127\.0\.0\.1:2 \(ECONNREFUSED\)/,
      ],
      [
        ['jobs', 'list', '--stack', 'dev', '--outputs', join(tmp, 'none.json')],
        1,
        /cannot read the stack outputs file/,
      ],
    ];
    for (const [args, code, re] of cases) {
      const r = await sir(args);
      assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, '');
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, `one line: ${r.stderr}`);
      assert.match(lines[0]!, /^sir jobs: /);
      assert.match(lines[0]!, re);
    }
  });

  describe('--stack, against the local stand-in', () => {
    let pipeline: LocalPipeline;
    let outputs: string;
    before(async () => {
      pipeline = await startLocalPipeline({
        storeDir: join(tmp, 'stack-store'),
        workers: 2,
        inputRoots: [tmp],
        output: () => {},
      });
      outputs = join(tmp, 'outputs.json');
      const e = pipeline.env;
      writeFileSync(
        outputs,
        JSON.stringify({
          region: e.AWS_REGION,
          stagingBucket: pipeline.stagingBucket,
          jobsResultsBucket: pipeline.resultsBucket,
          jobsTaskQueueUrl: e.JOBS_TASK_QUEUE_URL,
          jobsControlQueueUrl: e.JOBS_CONTROL_QUEUE_URL,
          jobsReduceQueueUrl: e.JOBS_REDUCE_QUEUE_URL,
          jobsTaskDlqUrl: e.JOBS_TASK_DLQ_URL,
          indexStorage: 'efs',
        }),
      );
    });
    after(() => pipeline?.close());

    const target = () => [
      '--stack',
      'local',
      '--outputs',
      outputs,
      '--endpoint',
      pipeline.aws.endpoint,
    ];

    it('stages the corpus (progress bar), then submits to the queues and watches', async () => {
      const r = await run([...submitBuild, '--watch', ...target()]);
      assert.equal(r.code, 0, r.out);
      assert.match(
        r.out,
        /staging version up-[0-9a-f]{16} \(corpus, 1 file\(s\), [\d.]+ MB\) to s3:\/\/sir-local-staging\/staging\//,
      );
      assert.match(r.out, /uploading 100%/);
      assert.match(
        r.stdout,
        /input {4}s3:\/\/sir-local-staging\/staging\/up-[0-9a-f]{16}\/corpus\.jsonl/,
      );
      assert.match(r.stdout, /succeeded/);
      const missing = join(tmp, 'partial-outputs.json');
      writeFileSync(missing, JSON.stringify({ region: 'us-east-1', stagingBucket: 'x' }));
      const bad = await run(['jobs', 'list', '--stack', 'local', '--outputs', missing]);
      assert.equal(bad.code, 1);
      assert.match(
        bad.out,
        /has no jobsResultsBucket, jobsTaskQueueUrl, jobsControlQueueUrl, jobsReduceQueueUrl: the stack has no job pipeline yet/,
      );
    });

    it('submit eval --index DIR stages the built index folder, then evaluates it', async () => {
      const built = join(tmp, 'built');
      const index = await run(['index', corpus, '--out', built]);
      assert.equal(index.code, 0, index.out);
      const queries = join(tmp, 'queries.jsonl');
      writeFileSync(
        queries,
        ['w1 w2', 'w3 w5'].map((text, i) => JSON.stringify({ _id: `q${i}`, text })).join('\n') +
          '\n',
      );
      const qrels = join(tmp, 'qrels.tsv');
      writeFileSync(qrels, 'query-id\tcorpus-id\tscore\nq0\tdoc-1\t1\nq1\tdoc-2\t1\n');
      const evaluate = (which: string) =>
        run([
          'jobs',
          'submit',
          'eval',
          '--index',
          which,
          '--queries',
          queries,
          '--qrels',
          qrels,
          '--run',
          'bm25 k1=0.9,1.2',
          '--watch',
          ...target(),
        ]);
      const r = await evaluate(built);
      assert.equal(r.code, 0, r.out);
      assert.match(
        r.out,
        /staging version up-[0-9a-f]{16} \(index, 1 file\(s\), [\d.]+ [KM]B\) to s3:\/\/sir-local-staging\/staging\//,
      );
      assert.match(r.stdout, /succeeded/);
      const id = /job (eval-[0-9a-f]{24})/.exec(r.out)![1]!;
      const status = await run(['jobs', 'status', id, '--json', ...target()]);
      const job = JSON.parse(status.stdout) as { request: { indexUrl: string } };
      assert.match(
        job.request.indexUrl,
        /^s3:\/\/sir-local-staging\/staging\/up-[0-9a-f]{16}\/index\.sir$/,
      );
      // An efs stack: the reduce function, which alone mounts the store, says which version is
      // live and copies its index file out for the workers, once per content.
      const live = await evaluate('live');
      assert.equal(live.code, 0, live.out);
      assert.match(
        live.out,
        /^asking stack local's reduce function, which mounts the store on EFS, which version "live" is/m,
      );
      assert.match(live.stdout, /succeeded/);
      const liveId = /job (eval-[0-9a-f]{24})/.exec(live.out)![1]!;
      const liveJob = JSON.parse(
        (await run(['jobs', 'status', liveId, '--json', ...target()])).stdout,
      ).request as { indexVersion: string; indexUrl: string };
      const store = new IndexStore(join(tmp, 'stack-store'));
      const current = await store.current();
      assert.equal(liveJob.indexVersion, current);
      const { files } = await store.readManifest(current!);
      const sha256 = files.find((f) => f.path === 'index.sir')!.sha256;
      assert.equal(liveJob.indexUrl, `s3://sir-local-results/cache/index/${sha256}.sir`);
      // The version by its id reads the same copy; an unknown version is refused in the answer.
      const byId = await evaluate(current!);
      assert.equal(byId.code, 0, byId.out);
      const byIdJob = /job (eval-[0-9a-f]{24})/.exec(byId.out)![1]!;
      const request = JSON.parse(
        (await run(['jobs', 'status', byIdJob, '--json', ...target()])).stdout,
      ).request as { indexUrl: string };
      assert.equal(request.indexUrl, liveJob.indexUrl);
      const unknown = await evaluate('20990101T000000Z-0000');
      assert.equal(unknown.code, 1);
      assert.match(
        unknown.out,
        /^sir jobs: index: the store has no version 20990101T000000Z-0000$/m,
      );
    });
  });
});
