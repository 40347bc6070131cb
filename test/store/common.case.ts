/**
 * One suite for every implementation of the index store (version-store.ts), in Hono's habit of
 * one `common.case.test.ts` for every router: the directory store (index-store.test.ts) and the
 * S3 store on fauxqs (s3-store.test.ts) must pass the same tests, including concurrent writers
 * and a writer SIGKILLed at random instants.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_KEEP,
  verifyVersion,
  type VersionStore,
  type VersionValidator,
} from '../../runtime/store/index.js';
import { makeBuiltIndex, makeTemp, rejectsWithCode, removeTemp } from './helpers.js';

export interface StoreHarness {
  /** Names the store for a child process (store-kinds.ts). */
  spec: string;
  /** A handle on the store; `validate` as given. */
  open(options?: { validate?: VersionValidator }): VersionStore;
  /** Replaces a stored file behind the store's back (damage on the disk or in the bucket). */
  overwrite(id: string, file: string, content: string | Buffer): Promise<void>;
  /** A stored file's content, read behind the store's back. */
  read(id: string, file: string): Promise<string>;
  close(): Promise<void>;
}

const CHILD = fileURLToPath(new URL('./fixtures/publish-forever.ts', import.meta.url));

/** Runs the shared suite; `setup` makes an empty store in `tmp`. */
export function storeSuite(
  kind: string,
  setup: (tmp: string) => Promise<StoreHarness>,
  { crashIterations = 20 }: { crashIterations?: number } = {},
): void {
  describe(`store (shared suite): ${kind}`, function () {
    this.timeout(60_000);
    let tmp: string;
    let h: StoreHarness;
    let store: VersionStore;
    let builds = 0;
    const built = (label: string, extra: Record<string, string> = {}) =>
      makeBuiltIndex(tmp, `built-${builds++}`, {
        'index.sir': label,
        'docs.bin': `docs of ${label}`,
        ...extra,
      });
    const publish = async (label: string, keep?: number, s = store) =>
      s.publish(await built(label), keep === undefined ? {} : { keep });

    beforeEach(async () => {
      tmp = await makeTemp('sir-common-');
      h = await setup(tmp);
      store = h.open();
    });
    afterEach(async () => {
      await h.close();
      await removeTemp(tmp);
    });

    it('publishes a version, makes it live, lists it and checks it out', async () => {
      assert.equal(await store.current(), undefined);
      assert.equal(await store.readCurrent(), undefined);
      const r = await publish('one');
      assert.match(r.version, /^\d{8}T\d{6}Z-[0-9a-f]{4}$/);
      assert.equal(r.previous, undefined);
      assert.equal(await store.current(), r.version);
      assert.equal(await h.read(r.version, 'index.sir'), 'one');
      assert.deepEqual(
        r.manifest.files.map((f) => f.path),
        ['docs.bin', 'index.sir'],
      );
      assert.equal(r.manifest.source?.host, os.hostname());
      assert.deepEqual(await store.readManifest(r.version), r.manifest);
      const [info] = await store.list();
      assert.deepEqual(
        { ...info, createdAt: undefined },
        {
          version: r.version,
          dir: r.dir,
          createdAt: undefined,
          files: 2,
          bytes: 14,
          live: true,
          rollbackTarget: false,
        },
      );
      const dir = await store.checkout(r.version);
      assert.equal(await fs.readFile(path.join(dir, 'index.sir'), 'utf8'), 'one');
      await verifyVersion(dir, { expectedVersion: r.version });
      await store.release(r.version);
    });

    it('knows which versions were ever live (wasLive) and where each file is (fileUrl)', async () => {
      const a = await publish('a');
      const b = await publish('b');
      // A version committed but never made live, as a publisher killed between the two leaves it.
      const id = 'never-flipped';
      for (const f of ['index.sir', 'docs.bin'])
        await h.overwrite(id, f, await h.read(a.version, f));
      const manifest = { ...(await store.readManifest(a.version)), version: id };
      await h.overwrite(id, 'manifest.json', JSON.stringify(manifest));
      assert.equal(await store.has(id), true);
      assert.equal(await store.wasLive(id), false);
      assert.equal(await store.wasLive(a.version), true);
      assert.equal(await store.wasLive(b.version), true);
      await store.activate(id);
      await store.rollback();
      assert.equal(await store.current(), b.version);
      assert.equal(await store.wasLive(id), true);
      assert.equal(await store.wasLive('not-here'), false);
      const url = store.fileUrl(a.version, 'index.sir');
      assert.match(url, /^(file|s3):\/\//);
      assert.ok(url.endsWith(`versions/${a.version}/index.sir`), url);
    });

    it('publishes nested folders and replaces a manifest.json found in the built folder', async () => {
      const dir = await built('nested', { 'seg/0.dat': 'zero' });
      await fs.writeFile(path.join(dir, 'manifest.json'), '{"stale": true}');
      const r = await store.publish(dir);
      assert.deepEqual(
        r.manifest.files.map((f) => f.path),
        ['docs.bin', 'index.sir', 'seg/0.dat'],
      );
      await store.verify(r.version);
    });

    it('refuses a missing or empty folder, and keep below 1, before touching the store', async () => {
      await rejectsWithCode(
        store.publish(path.join(tmp, 'nope')),
        'invalid-source',
        /is not a folder/,
      );
      await fs.mkdir(path.join(tmp, 'empty'));
      await rejectsWithCode(
        store.publish(path.join(tmp, 'empty')),
        'invalid-source',
        /holds no files/,
      );
      await rejectsWithCode(
        store.publish(await built('x'), { keep: 0 }),
        'invalid-option',
        /keep must be an integer of at least 1/,
      );
      assert.equal(await store.current(), undefined);
      assert.deepEqual(await store.list(), []);
    });

    it('refuses a version id that is taken, and leaves the live one alone', async () => {
      const a = await publish('a');
      await rejectsWithCode(
        store.publish(await built('b'), { version: a.version }),
        'version-exists',
        /already exists/,
      );
      assert.equal(await store.current(), a.version);
      assert.equal(await h.read(a.version, 'index.sir'), 'a');
    });

    it('refuses to publish, activate or roll back to a version validate refuses', async () => {
      const usable: VersionValidator = (dir) =>
        fs.readFile(path.join(dir, 'index.sir'), 'utf8').then((text) => {
          if (text.startsWith('bad')) throw new Error(`${text} is not an index`);
        });
      const checked = h.open({ validate: usable });
      const a = await publish('a', undefined, checked);
      const b = await publish('b', undefined, checked);
      await rejectsWithCode(
        publish('bad one', undefined, checked),
        'invalid-index',
        /^index store: version "\S+" is not a usable index \(bad one is not an index\); it was not made live$/,
      );
      // Damage that keeps the checksums right: a new manifest written behind the store's back.
      const manifest = await store.readManifest(a.version);
      const bad = Buffer.from('bad');
      const { createHash } = await import('node:crypto');
      const files = manifest.files.map((f) =>
        f.path === 'index.sir'
          ? { ...f, bytes: 3, sha256: createHash('sha256').update(bad).digest('hex') }
          : f,
      );
      await h.overwrite(a.version, 'index.sir', bad);
      await h.overwrite(a.version, 'manifest.json', JSON.stringify({ ...manifest, files }));
      await rejectsWithCode(checked.activate(a.version), 'invalid-index', /bad is not an index/);
      await rejectsWithCode(checked.rollback(), 'invalid-index', /bad is not an index/);
      assert.equal(await store.current(), b.version);
    });

    it('rolls back to the version live before, and back again like cd -', async () => {
      const a = await publish('a');
      const b = await publish('b');
      const c = await publish('c');
      assert.equal(c.previous, b.version);
      assert.equal(await store.rollbackTarget(), b.version);
      assert.deepEqual(
        (await store.list()).map((v) => [v.version, v.live, v.rollbackTarget]),
        [
          [c.version, true, false],
          [b.version, false, true],
          [a.version, false, false],
        ],
      );
      assert.deepEqual(await store.rollback(), {
        version: b.version,
        previous: c.version,
        changed: true,
      });
      assert.equal(await store.current(), b.version);
      assert.equal((await store.rollback()).version, c.version);
      assert.deepEqual(await store.activate(a.version), {
        version: a.version,
        previous: c.version,
        changed: true,
      });
      assert.equal(await store.rollbackTarget(), c.version);
      assert.equal((await store.activate(a.version)).changed, false);
    });

    it('has no rollback target with nothing live or with one version', async () => {
      await rejectsWithCode(store.rollback(), 'no-rollback-target', /nothing is live/);
      await publish('a');
      await rejectsWithCode(
        store.rollback(),
        'no-rollback-target',
        /records no version live before it/,
      );
    });

    it('refuses to activate a bad id, a missing version, or one that fails its checksums', async () => {
      const a = await publish('a');
      const b = await publish('b');
      await rejectsWithCode(store.activate('../a'), 'invalid-version-id');
      await rejectsWithCode(store.activate('nope'), 'missing-version', /does not exist/);
      await h.overwrite(a.version, 'index.sir', 'A'); // same size, other content
      await rejectsWithCode(store.activate(a.version), 'verification-failed', /index\.sir/);
      await rejectsWithCode(store.rollback(), 'verification-failed', /index\.sir/);
      await h.overwrite(a.version, 'docs.bin', 'doc');
      await rejectsWithCode(
        store.verify(a.version),
        'verification-failed',
        /"docs\.bin" is 3 bytes/,
      );
      assert.equal(await store.current(), b.version);
    });

    it('keeps the newest versions and never the live one or the rollback target', async () => {
      const ids: string[] = [];
      for (const label of ['a', 'b', 'c', 'd']) ids.push((await publish(label, 10)).version);
      await store.activate(ids[0]!); // live: a, rollback target: d
      const e = await publish('e', 2); // live e, rollback target a; newest two: e, d
      assert.deepEqual(e.pruned.sort(), [ids[1], ids[2]].sort());
      assert.deepEqual(
        (await store.list()).map((v) => v.version).sort(),
        [ids[0], ids[3], e.version].sort(),
      );
      assert.deepEqual(await store.prune(1), [ids[3]]);
      assert.deepEqual(
        (await store.list()).map((v) => v.version).sort(),
        [ids[0], e.version].sort(),
      );
      for (let i = 0; i < DEFAULT_KEEP + 1; i++) await publish(`v${i}`);
      assert.equal((await store.list()).length, DEFAULT_KEEP);
    });

    it('lets several publishers run at once without losing or tearing anything', async () => {
      const results = await Promise.all(
        ['a', 'b', 'c', 'd', 'e', 'f'].map((l) => publish(l, 10, h.open())),
      );
      const live = await store.current();
      assert.ok(results.some((r) => r.version === live));
      for (const r of results) await store.verify(r.version);
      // Every flip saw the one before it: following rollback targets from the live version
      // through the publishes' `previous` visits every version once.
      const previous = new Map(results.map((r) => [r.version, r.previous]));
      const seen: string[] = [];
      for (let v: string | undefined = live; v !== undefined; v = previous.get(v)) seen.push(v);
      assert.deepEqual(seen.sort(), results.map((r) => r.version).sort());
    });

    it('lets exactly one of two rollbacks from the same state win', async () => {
      await publish('a');
      const b = await publish('b');
      const outcomes = await Promise.allSettled([h.open().rollback(), h.open().rollback()]);
      const won = outcomes.filter((o) => o.status === 'fulfilled');
      const lost = outcomes.filter((o) => o.status === 'rejected');
      assert.equal(won.length, 1, JSON.stringify(outcomes));
      assert.match(String((lost[0] as PromiseRejectedResult).reason), /changed/);
      assert.equal(await store.rollbackTarget(), b.version);
    });

    it(`keeps CURRENT on a complete, verified version after ${crashIterations} SIGKILLs at random points`, async function () {
      this.timeout(300_000);
      // ~6 MB in 6 files: a publish spans many milliseconds of copy, hash and upload.
      const files: Record<string, Buffer> = {};
      for (let i = 0; i < 6; i++) files[`segment-${i}.bin`] = randomBytes(1 << 20);
      const big = await makeBuiltIndex(tmp, 'big', files);
      await store.publish(big);
      const t0 = Date.now();
      await store.publish(big, { keep: 3 });
      const publishMs = Math.max(20, Date.now() - t0);
      for (let i = 0; i < crashIterations; i++) {
        await publishThenKill(h.spec, big, Math.random() * publishMs * 2);
        const live = await store.current();
        assert.ok(live !== undefined, `iteration ${i}: CURRENT is missing`);
        await store.verify(live);
        for (const v of await store.list()) {
          if (v.problem !== undefined) continue; // a killed upload's unlisted objects
          await store.verify(v.version);
        }
      }
      const after = await store.publish(big, { keep: 3 });
      assert.equal(await store.current(), after.version);
      assert.ok(
        (await store.list()).filter((v) => v.problem === undefined).length <= 4,
        'retention still applies after the crashes',
      );
    });
  });
}

/** Starts the publishing child, kills it `delayMs` after it is ready. */
function publishThenKill(spec: string, built: string, delayMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, spec, built], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (timer === undefined && out.includes('ready\n'))
        timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL')
        reject(new Error(`publisher exited with ${code ?? signal} before the kill: ${err}`));
      else resolve();
    });
  });
}
