/**
 * The storage tiers' cost model (runtime/cost/) on its own, and `sir cost` as a process: the
 * arithmetic on hand-checked cases, the limits that rule a tier out, the recommendation, and bad
 * flags answered with exit 2 and a sentence.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ephemeralStorageMb, recommendTier, tierCost, TIERS } from '../../runtime/cost/model.js';
import { PRICES } from '../../runtime/cost/prices.js';
import { buildIndex, SearchIndex } from '../../runtime/engine/index.js';
import { SIR } from '../fixtures/sir.js';

const close = (a: number, b: number) =>
  assert.ok(Math.abs(a - b) < 1e-9 * Math.max(1, b), `${a} ≈ ${b}`);

describe('cost: the storage tier model', () => {
  const w = { indexBytes: 1e9, queriesPerMonth: 0, coldStartsPerMonth: 0, versionsKept: 2 };

  it('bills idle storage per tier: nothing bundled, S3 and EFS per GB-month of every kept version', () => {
    close(tierCost('bundled', w).idlePerMonth, 0);
    close(tierCost('s3', w).idlePerMonth, 2 * PRICES.s3StorageGbMonth);
    close(tierCost('efs', w).idlePerMonth, 2 * PRICES.efsStorageGbMonth);
    close(tierCost('efs', w).idlePerMonth / tierCost('s3', w).idlePerMonth, 0.3 / 0.023);
  });

  it('charges queries alike on every tier, and s3 polling at most once per 5 s', () => {
    const busy = { ...w, queriesPerMonth: 2e6 };
    const per = tierCost('bundled', busy).perMillionQueries;
    close(per, 0.2 + 1.0 + 1e6 * 0.005 * PRICES.lambdaArmGbSecond);
    for (const t of TIERS) close(tierCost(t, busy).perMillionQueries, per);
    close(tierCost('s3', busy).pollingPerMonth, (518_400 * PRICES.s3GetPer1000) / 1000);
    close(tierCost('s3', { ...w, queriesPerMonth: 1000 }).pollingPerMonth, 0.0004);
  });

  it("rules out bundled above Lambda's 250 MB and s3 where two versions outgrow 10 GB of /tmp", () => {
    assert.equal(tierCost('bundled', { ...w, indexBytes: 200 * 2 ** 20 }).fits, true);
    const big = tierCost('bundled', { ...w, indexBytes: 250 * 2 ** 20 });
    assert.equal(big.fits, false);
    assert.match(big.why!, /over Lambda's 250 MB unzipped limit/);
    assert.equal(tierCost('s3', { ...w, indexBytes: 6e9 }).fits, false);
    assert.equal(tierCost('efs', { ...w, indexBytes: 6e9 }).fits, true);
    assert.equal(ephemeralStorageMb(1e6), 512);
    assert.equal(ephemeralStorageMb(1e9), Math.ceil(2e9 / 2 ** 20) + 64);
    assert.equal(ephemeralStorageMb(9e9), 10_240);
  });

  it('recommends the cheapest tier that fits', () => {
    const small = TIERS.map((t) => tierCost(t, { ...w, indexBytes: 1e7 }));
    assert.equal(recommendTier(small).tier, 'bundled');
    const large = TIERS.map((t) => tierCost(t, w));
    assert.equal(recommendTier(large).tier, 's3');
    const huge = TIERS.map((t) => tierCost(t, { ...w, indexBytes: 8e9 }));
    assert.equal(recommendTier(huge).tier, 'efs');
  });
});

describe('cost: sir cost as a process', function () {
  // Five `sir` processes in one test: on a loaded 2-core machine each start took over 6 s.
  this.timeout(120_000);
  const run = (args: string[]) =>
    spawnSync(process.execPath, [SIR, 'cost', ...args], { encoding: 'utf8' });

  it('prints every tier for a built index and recommends one', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'sir-cost-'));
    try {
      const corpus = join(tmp, 'corpus.jsonl');
      writeFileSync(corpus, '{"_id":"a","title":"t","text":"the protein folds"}\n');
      buildIndex(corpus, join(tmp, 'index'), {});
      const r = run(['--index', join(tmp, 'index'), '--json']);
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout) as {
        workload: { indexBytes: number; indexFiles: number; coldStartReadBytes: number };
        tiers: Array<{ tier: string }>;
        recommended: { tier: string };
      };
      const bytes = statSync(join(tmp, 'index', 'index.sir')).size;
      assert.deepEqual([out.workload.indexBytes, out.workload.indexFiles], [bytes, 1]);
      const read = out.workload.coldStartReadBytes;
      assert.ok(read > 0 && read <= bytes, `a cold start reads ${read} of ${bytes} bytes`);
      // More than the open alone: the first query reads its terms' postings and its hits' block.
      const opened = SearchIndex.open(join(tmp, 'index'));
      const atOpen = opened.bytesRead;
      opened.free();
      assert.ok(read > atOpen, `a first query reads more than the open's ${atOpen} bytes`);
      assert.deepEqual(
        out.tiers.map((t) => t.tier),
        ['bundled', 's3', 'efs'],
      );
      const table = run(['--index-mb', '1000']);
      assert.equal(table.status, 0, table.stderr);
      assert.match(table.stdout, /^bundled .* no: index \+ bundle is \d+ MB, over/m);
      assert.match(table.stdout, /recommended: s3 — /);
      // One heading over each value.
      const lines = table.stdout.split('\n');
      const cells = (prefix: string) =>
        lines
          .find((l) => l.startsWith(prefix))!
          .trim()
          .split(/ {2,}/);
      assert.ok(cells('TIER').includes('POLLING/MONTH'), table.stdout);
      assert.equal(cells('s3 ').length, cells('TIER').length, table.stdout);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('answers bad flags with exit 2 and a sentence, a missing index with exit 1', () => {
    for (const [args, re] of [
      [[], /give one of --index DIR .* or --index-mb N/],
      [['--index-mb', '0'], /--index-mb must be a number from 0.001/],
      [['--index-mb', '5', '--queries-per-month', 'many'], /--queries-per-month must be a number/],
      [['--index-mb', '5', '--versions', '0'], /--versions must be an integer from 1 to 50/],
    ] as const) {
      const r = run([...args]);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, re);
    }
    const missing = run(['--index', '/nonexistent/index']);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /^sir cost: --index must be a built index folder/);
  });
});
