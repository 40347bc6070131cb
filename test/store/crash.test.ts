/**
 * The crash invariant: a writer killed with SIGKILL at any instant leaves `CURRENT` naming a
 * complete version whose checksums pass, every folder in `versions/` verifies, and the next
 * writer proceeds (the dead writer's lock is broken). The kill lands at a random moment of a
 * publish loop, so over the iterations it hits copying, hashing, fsync, rename, flip and prune.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { IndexStore, silentLogger } from '../../runtime/store/index.js';
import { makeBuiltIndex, makeTemp, removeTemp } from './helpers.js';

const CHILD = fileURLToPath(new URL('./fixtures/publish-forever.ts', import.meta.url));
const ITERATIONS = Number(process.env.SIR_CRASH_ITERATIONS ?? 20);

/** Starts the publishing child, kills it `delayMs` after it is ready; resolves to how many publishes completed. */
function publishThenKill(storeDir: string, built: string, delayMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, storeDir, built], {
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
      else resolve(out.split('\n').filter((l) => l.startsWith('published ')).length);
    });
  });
}

describe('store: SIGKILL during publish (crash invariant)', function () {
  this.timeout(240_000);
  let tmp: string;
  before(async () => {
    tmp = await makeTemp('sir-crash-');
  });
  after(() => removeTemp(tmp));

  it(`keeps CURRENT on a complete, verified version after ${ITERATIONS} kills at random points`, async () => {
    // ~12 MB in 12 files: large enough that a publish spans many milliseconds of copy, hash and fsync.
    const files: Record<string, Buffer> = {};
    for (let i = 0; i < 12; i++) files[`segment-${i}.bin`] = randomBytes(1 << 20);
    const built = await makeBuiltIndex(tmp, 'built', files);
    const storeDir = path.join(tmp, 'store');
    const store = new IndexStore(storeDir, { logger: silentLogger });
    await store.publish(built);

    // Time one publish to spread kills over about two of them.
    const t0 = Date.now();
    await store.publish(built, { keep: 3 });
    const publishMs = Math.max(20, Date.now() - t0);

    let completed = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      completed += await publishThenKill(storeDir, built, Math.random() * publishMs * 2);
      const live = await store.current();
      assert.ok(live !== undefined, `iteration ${i}: CURRENT is missing`);
      await store.verify(live);
      for (const v of await store.list()) {
        assert.equal(v.problem, undefined, `iteration ${i}: ${v.version}: ${v.problem}`);
        await store.verify(v.version);
      }
      await store.history(); // parses: never torn
    }
    // A later writer proceeds: the dead child's lock (if any) is broken, leftovers do not get in the way.
    const after = await store.publish(built, { keep: 3 });
    assert.equal(await store.current(), after.version);
    assert.ok((await store.list()).length <= 4, 'retention still applies after the crashes');
    console.log(
      `      ${ITERATIONS} kills, ${completed} publishes completed in children, one publish ≈ ${publishMs} ms`,
    );
  });
});
