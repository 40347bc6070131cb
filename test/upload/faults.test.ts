/**
 * Faults, each repeated with random timing (bounded): the upload SIGKILLed mid-transfer and run
 * again (it resumes, skipping the objects already staged and verified); the loader agent SIGKILLed
 * at random points of download, verify, commit and flip (CURRENT always names a complete version
 * whose checksums pass, and the app keeps answering); a staged file altered after upload (refused
 * with a clear message, nothing published).
 */
import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { IndexStore, silentLogger } from '../../runtime/store/index.js';
import {
  makeS3Client,
  prepareIndexUpload,
  stageUpload,
  stagedKey,
} from '../../runtime/upload/index.js';
import { type AppServer, eventually, serveStore } from './app-server.js';
import {
  BUCKET,
  type LocalStack,
  buildAnswerIndex,
  sir,
  sirChild,
  sleep,
  startLocalStack,
} from './helpers.js';

const ITERATIONS = Number(process.env.SIR_FAULT_ITERATIONS ?? 4);

describe('upload: faults', function () {
  this.timeout(300_000);
  let stack: LocalStack;
  let app: AppServer;
  let store: IndexStore;
  let s3: ReturnType<typeof makeS3Client>;
  /** Requests the background client made, and the ones that failed. */
  const traffic = { ok: 0, failed: [] as string[], stop: false, done: Promise.resolve() };

  before(async () => {
    stack = await startLocalStack();
    s3 = makeS3Client({ region: 'us-east-1', endpoint: stack.endpoint });
    store = new IndexStore(stack.storeDir, { logger: silentLogger });
    const first = await sir([
      'upload',
      ...stack.stackArgs,
      '--index',
      buildAnswerIndex(stack.tmp, 'base', 'base1'),
    ]);
    assert.equal(first.code, 0, first.stderr);
    app = await serveStore(stack.storeDir);
    await eventually(
      'the app serving the first version',
      async () => (await app.top()).status === 200,
    );
    traffic.done = (async () => {
      for (let i = 0; i < 200_000 && !traffic.stop; i++) {
        const r = await app.top();
        if (r.status === 200 && r.top) traffic.ok++;
        else traffic.failed.push(JSON.stringify(r));
        await sleep(5);
      }
    })();
  });

  after(async () => {
    traffic.stop = true;
    await traffic.done;
    await app?.close();
    await stack?.stop();
    if (stack) rmSync(stack.tmp, { recursive: true, force: true });
  });

  /** A real index plus padding files, so transfers take long enough to be interrupted. */
  const paddedIndex = (name: string, padFiles: number, padBytes: number) => {
    const dir = buildAnswerIndex(stack.tmp, name, `${name}-answer`);
    for (let i = 0; i < padFiles; i++)
      writeFileSync(join(dir, `pad-${i}.bin`), randomBytes(padBytes));
    return dir;
  };

  /** CURRENT names a version whose files all pass their checksums; returns it. */
  const assertConsistent = async (when: string) => {
    const live = await store.current();
    assert.ok(live, `${when}: CURRENT names a version`);
    await store.verify(live); // throws if any checksum fails
    return live;
  };

  it(`upload killed mid-transfer, then run again: resumes, skipping verified objects (${ITERATIONS} times)`, async () => {
    for (let it = 0; it < ITERATIONS; it++) {
      const dir = paddedIndex(`resume-${it}`, 6, 6 * 1024 * 1024 + randomInt(1024));
      const upload = await prepareIndexUpload(dir);
      const child = sirChild(['upload', ...stack.stackArgs, '--index', dir, '--part-size-mb', '5']);
      assert.ok(
        await child.waitFor(/uploading +[1-9]\d?%/),
        `iteration ${it}: the upload started: ${child.output()}`,
      );
      await sleep(randomInt(0, 200));
      child.child.kill('SIGKILL');
      await child.exit;

      // What is in the bucket now is whole: each object has its full size and SHA-256 metadata.
      const complete: string[] = [];
      for (const f of upload.files) {
        const head = await s3
          .send(
            new HeadObjectCommand({
              Bucket: BUCKET,
              Key: stagedKey('staging/', upload.version, f.path),
            }),
          )
          .catch(() => undefined);
        if (!head) continue;
        assert.equal(
          head.ContentLength,
          f.bytes,
          `iteration ${it}: ${f.path} is complete or absent`,
        );
        assert.equal(head.Metadata?.sha256, f.sha256);
        complete.push(f.path);
      }
      const rerun = await sir([
        'upload',
        ...stack.stackArgs,
        '--index',
        dir,
        '--part-size-mb',
        '5',
        '--json',
      ]);
      assert.equal(rerun.code, 0, rerun.stderr);
      const out = JSON.parse(rerun.stdout) as {
        version: string;
        staged: { skipped: number; uploaded: number };
        agent: { result: string };
      };
      assert.equal(out.version, upload.version, 'the rerun names the same version');
      for (const p of complete)
        assert.match(
          rerun.stderr,
          new RegExp(`skipped: ${p.replace('.', '\\.')}`),
          `iteration ${it}: ${p} was skipped`,
        );
      assert.equal(out.staged.skipped, complete.length);
      assert.equal(out.staged.uploaded, upload.files.length - complete.length);
      assert.equal(out.agent.result, 'published');
      assert.equal(await assertConsistent(`after resume ${it}`), upload.version);
      await eventually(
        'the app serving the resumed version',
        async () => (await app.top()).top === `resume-${it}-answer`,
      );
      console.log(
        `      iteration ${it}: killed with ${complete.length}/${upload.files.length} files staged; rerun skipped them and published`,
      );
    }
  });

  it(`loader agent SIGKILLed at random points: CURRENT stays complete and verified, the app keeps answering (${ITERATIONS * 2} times)`, async () => {
    const phases = [
      /downloading/,
      /every file matches/,
      /committing/,
      /is live/,
      /removed \d+ staged/,
    ];
    for (let it = 0; it < ITERATIONS * 2; it++) {
      const dir = paddedIndex(`kill-${it}`, 3, 4 * 1024 * 1024);
      const upload = await prepareIndexUpload(dir);
      await stageUpload({ client: s3, bucket: BUCKET, prefix: 'staging/', upload });
      const before = await assertConsistent(`before kill ${it}`);
      const agentArgs = [
        'loader-agent',
        'publish',
        '--version',
        upload.version,
        '--store',
        stack.storeDir,
        '--bucket',
        BUCKET,
        '--region',
        'us-east-1',
        '--s3-endpoint',
        stack.endpoint,
      ];
      const phase = phases[randomInt(phases.length)]!;
      const agent = sirChild(agentArgs, { SIR_LOADER_ENV: join(stack.tmp, 'none') });
      await agent.waitFor(phase);
      await sleep(randomInt(0, 25));
      agent.child.kill('SIGKILL');
      const code = await agent.exit;
      const after = await assertConsistent(`after kill ${it}`);
      assert.ok(
        after === before || after === upload.version,
        `iteration ${it}: live is the old or the new version`,
      );
      assert.equal((await app.health()).version !== undefined, true);

      // Run it again to completion: the version ends up live whatever the kill interrupted.
      const again = sirChild(agentArgs, { SIR_LOADER_ENV: join(stack.tmp, 'none') });
      assert.equal(await again.exit, 0, again.output());
      assert.equal(await assertConsistent(`after rerun ${it}`), upload.version);
      await eventually(
        'the app serving the new version',
        async () => (await app.top()).top === `kill-${it}-answer`,
      );
      console.log(
        `      iteration ${it}: killed after ${phase.source} (exit ${code ?? 'SIGKILL'}), live was ${after === before ? 'old' : 'new'}; rerun published`,
      );
    }
    assert.deepEqual(traffic.failed, [], 'no request failed while agents were killed');
    assert.ok(traffic.ok > 0);
  });

  it(`a staged file altered after upload is refused with a clear message; nothing is published (${ITERATIONS} times)`, async () => {
    for (let it = 0; it < ITERATIONS; it++) {
      const dir = paddedIndex(`altered-${it}`, 1, 64 * 1024);
      const upload = await prepareIndexUpload(dir);
      await stageUpload({ client: s3, bucket: BUCKET, prefix: 'staging/', upload });
      const victim = upload.files[randomInt(upload.files.length)]!;
      const key = stagedKey('staging/', upload.version, victim.path);
      const body = Buffer.from(
        await (
          await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))
        ).Body!.transformToByteArray(),
      );
      const truncate = it % 2 === 1;
      const altered = truncate
        ? body.subarray(0, body.length - 1 - randomInt(Math.min(10, body.length - 1)))
        : Buffer.from(body);
      if (!truncate) altered[randomInt(altered.length)]! ^= 0xff;
      // Same metadata as the honest upload, so a resumed `sir upload` trusts it and skips it.
      await s3.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: key,
          Body: altered,
          Metadata: { sha256: victim.sha256 },
        }),
      );
      const live = await assertConsistent('before the altered upload');

      // A changed byte keeps the size, so a resumed `sir upload` trusts the object and the loader
      // must catch it; a truncated object is re-sent by `sir upload` (sizes differ), so it is
      // handed to the loader agent directly.
      const r = truncate
        ? await sir([
            'loader-agent',
            'publish',
            '--version',
            upload.version,
            '--store',
            stack.storeDir,
            '--bucket',
            BUCKET,
            '--region',
            'us-east-1',
            '--s3-endpoint',
            stack.endpoint,
          ])
        : await sir(['upload', ...stack.stackArgs, '--index', dir]);
      assert.equal(r.code, 1, r.stdout);
      const what = truncate
        ? `is ${altered.length} bytes but the manifest lists ${victim.bytes}`
        : `has SHA-256 [0-9a-f]{64} but the manifest lists ${victim.sha256}`;
      const who = truncate
        ? 'sir loader-agent: '
        : 'sir upload: the loader agent on a local child process \\(loader agent\\) ended with status Failed, exit code 1: ';
      assert.match(
        r.stderr,
        new RegExp(
          `${who}refused version ${upload.version}: staged file "${victim.path.replace('.', '\\.')}" \\(s3://${BUCKET}/staging/${upload.version}/[^)]+\\) ${what}; it was altered or damaged after upload\\. Nothing was published and the live version is unchanged`,
        ),
      );
      assert.equal(await assertConsistent('after the refusal'), live);
      assert.equal(
        existsSync(store.versionDir(upload.version)),
        false,
        'the version was not created',
      );
      assert.deepEqual(
        readdirSync(store.partialDir).filter((n) => n.startsWith(upload.version)),
        [],
        'the partial folder was abandoned',
      );
      // The staged objects stay for inspection (the bucket's lifecycle rule expires them).
      const left = await s3.send(
        new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `staging/${upload.version}/` }),
      );
      assert.ok((left.Contents ?? []).length > 0);
      stack.server.emptyBucket(BUCKET);
    }
  });
});
