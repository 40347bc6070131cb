/**
 * Hot reload under steady traffic: a real @hono/node-server over a LiveIndex following an
 * IndexStore (checkIntervalMs 50). Publish B, corrupt C, roll back and activate A again while
 * clients keep searching; no request may fail and the served version may only change when the
 * store was flipped to a valid version.
 */
import assert from 'node:assert/strict';
import {
  promises as fs,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildIndex, SearchIndex } from '../../runtime/engine/index.js';
import { createApp } from '../../runtime/app/index.js';
import { serveOnLoopback } from './helpers.js';
import {
  IndexStore,
  LiveIndex,
  createManifest,
  silentLogger,
  writeManifest,
} from '../../runtime/store/index.js';

function build(tmp: string, name: string, answer: string): string {
  const docs = [
    { _id: answer, title: `Answer ${answer}`, text: `alpha is answered by ${answer} here` },
    ...Array.from({ length: 5 }, (_, i) => ({
      _id: `${name}-filler-${i}`,
      title: `Filler ${i}`,
      text: `beta gamma delta ${i}`,
    })),
  ];
  const corpus = join(tmp, `${name}.jsonl`);
  writeFileSync(corpus, docs.map((d) => JSON.stringify(d)).join('\n') + '\n');
  const out = join(tmp, `built-${name}`);
  buildIndex(corpus, out, { fields: ['title', 'text'], fieldMode: 'separate' });
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Obs {
  worker: number;
  start: number;
  end: number;
  status: number;
  version?: string;
  top?: string;
  error?: string;
}

describe('app: hot reload under traffic', function () {
  this.timeout(120_000);
  let tmp: string;
  let store: IndexStore;
  let live: LiveIndex<SearchIndex>;
  let server: Awaited<ReturnType<typeof serveOnLoopback>> | undefined;
  let base: string;

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'sir-hot-'));
    store = new IndexStore(join(tmp, 'store'), { logger: silentLogger });
    await store.publish(build(tmp, 'A', 'a1'), { version: 'vA' });
    live = new LiveIndex({
      store,
      load: (dir: string) => SearchIndex.open(dir),
      unload: (i: SearchIndex) => i.free(),
      checkIntervalMs: 50,
      logger: silentLogger,
    });
    server = await serveOnLoopback(createApp({ index: live, log: silentLogger }).fetch);
    base = server.base;
  });

  after(async () => {
    await server?.close();
    await live?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('swaps to new versions, refuses a corrupted one, rolls back, with zero failed requests', async () => {
    const builtB = build(tmp, 'B', 'b1');
    const builtC = build(tmp, 'C', 'c1');
    const obs: Obs[] = [];
    const events: Record<string, number> = {};
    let stop = false;
    const MAX = 2000;
    const queries = ['alpha', 'alpha answered', 'alpha%20here'];

    const worker = async (w: number) => {
      let i = 0;
      while (!stop && obs.length < MAX) {
        const start = performance.now();
        try {
          const res = await fetch(`${base}/search?q=${queries[i++ % queries.length]}&size=3`);
          const text = await res.text();
          let body: any;
          try {
            body = JSON.parse(text);
          } catch {
            body = undefined;
          }
          obs.push({
            worker: w,
            start,
            end: performance.now(),
            status: res.status,
            version: body?.version,
            top: body?.hits?.[0]?.id,
            ...(res.status !== 200 ? { error: text.slice(0, 300) } : {}),
          });
        } catch (err) {
          obs.push({ worker: w, start, end: performance.now(), status: 0, error: String(err) });
        }
        await sleep(2);
      }
    };
    const since = (t: number) => obs.filter((o) => o.start > t);
    const waitFor = async (what: string, pred: () => boolean, ms = 15_000) => {
      const t0 = Date.now();
      while (!pred()) {
        if (Date.now() - t0 > ms)
          assert.fail(`timed out waiting for ${what}; last: ${JSON.stringify(obs.slice(-3))}`);
        if (obs.length >= MAX) assert.fail(`request budget exhausted waiting for ${what}`);
        await sleep(10);
      }
    };
    const health = async () =>
      (await (await fetch(`${base}/health`)).json()) as { version: string };

    const workers = [0, 1, 2].map((w) => worker(w));
    try {
      // Phase A
      await waitFor(
        'answers from A',
        () => since(0).filter((o) => o.version === 'vA').length >= 20,
      );

      // Publish B: answers switch.
      events.publishB = performance.now();
      await store.publish(builtB, { version: 'vB' });
      await waitFor('switch to B', () => since(events.publishB).some((o) => o.version === 'vB'));
      events.sawB = performance.now();
      await waitFor(
        'steady B',
        () => since(events.sawB).filter((o) => o.version === 'vB').length >= 20,
      );
      assert.equal((await health()).version, 'vB');

      // Corrupted C: a complete-looking version folder whose index file no longer matches its
      // manifest (bit rot on the shared disk), and CURRENT pointing at it.
      const cDir = store.versionDir('vC');
      await fs.mkdir(cDir, { recursive: true });
      for (const f of readdirSync(builtC)) await fs.copyFile(join(builtC, f), join(cDir, f));
      await writeManifest(cDir, await createManifest(cDir, { version: 'vC' }));
      const sir = join(cDir, 'index.sir');
      const bytes = readFileSync(sir);
      bytes[Math.floor(bytes.length / 2)] ^= 0xff;
      writeFileSync(sir, bytes);
      await assert.rejects(store.verify('vC'), 'vC fails verification');
      events.corruptC = performance.now();
      writeFileSync(join(tmp, 'store', '.CURRENT-test.tmp'), 'vC\n');
      await fs.rename(join(tmp, 'store', '.CURRENT-test.tmp'), store.currentFile);
      await waitFor('vC refused', () => live.stats().refused.some((r) => r.version === 'vC'));
      events.refusedC = performance.now();
      await waitFor('traffic after refusal', () => since(events.refusedC).length >= 30);
      assert.equal((await health()).version, 'vB', '/health keeps B while CURRENT names corrupt C');
      assert.ok(
        since(events.corruptC).every((o) => o.version === 'vB' && o.top === 'b1'),
        'still answering from B',
      );

      // Rollback: CURRENT -> B (already served, so nothing changes).
      const rb = await store.rollback();
      assert.equal(rb.version, 'vB');
      events.rolledBack = performance.now();
      await waitFor('traffic after rollback', () => since(events.rolledBack).length >= 30);
      assert.ok(since(events.rolledBack).every((o) => o.version === 'vB'));
      assert.equal((await health()).version, 'vB');

      // Activate A again: answers switch back.
      events.activateA = performance.now();
      await store.activate('vA');
      await waitFor('switch back to A', () =>
        since(events.activateA).some((o) => o.version === 'vA'),
      );
      events.sawA = performance.now();
      await waitFor(
        'steady A',
        () => since(events.sawA).filter((o) => o.version === 'vA').length >= 20,
      );
      assert.equal((await health()).version, 'vA');
    } finally {
      stop = true;
      await Promise.all(workers);
    }

    // Zero failed requests.
    const failed = obs.filter((o) => o.status !== 200);
    assert.deepEqual(failed, [], `${failed.length} of ${obs.length} requests failed`);
    assert.ok(obs.length <= MAX + 3);

    // Every answer is consistent with its version; C was never served.
    const expectTop: Record<string, string> = { vA: 'a1', vB: 'b1' };
    for (const o of obs) {
      assert.ok(o.version === 'vA' || o.version === 'vB', `unexpected version ${o.version}`);
      assert.equal(o.top, expectTop[o.version!], `version ${o.version} answered ${o.top}`);
    }

    // Versions change only at the expected moments: per worker, A… then B… then A…, with
    // B only after publishing B began and A (second time) only after activating A began.
    for (const w of [0, 1, 2]) {
      const seq = obs.filter((o) => o.worker === w);
      const runs: { version: string; first: Obs }[] = [];
      for (const o of seq)
        if (runs.at(-1)?.version !== o.version) runs.push({ version: o.version!, first: o });
      assert.deepEqual(
        runs.map((r) => r.version),
        ['vA', 'vB', 'vA'],
        `worker ${w} version runs`,
      );
      assert.ok(runs[1]!.first.end > events.publishB!, 'B appeared only after publishing B');
      assert.ok(runs[2]!.first.end > events.activateA!, 'A came back only after activating A');
      const lastB = seq.filter((o) => o.version === 'vB').at(-1)!;
      assert.ok(
        lastB.start < events.activateA! + 1000 && lastB.end > events.rolledBack!,
        'B served through corruption and rollback',
      );
    }
    console.log(
      `      ${obs.length} requests, 0 failed; events (ms): ${JSON.stringify(Object.fromEntries(Object.entries(events).map(([k, v]) => [k, Math.round(v)])))}`,
    );
  });
});
