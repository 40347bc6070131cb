import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  IndexStore,
  LiveIndex,
  type LiveIndexOptions,
  silentLogger,
} from '../../runtime/store/index.js';
import {
  captureLogger,
  flipByte,
  makeBuiltIndex,
  makeTemp,
  rejectsWithCode,
  removeTemp,
} from './helpers.js';

/** The fake engine: an "index" is the text of index.sir; `unloaded` records frees. */
interface FakeIndex {
  text: string;
  unloaded: boolean;
}

describe('store/LiveIndex', () => {
  let tmp: string;
  let store: IndexStore;
  let builds = 0;
  let loads: string[];
  const publish = async (label: string) =>
    store.publish(await makeBuiltIndex(tmp, `built-${builds++}`, { 'index.sir': label }));
  const load = async (dir: string) => {
    loads.push(dir);
    return { text: await fs.readFile(path.join(dir, 'index.sir'), 'utf8'), unloaded: false };
  };
  const live = (options: Partial<LiveIndexOptions<FakeIndex>> = {}) =>
    new LiveIndex<FakeIndex>({
      store,
      load,
      unload: (i) => (i.unloaded = true),
      checkIntervalMs: 20,
      logger: silentLogger,
      ...options,
    });
  /** Calls get() until it serves `text` or a second passes. */
  const until = async (index: LiveIndex<FakeIndex>, text: string) => {
    for (let i = 0; i < 100; i++) {
      if ((await index.get()).value.text === text) return;
      await sleep(10);
    }
    assert.fail(`LiveIndex never served "${text}"`);
  };

  beforeEach(async () => {
    tmp = await makeTemp();
    store = new IndexStore(path.join(tmp, 'store'), { logger: silentLogger });
    loads = [];
  });
  afterEach(() => removeTemp(tmp));

  it('loads the live version once on first use (cold start)', async () => {
    const a = await publish('a');
    const index = live({ checkIntervalMs: 60_000 });
    const [x, y] = await Promise.all([index.get(), index.get()]);
    assert.equal(x, y);
    assert.equal(x.value.text, 'a');
    assert.equal(x.version, a.version);
    assert.equal(x.manifest?.version, a.version);
    assert.ok(x.loadedAt instanceof Date);
    await index.get();
    assert.equal(loads.length, 1);
  });

  it('throws not-published, then unavailable, at cold start until a valid version is published, remembers each, and recovers', async () => {
    const index = live();
    await rejectsWithCode(
      index.get(),
      'not-published',
      /nothing has been published .* \(no CURRENT\)/,
    );
    await rejectsWithCode(index.get(), 'not-published', /no CURRENT/); // remembered: no new read
    const a = await publish('a');
    await flipByte(path.join(store.versionDir(a.version), 'index.sir'));
    await sleep(25);
    await rejectsWithCode(
      index.with(() => 1),
      'unavailable',
      /SHA-256/,
    );
    await publish('b');
    await sleep(25);
    assert.equal((await index.get()).value.text, 'b');
  });

  it('reloads within the interval after a publish, loading the new version beside the old', async () => {
    await publish('a');
    const index = live();
    const first = await index.get();
    const b = await publish('b');
    await until(index, 'b');
    assert.equal((await index.get()).version, b.version);
    await sleep(5);
    assert.equal(first.value.unloaded, true);
    assert.equal(loads.length, 2);
  });

  it('does not read CURRENT more often than the interval', async () => {
    await publish('a');
    const index = live({ checkIntervalMs: 60_000 });
    await index.get();
    await publish('b');
    for (let i = 0; i < 5; i++) assert.equal((await index.get()).value.text, 'a');
    assert.equal(await index.refresh(), 'swapped');
    assert.equal((await index.get()).value.text, 'b');
  });

  it('refuses a corrupted new version, logs it once, and keeps serving the old one', async () => {
    await publish('a');
    const logger = captureLogger();
    const index = live({ logger, checkIntervalMs: 0 });
    await index.get();
    const b = await publish('b');
    await flipByte(path.join(store.versionDir(b.version), 'index.sir'));
    assert.equal(await index.refresh(), 'refused');
    assert.equal((await index.get()).value.text, 'a');
    assert.equal(await index.refresh(), 'refused'); // remembered, not verified again
    const errors = logger.records.filter((r) => r.level === 'error');
    assert.equal(errors.length, 1);
    assert.equal(errors[0]!.fields?.version, b.version);
    assert.match(String(errors[0]!.fields?.error), /SHA-256/);
    assert.deepEqual(
      index.stats().refused.map((r) => r.version),
      [b.version],
    );
    await publish('c');
    assert.equal(await index.refresh(), 'swapped');
    assert.equal((await index.get()).value.text, 'c');
  });

  it('refuses a version whose load throws, and retries it after refusedRetryMs', async () => {
    await publish('a');
    let clock = 0;
    let failing = true;
    const index = live({
      now: () => clock,
      refusedRetryMs: 1000,
      load: async (dir) => {
        const i = await load(dir);
        if (i.text === 'b' && failing) throw new Error('engine: unsupported format version 9');
        return i;
      },
    });
    await index.get();
    await publish('b');
    clock += 100;
    assert.equal(await index.refresh(), 'refused');
    assert.match(index.stats().refused[0]!.reason, /unsupported format version 9/);
    failing = false;
    clock += 100;
    assert.equal(await index.refresh(), 'refused');
    clock += 1000;
    assert.equal(await index.refresh(), 'swapped');
  });

  it('keeps a replaced version for requests in flight and frees it when the last one ends', async () => {
    await publish('a');
    const index = live({ checkIntervalMs: 0 });
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let seen: FakeIndex | undefined;
    const request = index.with(async (i) => {
      seen = i.value;
      await held;
      return i.value.text;
    });
    await sleep(1);
    await publish('b');
    assert.equal(await index.refresh(), 'swapped');
    assert.equal((await index.get()).value.text, 'b');
    await sleep(5);
    assert.equal(seen!.unloaded, false);
    assert.equal(index.stats().retiredInUse, 1);
    release();
    assert.equal(await request, 'a');
    await sleep(5);
    assert.equal(seen!.unloaded, true);
    assert.equal(index.stats().retiredInUse, 0);
    assert.equal(index.stats().inFlight, 0);
  });

  it('releases the reference when the request throws', async () => {
    await publish('a');
    const index = live({ checkIntervalMs: 0 });
    await assert.rejects(
      index.with(() => {
        throw new Error('handler failed');
      }),
      /handler failed/,
    );
    assert.equal(index.stats().inFlight, 0);
  });

  it('never hands out a missing or freed index while many requests run across swaps', async () => {
    await publish('v0');
    const index = live({ checkIntervalMs: 0 });
    let stop = false;
    let served = 0;
    const client = async () => {
      while (!stop) {
        await index.with(async (i) => {
          assert.ok(i && i.value && typeof i.value.text === 'string');
          assert.equal(i.value.unloaded, false);
          await sleep(Math.random() * 3);
          assert.equal(i.value.unloaded, false);
          served++;
        });
      }
    };
    const clients = Array.from({ length: 50 }, client);
    const texts: string[] = [];
    for (let v = 1; v <= 5; v++) {
      await publish(`v${v}`);
      await until(index, `v${v}`);
      texts.push((await index.get()).value.text);
    }
    stop = true;
    await Promise.all(clients);
    assert.deepEqual(texts, ['v1', 'v2', 'v3', 'v4', 'v5']);
    assert.ok(served > 100, `served ${served}`);
    assert.equal(index.stats().retiredInUse, 0);
  });

  it('serves a fixed directory, with or without a manifest, and never reloads', async () => {
    const dir = await makeBuiltIndex(tmp, 'my-index', { 'index.sir': 'fixed' });
    const index = new LiveIndex<FakeIndex>({
      directory: dir,
      load,
      checkIntervalMs: 0,
      logger: silentLogger,
    });
    const got = await index.get();
    assert.equal(got.version, 'my-index');
    assert.equal(got.manifest, undefined);
    assert.equal(await index.refresh(), 'fixed');
    await index.get();
    assert.equal(loads.length, 1);
    const a = await publish('a');
    const fromVersion = new LiveIndex<FakeIndex>({
      directory: store.versionDir(a.version),
      load,
      logger: silentLogger,
    });
    assert.equal((await fromVersion.get()).version, a.version);
    await flipByte(path.join(store.versionDir(a.version), 'index.sir'));
    const corrupted = new LiveIndex<FakeIndex>({
      directory: store.versionDir(a.version),
      load,
      logger: silentLogger,
    });
    await rejectsWithCode(corrupted.get(), 'unavailable', /SHA-256/);
  });

  it('needs exactly one of store and directory; close() frees and refuses later calls', async () => {
    assert.throws(() => new LiveIndex({ load, logger: silentLogger }), /exactly one of "store"/);
    assert.throws(
      () => new LiveIndex({ store, directory: tmp, load, logger: silentLogger }),
      /exactly one of "store"/,
    );
    await publish('a');
    const index = live();
    const got = await index.get();
    await index.close();
    await sleep(5);
    assert.equal(got.value.unloaded, true);
    await rejectsWithCode(index.get(), 'closed');
  });
});
