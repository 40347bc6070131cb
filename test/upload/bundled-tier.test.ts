/**
 * The `bundled` storage tier end to end against moto's Lambda control plane (and its S3, which
 * Lambda reads code from): the stack as `pulumi up` leaves it (the function created from index A,
 * version 1, the `live` alias on it), then `sir upload --stack` and `sir rollback --stack` as
 * processes, asserting moto's alias, versions and code — while steady traffic runs through the
 * alias (alias-router.ts: each request resolves `live` when it starts and runs in an execution
 * environment of the built search bundle with that version's artifact unpacked). Zero failed
 * requests, and the answers follow the alias: A, B, A, C, B, C.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
  ListVersionsByFunctionCommand,
} from '@aws-sdk/client-lambda';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import {
  closeSync,
  ftruncateSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { makeS3Client } from '../../runtime/upload/s3.js';
import {
  BUNDLED_HANDLER,
  LIVE_ALIAS,
  bundledArtifactKey,
  zipBundledArtifact,
} from '../../runtime/upload/index.js';
import { buildLambdas } from '../../scripts/build-lambdas.js';
import { requireMotoServer } from '../fixtures/external.js';
import { apiGatewayV2 } from '../fixtures/lambda-events.js';
import { type Moto, startMoto } from '../fixtures/moto.js';
import { AliasRouter } from './alias-router.js';
import { buildAnswerIndex, sirChild, sleep } from './helpers.js';

const BUNDLE = join(process.cwd(), 'dist/lambda/search');
const BUCKET = 'sir-staging-bundled';
const FUNCTION = 'sir-api-search';

describe('bundled tier: sir upload and rollback --stack through the Lambda API (moto), zero failed requests', function () {
  this.timeout(300_000);
  let moto: Moto;
  let tmp: string;
  let lambda: LambdaClient;
  let s3: ReturnType<typeof makeS3Client>;
  let router: AliasRouter;
  let stackArgs: string[];
  const index: Record<'A' | 'B' | 'C', string> = { A: '', B: '', C: '' };

  before(async function () {
    requireMotoServer(this);
    moto = await startMoto();
    tmp = mkdtempSync(join(tmpdir(), 'sir-bundled-'));
    await buildLambdas(() => {});
    for (const name of ['A', 'B', 'C'] as const)
      index[name] = buildAnswerIndex(tmp, name, `${name.toLowerCase()}1`);
    const local = { accessKeyId: 'local', secretAccessKey: 'local' };
    lambda = new LambdaClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: local });
    s3 = makeS3Client({ region: 'us-east-1', endpoint: moto.endpoint });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));

    // The stack as `pulumi up` with indexPath = A leaves it: version 1 from A, `live` on it.
    const a = zipBundledArtifact(index.A, BUNDLE);
    const key = bundledArtifactKey(a.sha256Hex);
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: a.zip }));
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: FUNCTION,
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Role: await moto.createRole('sir-api-role'),
        Handler: BUNDLED_HANDLER,
        Code: { S3Bucket: BUCKET, S3Key: key },
        Environment: { Variables: { INDEX_STORAGE: 'bundled' } },
        Timeout: 30,
        Publish: true,
      }),
    );
    await lambda.send(
      new CreateAliasCommand({ FunctionName: FUNCTION, Name: LIVE_ALIAS, FunctionVersion: '1' }),
    );

    stackArgs = stackFor(FUNCTION);
    router = new AliasRouter({ lambda, s3, bucket: BUCKET, functionName: FUNCTION, dir: tmp });
  });
  after(async () => {
    await router?.close();
    lambda?.destroy();
    s3?.destroy();
    await moto?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  /** The `--stack` flags of a bundled stack whose outputs name `functionName`, on moto. */
  const stackFor = (functionName: string) => {
    const outputs = join(tmp, `outputs-${functionName}.json`);
    writeFileSync(
      outputs,
      JSON.stringify({
        stagingBucket: BUCKET,
        region: 'us-east-1',
        apiUrl: 'http://127.0.0.1:9/',
        indexStorage: 'bundled',
        searchFunctionName: functionName,
      }),
    );
    return [
      '--stack',
      'local',
      '--outputs',
      outputs,
      '--s3-endpoint',
      moto.endpoint,
      '--lambda-endpoint',
      moto.endpoint,
    ];
  };
  const search = async () => {
    const { functionVersion, result } = await router.invoke(
      apiGatewayV2('GET', '/search', 'q=alpha&size=3'),
    );
    const r = result as { statusCode: number; body: string };
    const body = JSON.parse(r.body) as { version?: string; hits?: Array<{ id: string }> };
    return {
      status: r.statusCode,
      top: body.hits?.[0]?.id,
      version: body.version,
      functionVersion,
    };
  };
  /** `sir ARGS` as a process, with its pipes read to the end. */
  const run = async (args: string[]) => {
    const c = sirChild(args, { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' });
    const code = await c.exit;
    return { code, output: c.output() };
  };
  const alias = async () =>
    (await lambda.send(new GetAliasCommand({ FunctionName: FUNCTION, Name: LIVE_ALIAS })))
      .FunctionVersion;

  it('publishes B and C, rolls back to A and to B by id, each switch without a failed request', async () => {
    // pulumi up's artifact carries no manifest: the function names its index by the folder.
    assert.deepEqual(await search(), {
      status: 200,
      top: 'a1',
      version: 'index',
      functionVersion: '1',
    });

    const seen: Array<{ status: number; top?: string | undefined; error?: string }> = [];
    let stop = false;
    const traffic = Array.from({ length: 2 }, async () => {
      while (!stop) {
        try {
          seen.push(await search());
        } catch (err) {
          seen.push({ status: 0, error: String(err) });
        }
        await sleep(5);
      }
    });
    /** After a command returns, the next request answers `top` from function version `v`. */
    const served = async (top: string, v: string, version: string) =>
      assert.deepEqual(await search(), { status: 200, top, version, functionVersion: v });

    try {
      const b = await run(['upload', ...stackArgs, '--index', index.B]);
      assert.equal(b.code, 0, b.output);
      assert.match(b.output, /staging version up-\w+ \(index, 1 file\(s\)/);
      assert.match(b.output, /published function version 2/);
      assert.match(b.output, /live version: (up-\w+) \(was function version 1\) on stack local\n/);
      const vB = /live version: (up-\w+)/.exec(b.output)![1]!;
      assert.equal(await alias(), '2');
      await served('b1', '2', vB);

      const back = await run(['rollback', ...stackArgs]);
      assert.equal(back.code, 0, back.output);
      assert.match(back.output, /the live alias names function version 1 \(was 2\)/);
      assert.match(back.output, new RegExp(`function version 1 is live again \\(was ${vB}\\)\n`));
      assert.equal(await alias(), '1');
      await served('a1', '1', 'index');

      const c = await run(['upload', ...stackArgs, '--index', index.C, '--json']);
      assert.equal(c.code, 0, c.output);
      const cJson = JSON.parse(c.output.slice(c.output.indexOf('{\n'))) as {
        version: string;
        functionVersion: string;
        agent: { previous: string };
      };
      assert.equal(cJson.functionVersion, '3');
      assert.equal(cJson.agent.previous, 'function version 1');
      await served('c1', '3', cJson.version);

      const toB = await run(['rollback', ...stackArgs, '--to', vB]);
      assert.equal(toB.code, 0, toB.output);
      assert.match(toB.output, new RegExp(`${vB} is live again \\(was ${cJson.version}\\)`));
      await served('b1', '2', vB);

      // Rolling back again follows the alias's history: back to C, not to A.
      const again = await run(['rollback', ...stackArgs]);
      assert.equal(again.code, 0, again.output);
      assert.match(again.output, new RegExp(`${cJson.version} is live again \\(was ${vB}\\)`));
      await served('c1', '3', cJson.version);
    } finally {
      stop = true;
      await Promise.all(traffic);
    }

    const failed = seen.filter((r) => r.status !== 200 || r.top === undefined);
    assert.deepEqual(failed.slice(0, 3), [], `${failed.length} failed of ${seen.length}`);
    assert.ok(seen.length >= 20, `steady traffic: ${seen.length} requests`);
    assert.deepEqual(new Set(seen.map((r) => r.top)), new Set(['a1', 'b1', 'c1']));
  });

  it("leaves moto's function as the CLI said: three versions, their index ids and code", async () => {
    const versions = (
      await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: FUNCTION }))
    ).Versions!.filter((v) => v.Version !== '$LATEST');
    assert.deepEqual(
      versions.map((v) => [v.Version, v.Description?.replace(/up-\w+/, 'up-…')]),
      [
        ['1', ''],
        ['2', 'serverless-ir index up-…'],
        ['3', 'serverless-ir index up-…'],
      ],
    );
    const live = await lambda.send(
      new GetAliasCommand({ FunctionName: FUNCTION, Name: LIVE_ALIAS }),
    );
    assert.equal(live.FunctionVersion, '3');
    assert.equal(live.Description, 'previous: 2');
    // Version 3's code is the staged zip of C's index (with its manifest) beside the built bundle.
    const v3 = await lambda.send(
      new GetFunctionConfigurationCommand({ FunctionName: FUNCTION, Qualifier: '3' }),
    );
    const sha = Buffer.from(v3.CodeSha256!, 'base64').toString('hex');
    const staged = await s3.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: bundledArtifactKey(sha) }),
    );
    const zip = await staged.Body!.transformToByteArray();
    assert.equal(createHash('sha256').update(zip).digest('base64'), v3.CodeSha256);
    const files = unzipSync(zip);
    assert.deepEqual(
      Buffer.from(files['index/index.sir']!),
      readFileSync(join(index.C, 'index.sir')),
    );
    const manifest = JSON.parse(Buffer.from(files['index/manifest.json']!).toString()) as {
      version: string;
    };
    assert.equal(`serverless-ir index ${manifest.version}`, v3.Description);
    assert.deepEqual(Buffer.from(files['app/index.mjs']!), readFileSync(join(BUNDLE, 'index.mjs')));
    assert.ok(files['app/index_core_bg.wasm']);

    // The same upload again: the artifact is staged already and version 3 carries it.
    const rerun = await run(['upload', ...stackArgs, '--index', index.C]);
    assert.equal(rerun.code, 0, rerun.output);
    assert.match(rerun.output, /already staged and verified .*skipped: staging\/bundled\/\w+\.zip/);
    assert.match(rerun.output, /function version 3 already carries this artifact/);
    assert.match(rerun.output, /is live \(it already was\)/);
    assert.equal(await alias(), '3');

    // sir versions --stack lists them, newest first, live and rollback target marked.
    const listed = await run(['versions', ...stackArgs, '--json']);
    assert.equal(listed.code, 0, listed.output);
    const rows = JSON.parse(listed.output.slice(listed.output.indexOf('['))) as Array<{
      functionVersion: string;
      live: boolean;
      rollbackTarget: boolean;
    }>;
    assert.deepEqual(
      rows.map((r) => [r.functionVersion, r.live, r.rollbackTarget]),
      [
        ['3', true, false],
        ['2', false, true],
        ['1', false, false],
      ],
    );
  });

  it('refuses, changing nothing: an index over 250 MB, a damaged index, a corpus, an unknown --to, a missing function', async () => {
    const damaged = buildAnswerIndex(tmp, 'D', 'd1');
    const bytes = readFileSync(join(damaged, 'index.sir'));
    bytes[bytes.length >> 1]! ^= 0xff;
    writeFileSync(join(damaged, 'index.sir'), bytes);
    const d = await run(['upload', ...stackArgs, '--index', damaged]);
    assert.equal(d.code, 1, d.output);
    assert.match(d.output, /^sir upload: the index .* cannot be published: /m);

    // Sparse: 251 MB that take no disk, refused by size before anything is read or sent.
    const big = join(tmp, 'big');
    mkdirSync(big);
    const fd = openSync(join(big, 'index.sir'), 'w');
    ftruncateSync(fd, 251 * 2 ** 20);
    closeSync(fd);
    const tooBig = await run(['upload', ...stackArgs, '--index', big]);
    assert.equal(tooBig.code, 1, tooBig.output);
    assert.match(
      tooBig.output,
      /^sir upload: the index .*big \(251\.0 MB\) and the search bundle \(\d+\.\d MB\) come to .* over Lambda's 250 MB unzipped limit; use indexStorage s3/m,
    );

    const corpus = join(tmp, 'A.jsonl');
    const k = await run(['upload', ...stackArgs, '--corpus', corpus]);
    assert.equal(k.code, 1, k.output);
    assert.match(k.output, /index the corpus first \(sir index CORPUS --out DIR\)/);

    const to = await run(['rollback', ...stackArgs, '--to', 'up-0000000000000000']);
    assert.equal(to.code, 1, to.output);
    assert.match(to.output, /--to up-0000000000000000: no version of sir-api-search carries/);
    assert.equal(await alias(), '3', 'the alias did not move');

    const missing = await run(['rollback', ...stackFor('no-such-function')]);
    assert.equal(missing.code, 1, missing.output);
    assert.match(
      missing.output,
      /^sir rollback: cannot .* of no-such-function: Function not found: .*is searchFunctionName/m,
    );
  });
});
