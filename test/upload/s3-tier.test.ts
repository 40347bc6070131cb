/**
 * The `s3` storage tier end to end on fauxqs: `sir upload --stack` to an s3 stack (no loader, no
 * SSM: straight into the bucket), the BUILT search Lambda bundle serving it from a /tmp download
 * under steady traffic, a second version, `sir rollback --stack`, a damaged version refused while
 * the old one keeps serving, and a rollback from it — with zero failed requests once the first
 * version is live.
 */
import assert from 'node:assert/strict';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createManifest } from '../../runtime/store/index.js';
import { buildLambdas } from '../../scripts/build-lambdas.js';
import { apiGatewayV2 } from '../fixtures/lambda-events.js';
import { type LocalS3, startLocalS3 } from '../store/store-kinds.js';
import { buildAnswerIndex, sir, sleep } from './helpers.js';

type Handler = (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;

const BUNDLE = join(process.cwd(), 'dist/lambda/search/index.mjs');
const PREFIX = 'store/';

describe('s3 tier: sir upload, the built Lambda, rollback, on fauxqs', function () {
  this.timeout(180_000);
  let s3: LocalS3;
  let tmp: string;
  let bucket: string;
  let handler: Handler;
  let stackArgs: string[];
  const saved = { ...process.env };
  const write = process.stdout.write.bind(process.stdout);

  before(async () => {
    s3 = await startLocalS3();
    bucket = await s3.bucket();
    tmp = mkdtempSync(join(tmpdir(), 'sir-s3-tier-'));
    const outputs = join(tmp, 'outputs.json');
    writeFileSync(
      outputs,
      JSON.stringify({
        stagingBucket: bucket,
        region: 'us-east-1',
        apiUrl: 'http://127.0.0.1:9/',
        indexStorage: 's3',
        indexBucket: bucket,
        indexPrefix: PREFIX,
        versionsToKeep: 3,
      }),
    );
    stackArgs = ['--stack', 'local', '--outputs', outputs, '--s3-endpoint', s3.endpoint];
    Object.assign(process.env, {
      INDEX_STORAGE: 's3',
      INDEX_BUCKET: bucket,
      INDEX_PREFIX: PREFIX,
      INDEX_S3_ENDPOINT: s3.endpoint,
      INDEX_CACHE_DIR: join(tmp, 'lambda-tmp'),
      INDEX_CHECK_INTERVAL_MS: '50',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    });
    await buildLambdas(() => {});
    // The function's request logs and metrics (JSON lines on stdout) would drown the report.
    process.stdout.write = (() => true) as typeof process.stdout.write;
    handler = (
      (await import(`${pathToFileURL(BUNDLE).href}?s3=${Date.now()}`)) as { handler: Handler }
    ).handler;
  });
  after(async () => {
    process.stdout.write = write;
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
    await s3.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  const search = async () => {
    const r = await handler(apiGatewayV2('GET', '/search', 'q=alpha&size=3'), {});
    const body = JSON.parse(r.body) as { version?: string; hits?: Array<{ id: string }> };
    return { status: r.statusCode, version: body.version, top: body.hits?.[0]?.id };
  };
  const until = async (what: string, pred: (r: Awaited<ReturnType<typeof search>>) => boolean) => {
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      if (pred(await search())) return;
      await sleep(25);
    }
    throw new Error(`timed out waiting for ${what}`);
  };
  const put = (key: string, body: string | Buffer, metadata?: Record<string, string>) =>
    s3.client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: body,
        ...(metadata ? { Metadata: metadata } : {}),
      }),
    );
  const live = (out: string) => /live version: (\S+)/.exec(out)?.[1];

  it('publishes, serves, switches, rolls back and refuses a damaged version without a failed request', async () => {
    const first = await search();
    assert.equal(first.status, 503, 'nothing published yet');

    const a = await sir(['upload', ...stackArgs, '--index', buildAnswerIndex(tmp, 'A', 'a1')]);
    assert.equal(a.code, 0, a.stderr);
    assert.match(a.stderr, new RegExp(`into s3://${bucket}/${PREFIX}`));
    const vA = live(a.stdout)!;
    await until('A served', (r) => r.top === 'a1');

    // Steady traffic from here on: every request must succeed.
    const seen: Array<{ status: number; version?: string | undefined }> = [];
    let stop = false;
    const workers = Array.from({ length: 4 }, async () => {
      while (!stop) {
        seen.push(await search());
        await sleep(2);
      }
    });

    const b = await sir(['upload', ...stackArgs, '--index', buildAnswerIndex(tmp, 'B', 'b1')]);
    assert.equal(b.code, 0, b.stderr);
    const vB = live(b.stdout)!;
    assert.match(b.stdout, new RegExp(`\\(was ${vA}\\)`));
    await until('B served', (r) => r.top === 'b1');

    const back = await sir(['rollback', ...stackArgs]);
    assert.equal(back.code, 0, back.stderr);
    assert.match(back.stdout, new RegExp(`${vA} is live again \\(was ${vB}\\)`));
    await until('A served again', (r) => r.top === 'a1');

    // A version damaged in the bucket (its manifest lists the good bytes), made live behind the
    // store's back the way a bad writer would: the Lambda refuses it and A serves on.
    const builtC = buildAnswerIndex(tmp, 'C', 'c1');
    const c = { version: 'c-damaged' };
    const manifest = await createManifest(builtC, { version: c.version });
    for (const f of manifest.files) {
      const bytes = readFileSync(join(builtC, f.path));
      if (f === manifest.files.at(-1)) bytes[bytes.length >> 1] ^= 0xff;
      await put(`${PREFIX}versions/${c.version}/${f.path}`, bytes);
    }
    await put(`${PREFIX}versions/${c.version}/manifest.json`, JSON.stringify(manifest));
    await put(`${PREFIX}CURRENT`, `${c.version}\n`, { previous: vA });
    await sleep(500);
    assert.equal((await search()).top, 'a1', 'the damaged version is refused');

    const fromC = await sir(['rollback', ...stackArgs, '--json']);
    assert.equal(fromC.code, 0, fromC.stderr);
    assert.deepEqual(JSON.parse(fromC.stdout), {
      stack: 'local',
      version: vA,
      previous: c.version,
    });
    const again = await sir(['rollback', ...stackArgs]);
    assert.equal(again.code, 1, 'rolling back onto the damaged version is refused');
    assert.match(again.stderr, /SHA-256/);
    await sleep(300);
    stop = true;
    await Promise.all(workers);

    const failed = seen.filter((r) => r.status !== 200);
    assert.deepEqual(failed, [], `${failed.length} of ${seen.length} requests failed`);
    assert.ok(seen.length > 50, `only ${seen.length} requests`);
    assert.ok(!seen.some((r) => r.version === c.version), 'the damaged version never served');
    assert.deepEqual(
      [...new Set(seen.map((r) => r.version))],
      [vA, vB, vA].filter((v, i, all) => all.indexOf(v) === i),
    );
    // The Lambda's /tmp holds the served version only: replaced ones and refused downloads are gone.
    assert.deepEqual(readdirSync(join(tmp, 'lambda-tmp')), [vA]);

    // sir versions --stack reads the same store: A live, the damaged one listed as broken.
    const listed = await sir(['versions', ...stackArgs, '--json']);
    assert.equal(listed.code, 0, listed.stderr);
    const rows = JSON.parse(listed.stdout) as Array<{ version: string; live: boolean }>;
    assert.deepEqual(rows.find((r) => r.live)?.version, vA);
    assert.ok(rows.some((r) => r.version === vB));
  });
});
