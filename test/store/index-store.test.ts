import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { IndexStore, buildManifest, hashFile, silentLogger } from '../../runtime/store/index.js';
import { captureLogger, makeBuiltIndex, makeTemp, rejectsWithCode, removeTemp } from './helpers.js';
import { storeSuite } from './common.case.js';
import { openStore } from './store-kinds.js';

storeSuite('directory', async (tmp) => {
  const root = path.join(tmp, 'store');
  const file = (id: string, name: string) => path.join(root, 'versions', id, name);
  return {
    spec: `dir:${root}`,
    open: (o = {}) => openStore(`dir:${root}`, { logger: silentLogger, ...o }),
    overwrite: async (id, name, content) => {
      await fs.mkdir(path.dirname(file(id, name)), { recursive: true });
      await fs.writeFile(file(id, name), content);
    },
    read: (id, name) => fs.readFile(file(id, name), 'utf8'),
    close: async () => {},
  };
});

/** What only a directory store has: HISTORY, partial folders, the lock, CURRENT as a file. */
describe('store/IndexStore', () => {
  let tmp: string;
  let store: IndexStore;
  let builds = 0;
  /** A new built index whose index.sir says `label`. */
  const built = (label: string, extra: Record<string, string> = {}) =>
    makeBuiltIndex(tmp, `built-${builds++}`, {
      'index.sir': label,
      'docs.bin': `docs of ${label}`,
      ...extra,
    });
  const publish = async (label: string, keep?: number) =>
    store.publish(await built(label), keep === undefined ? {} : { keep });
  const read = (id: string) => fs.readFile(path.join(store.versionDir(id), 'index.sir'), 'utf8');

  beforeEach(async () => {
    tmp = await makeTemp();
    store = new IndexStore(path.join(tmp, 'store'), { logger: silentLogger });
  });
  afterEach(() => removeTemp(tmp));

  describe('publish, current, list', () => {
    it('publishes a version, makes it live and lists it', async () => {
      assert.equal(await store.current(), undefined);
      const r = await publish('one');
      assert.match(r.version, /^\d{8}T\d{6}Z-[0-9a-f]{4}$/);
      assert.equal(r.previous, undefined);
      assert.equal(await store.current(), r.version);
      assert.equal(await fs.readFile(store.currentFile, 'utf8'), `${r.version}\n`);
      assert.equal(await read(r.version), 'one');
      assert.deepEqual(
        r.manifest.files.map((f) => f.path),
        ['docs.bin', 'index.sir'],
      );
      assert.equal(r.manifest.source?.host, os.hostname());
      const [info] = await store.list();
      assert.deepEqual(
        { ...info, createdAt: undefined },
        {
          version: r.version,
          dir: store.versionDir(r.version),
          createdAt: undefined,
          files: 2,
          bytes: 14,
          live: true,
          rollbackTarget: false,
        },
      );
      assert.deepEqual(await fs.readdir(path.join(store.root, '.partial')), []);
    });
  });

  describe('CURRENT', () => {
    it('reports a CURRENT naming a missing version clearly', async () => {
      await store.init();
      await fs.writeFile(store.currentFile, 'ghost-1\n');
      assert.equal(await store.readCurrent(), 'ghost-1');
      await rejectsWithCode(
        store.current(),
        'invalid-current',
        /names version "ghost-1", but .* has no manifest\.json/,
      );
    });

    it('refuses a CURRENT that is not a version id (it could point outside versions/)', async () => {
      await store.init();
      await fs.writeFile(store.currentFile, '../../etc\n');
      await rejectsWithCode(store.readCurrent(), 'invalid-current', /not a version id/);
    });

    it('is replaced by a publish even when malformed', async () => {
      await store.init();
      await fs.writeFile(store.currentFile, 'garbage/\n');
      const r = await publish('a');
      assert.equal(await store.current(), r.version);
    });

    it('is never replaced when it is a folder: refused before anything is written', async () => {
      await store.init();
      await fs.mkdir(path.join(store.currentFile, 'keep-me'), { recursive: true });
      for (const op of [store.readCurrent(), store.list(), publish('a')])
        await rejectsWithCode(op, 'invalid-current', /CURRENT is a folder; it must be a file/);
      assert.deepEqual(await fs.readdir(store.versionsDir), []);
      assert.deepEqual(await fs.readdir(store.partialDir), []);
      assert.deepEqual(await fs.readdir(store.currentFile), ['keep-me']);
    });
  });

  describe('validate: no version becomes live unless it passes', () => {
    const usable = (dir: string) =>
      fs.readFile(path.join(dir, 'index.sir'), 'utf8').then((text) => {
        if (text.startsWith('bad')) throw new Error(`${text} is not an index`);
      });
    beforeEach(() => {
      store = new IndexStore(path.join(tmp, 'store'), { logger: silentLogger, validate: usable });
    });

    it('refuses to publish, commit or activate an unusable version; CURRENT is unchanged', async () => {
      const good = await publish('good');
      await rejectsWithCode(
        publish('bad one'),
        'invalid-index',
        /^index store: version "\S+" is not a usable index \(bad one is not an index\); it was not made live$/,
      );
      const partial = await store.stagePartial();
      await fs.writeFile(path.join(partial.dir, 'index.sir'), 'bad two');
      await rejectsWithCode(store.commitPartial(partial), 'invalid-index', /bad two/);
      await store.abandonPartial(partial);
      assert.equal(await store.current(), good.version);
      assert.deepEqual(
        (await store.list()).map((v) => v.version),
        [good.version],
      );
      assert.deepEqual(await fs.readdir(store.partialDir), []);
    });
  });

  describe('activate and rollback', () => {
    it('records every flip in HISTORY, oldest first', async () => {
      const a = await publish('a');
      const b = await publish('b');
      const c = await publish('c');
      assert.equal(await store.rollbackTarget(), b.version);
      assert.deepEqual(await store.rollback(), {
        version: b.version,
        previous: c.version,
        changed: true,
      });
      assert.equal(await store.current(), b.version);
      assert.equal((await store.rollback()).version, c.version);
      await store.activate(a.version);
      assert.equal(await store.rollbackTarget(), c.version);
      assert.deepEqual(
        (await store.history()).map((e) => [e.version, e.action]),
        [
          [a.version, 'publish'],
          [b.version, 'publish'],
          [c.version, 'publish'],
          [b.version, 'rollback'],
          [c.version, 'rollback'],
          [a.version, 'activate'],
        ],
      );
    });

    it('refuses to activate a version with an extra file or a truncated file', async () => {
      const a = await publish('a');
      const b = await publish('b');
      await fs.writeFile(path.join(store.versionDir(a.version), 'extra'), 'x');
      await rejectsWithCode(
        store.activate(a.version),
        'verification-failed',
        /unlisted file "extra"/,
      );
      await fs.rm(path.join(store.versionDir(a.version), 'extra'));
      await fs.truncate(path.join(store.versionDir(a.version), 'docs.bin'), 3);
      await rejectsWithCode(
        store.activate(a.version),
        'verification-failed',
        /"docs\.bin" is 3 bytes/,
      );
      assert.equal(await store.current(), b.version);
    });

    it('finds the rollback target after a crash between writing CURRENT and HISTORY', async () => {
      const a = await publish('a');
      const b = await publish('b');
      const c = await publish('c');
      await fs.writeFile(
        store.historyFile,
        (await fs.readFile(store.historyFile, 'utf8')).split('\n').slice(0, 2).join('\n') + '\n',
      );
      assert.equal(await store.rollbackTarget(), b.version);
      await store.activate(a.version); // repairs HISTORY: c recorded as recovered before a
      assert.deepEqual(
        (await store.history()).slice(-2).map((e) => [e.version, e.action]),
        [
          [c.version, 'recovered'],
          [a.version, 'activate'],
        ],
      );
    });
  });

  describe('partial folders', () => {
    it('commits a partial folder filled by someone else (the loader)', async () => {
      const partial = await store.stagePartial();
      await fs.writeFile(path.join(partial.dir, 'index.sir'), 'downloaded');
      const r = await store.commitPartial(partial);
      assert.equal(await store.current(), r.version);
      assert.equal(await read(r.version), 'downloaded');
    });

    it('commits with a manifest its filler verified, checking only the listing and sizes', async () => {
      const partial = await store.stagePartial({ version: 'v-loader-1' });
      const file = path.join(partial.dir, 'index.sir');
      await fs.writeFile(file, 'downloaded');
      const manifest = buildManifest([{ path: 'index.sir', ...(await hashFile(file)) }], {
        version: 'v-loader-1',
      });
      await rejectsWithCode(
        store.commitPartial(partial, { manifest: { ...manifest, version: 'v-other' } }),
        'verification-failed',
        /names version "v-other" but the folder is for version "v-loader-1"/,
      );
      await fs.writeFile(path.join(partial.dir, 'extra'), 'x');
      await rejectsWithCode(
        store.commitPartial(partial, { manifest }),
        'verification-failed',
        /unlisted file "extra"/,
      );
      await fs.rm(path.join(partial.dir, 'extra'));
      await fs.writeFile(file, 'truncated');
      await rejectsWithCode(
        store.commitPartial(partial, { manifest }),
        'verification-failed',
        /is 9 bytes but manifest.json lists 10 bytes/,
      );
      await fs.writeFile(file, 'downloaded');
      const r = await store.commitPartial(partial, { manifest });
      assert.equal(r.version, 'v-loader-1');
      assert.deepEqual(await store.readManifest('v-loader-1'), manifest);
      assert.ok(await store.has('v-loader-1'));
      assert.equal(await store.has('v-other'), false);
      await store.verify('v-loader-1');
    });

    it('refuses to commit a folder outside .partial/', async () => {
      await rejectsWithCode(
        store.commitPartial({ version: 'v1', dir: tmp }),
        'invalid-source',
        /not a partial folder of this store/,
      );
    });

    it('removes partial folders untouched for an hour, and trash, on publish', async () => {
      await store.init();
      const old = path.join(store.partialDir, 'v-old-0000');
      const young = path.join(store.partialDir, 'v-young-0000');
      const trash = path.join(store.partialDir, 'trash-v-x-0000');
      for (const d of [old, young, trash]) await fs.mkdir(d);
      await fs.writeFile(path.join(old, 'f'), 'x');
      const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
      await fs.utimes(path.join(old, 'f'), twoHoursAgo, twoHoursAgo);
      await fs.utimes(old, twoHoursAgo, twoHoursAgo);
      await publish('a');
      assert.deepEqual(await fs.readdir(store.partialDir), ['v-young-0000']);
    });
  });

  describe('concurrency', () => {
    it('records each of several concurrent publishes in HISTORY and leaves no lock', async () => {
      const results = await Promise.all(['a', 'b', 'c', 'd', 'e', 'f'].map((l) => publish(l, 10)));
      const live = await store.current();
      assert.ok(results.some((r) => r.version === live));
      for (const r of results) await store.verify(r.version);
      const history = await store.history();
      assert.equal(history.length, 6);
      assert.equal(history.at(-1)!.version, live);
      assert.deepEqual(history.map((h) => h.version).sort(), results.map((r) => r.version).sort());
      await assert.rejects(fs.stat(path.join(store.root, '.lock')));
    });

    it('breaks a lock left by a process that no longer exists', async () => {
      const dead = spawnSync(process.execPath, ['-e', '']).pid!;
      await store.init();
      await fs.mkdir(path.join(store.root, '.lock'));
      await fs.writeFile(
        path.join(store.root, '.lock', 'owner.json'),
        JSON.stringify({
          pid: dead,
          host: os.hostname(),
          at: new Date().toISOString(),
          token: 'x',
        }),
      );
      const started = Date.now();
      await publish('a');
      assert.ok(Date.now() - started < 5000);
    });

    it('waits for a live lock holder and then fails with a sentence naming it', async () => {
      const logger = captureLogger();
      const locked = new IndexStore(store.root, { logger, lock: { timeoutMs: 200 } });
      await locked.init();
      await fs.mkdir(path.join(store.root, '.lock'));
      await fs.writeFile(
        path.join(store.root, '.lock', 'owner.json'),
        JSON.stringify({
          pid: process.pid,
          host: os.hostname(),
          at: new Date().toISOString(),
          token: 'x',
        }),
      );
      await rejectsWithCode(
        locked.publish(await built('a')),
        'conflict',
        new RegExp(`held by pid ${process.pid}`),
      );
      assert.deepEqual(await fs.readdir(store.partialDir), []);
    });
  });
});
