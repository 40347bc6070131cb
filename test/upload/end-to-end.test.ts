/**
 * End to end against a local stack (fauxqs as the staging bucket, a temp folder as EFS, the loader
 * agent as a child process): sir upload a built index, search it through the running app, upload
 * a second version and see the app switch (--verify), roll back with sir rollback --stack and see
 * it switch back; a raw corpus indexed on the loader; --no-wait.
 */
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { IndexStore, silentLogger } from '../../runtime/store/index.js';
import { makeS3Client } from '../../runtime/upload/index.js';
import { type AppServer, eventually, serveStore } from './app-server.js';
import { BUCKET, type LocalStack, buildAnswerIndex, sir, startLocalStack } from './helpers.js';

describe('upload: end to end on a local stack', function () {
  this.timeout(120_000);
  let stack: LocalStack;
  let app: AppServer | undefined;

  before(async () => {
    stack = await startLocalStack();
  });
  after(async () => {
    await app?.close();
    await stack?.stop();
    if (stack) rmSync(stack.tmp, { recursive: true, force: true });
  });

  const staged = async () => {
    const s3 = makeS3Client({ region: 'us-east-1', endpoint: stack.endpoint });
    return (
      (await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'staging/' }))).Contents ??
      []
    ).map((o) => o.Key);
  };
  const liveVersion = (out: string) => /live version: (\S+)/.exec(out)?.[1];

  it('uploads, serves, switches to a second version, rolls back, and re-uploads idempotently', async () => {
    const builtA = buildAnswerIndex(stack.tmp, 'A', 'a1');
    const builtB = buildAnswerIndex(stack.tmp, 'B', 'b1');

    const first = await sir(['upload', ...stack.stackArgs, '--index', builtA]);
    assert.equal(first.code, 0, first.stderr);
    const vA = liveVersion(first.stdout)!;
    assert.match(vA, /^up-[0-9a-f]{16}$/);
    assert.match(first.stderr, /uploading 100%/);
    assert.match(
      first.stderr,
      /loader: downloading 1 file\(s\), \d+ bytes, into .*, checking each against the staged manifest\n/,
    );
    assert.deepEqual(await staged(), [], 'the loader removes the staged objects after publishing');

    app = await serveStore(stack.storeDir);
    await eventually('the app serving A', async () => (await app!.top()).top === 'a1');
    assert.equal((await app.health()).version, vA);

    const second = await sir([
      'upload',
      ...stack.stackArgs,
      '--index',
      builtB,
      '--verify',
      app.base,
      '--verify-timeout',
      '20',
    ]);
    assert.equal(second.code, 0, second.stderr);
    const vB = liveVersion(second.stdout)!;
    assert.notEqual(vB, vA);
    assert.match(second.stdout, new RegExp(`\\(was ${vA}\\)`));
    assert.match(second.stderr, new RegExp(`the search API serves ${vB}`));
    const afterB = await app.top();
    assert.deepEqual([afterB.status, afterB.version, afterB.top], [200, vB, 'b1']);

    const back = await sir(['rollback', ...stack.stackArgs]);
    assert.equal(back.code, 0, back.stderr);
    assert.match(back.stdout, new RegExp(`${vA} is live again \\(was ${vB}\\)`));
    await eventually('the app serving A again', async () => (await app!.top()).top === 'a1');

    // The same index again: same content-derived version, already in the store: made live, not copied.
    const again = await sir(['upload', ...stack.stackArgs, '--index', builtB, '--json']);
    assert.equal(again.code, 0, again.stderr);
    const json = JSON.parse(again.stdout) as {
      version: string;
      agent: { result: string; version: string };
    };
    assert.equal(json.version, vB);
    assert.equal(json.agent.result, 'activated');
    await eventually('the app serving B again', async () => (await app!.top()).top === 'b1');

    const store = new IndexStore(stack.storeDir, { logger: silentLogger });
    for (const v of await store.list()) await store.verify(v.version);
    assert.deepEqual((await store.list()).map((v) => v.version).sort(), [vA, vB].sort());
  });

  it('refuses an upload whose index.sir is not an index: nothing goes live', async () => {
    const fake = join(stack.tmp, 'not-an-index');
    mkdirSync(fake, { recursive: true });
    writeFileSync(join(fake, 'index.sir'), 'these bytes are not an index');
    const store = new IndexStore(stack.storeDir, { logger: silentLogger });
    const before = await store.readCurrent();
    const r = await sir(['upload', ...stack.stackArgs, '--index', fake]);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /\nsir upload: the loader agent on a local child process \(loader agent\) ended with status Failed, exit code 1: index store: version "up-[0-9a-f]{16}" is not a usable index \(this is not a serverless-ir index file .*\); it was not made live\n$/,
    );
    assert.equal(await store.readCurrent(), before);
    assert.deepEqual(await readdir(join(stack.storeDir, '.partial')), []);
  });

  it('uploads a raw corpus that the loader indexes with the given analyzer options', async () => {
    const corpus = join(stack.tmp, 'corpus-c.jsonl');
    const docs = [
      { _id: 'c1', title: 'Running', text: 'alpha runners ran' },
      { _id: 'c2', title: 'Other', text: 'beta' },
    ];
    writeFileSync(corpus, docs.map((d) => JSON.stringify(d)).join('\n') + '\n');
    const r = await sir([
      'upload',
      ...stack.stackArgs,
      '--corpus',
      corpus,
      '--fields',
      'title,text',
      '--stemmer',
      'porter',
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { version: string; agent: { result: string } };
    assert.equal(out.agent.result, 'published');
    assert.match(r.stderr, /loader: building the index from corpus\.jsonl/);
    await eventually(
      'the app serving the corpus version',
      async () => (await app!.top('running')).top === 'c1',
    );
    const manifest = await new IndexStore(stack.storeDir, { logger: silentLogger }).readManifest(
      out.version,
    );
    assert.equal(manifest.source?.kind, 'corpus');
    assert.deepEqual(JSON.parse(manifest.source!.build!), {
      fields: ['title', 'text'],
      stemmer: 'porter',
    });
  });

  it('--no-wait returns once the agent is started; the version goes live by itself', async () => {
    const builtD = buildAnswerIndex(stack.tmp, 'D', 'd1');
    const r = await sir(['upload', ...stack.stackArgs, '--index', builtD, '--no-wait']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /staged version: (up-[0-9a-f]{16}); loader agent started/);
    assert.match(r.stderr, /Follow it with: tail -f /);
    await eventually('the app serving D', async () => (await app!.top()).top === 'd1', 30_000);
  });
});
