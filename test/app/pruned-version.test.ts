/**
 * A server holding a version that is pruned under it, as a Lambda thawed after newer publishes
 * does: its index file is open and read lazily (stored blocks, positions), and on EFS (NFS) a read
 * through the open descriptor of a deleted file fails with ESTALE. On a local disk the read would
 * still succeed, so the test makes the file system behave as NFS does: `fs.readSync` on a
 * descriptor whose file has no links left throws ESTALE (through `syncBuiltinESMExports`, so the
 * engine's own `readSync` import sees it). The request must answer from the live version, once
 * reloaded, and nothing may fail.
 */
import assert from 'node:assert/strict';
import fs, { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, openLiveIndex } from '../../runtime/app/index.js';
import type { SearchIndex } from '../../runtime/engine/index.js';
import { IndexStore, type LiveIndex } from '../../runtime/store/index.js';
import { silentLogger } from '../../runtime/log/logger.js';
import { buildFixtureIndex, fixtureDocs, serveOnLoopback } from './helpers.js';

describe('app: a served version pruned under the server (ESTALE on its open file)', function () {
  this.timeout(60_000);
  let tmp: string;
  let live: LiveIndex<SearchIndex>;
  let server: Awaited<ReturnType<typeof serveOnLoopback>> | undefined;
  let base: string;
  const realReadSync = fs.readSync;
  const staleReads: number[] = [];

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'sir-pruned-'));
    live = openLiveIndex(join(tmp, 'store'), {
      store: true,
      // A frozen Lambda has not looked at CURRENT since before the newer versions were published.
      checkIntervalMs: 3_600_000,
      logger: silentLogger,
    });
    server = await serveOnLoopback(createApp({ index: live, log: silentLogger }).fetch);
    base = server.base;
  });

  after(async () => {
    fs.readSync = realReadSync;
    syncBuiltinESMExports();
    await server?.close();
    await live?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  const search = async (q: string) => {
    const res = await fetch(`${base}/search?q=${q}&size=3`);
    const body = (await res.json()) as { version: string; hits: { id: string; title: string }[] };
    return { status: res.status, body };
  };

  it('reloads the live version and answers, once the pruned file reads ESTALE', async () => {
    const store = new IndexStore(join(tmp, 'store'), { logger: silentLogger });
    const v1 = await store.publish(buildFixtureIndex(mkdtempSync(join(tmp, 'a-'))), {
      version: 'v1',
    });
    const first = await search('union');
    assert.equal(first.status, 200);
    assert.equal(first.body.version, v1.version);

    // Two newer versions with keep 1: v1 is neither live nor the rollback target, so it is pruned.
    const newer = fixtureDocs().map((d) => ({ ...d, title: `Newer ${String(d.title)}` }));
    await store.publish(buildFixtureIndex(mkdtempSync(join(tmp, 'b-')), newer), {
      version: 'v2',
      keep: 1,
    });
    await store.publish(buildFixtureIndex(mkdtempSync(join(tmp, 'c-')), newer), {
      version: 'v3',
      keep: 1,
    });
    assert.equal(existsSync(store.versionDir('v1')), false, 'v1 was pruned');

    // NFS semantics for a deleted file: reads through a descriptor still open on it fail.
    fs.readSync = ((fd: number, ...rest: unknown[]) => {
      if (fs.fstatSync(fd).nlink === 0) {
        staleReads.push(fd);
        throw Object.assign(new Error('ESTALE: stale file handle, read'), {
          code: 'ESTALE',
          errno: -116,
          syscall: 'read',
        });
      }
      return (realReadSync as (...a: unknown[]) => number)(fd, ...rest);
    }) as typeof fs.readSync;
    syncBuiltinESMExports();

    // The hit page reads stored blocks of the pruned file: ESTALE, then the reload and the retry.
    const after = await search('liberty');
    assert.equal(after.status, 200, JSON.stringify(after.body));
    assert.equal(after.body.version, 'v3');
    assert.equal(after.body.hits.length, 3);
    for (const h of after.body.hits) assert.match(h.title, /^Newer Address/);
    assert.ok(staleReads.length > 0, 'the old file was read, and failed, before the reload');
    assert.equal(live.stats().version, 'v3');

    // Later requests are served by the live version without another reload.
    staleReads.length = 0;
    const again = await search('union');
    assert.equal(again.status, 200);
    assert.equal(again.body.version, 'v3');
    assert.deepEqual(staleReads, []);
  });
});
