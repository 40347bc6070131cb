/**
 * Evaluation jobs through `sir serve --store` as a process: `sir jobs submit eval` and `sir jobs
 * status` (table, --json, --out DIR) over HTTP, then the page's jobs view in a real headless
 * Chromium — the job opened from the list, the table sorted by a click, the heat map, sweeps and
 * per-query difference drawn, a second evaluation submitted from the form and watched to its end —
 * under the view's 'self'-only CSP with no violation and no request leaving 127.0.0.1; and, as on
 * an `efs` stack, the form waiting through the API's 503 while the reduce function is away.
 * Screenshots go to test-output/screenshots/ (gitignored).
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { createApp, openLiveIndex } from '../../runtime/app/index.js';
import { type LocalPipeline, startLocalPipeline } from '../../runtime/local/pipeline.js';
import { silentLogger } from '../../runtime/log/logger.js';
import { listen, type RunningServer } from '../../runtime/server/index.js';
import { launchChromium } from '../fixtures/chromium.js';
import { syntheticDocs, tempDir } from '../fixtures/corpus.js';
import { requireChromium } from '../fixtures/external.js';
import { type Child, sirChild, sirRun } from '../fixtures/sir.js';

const SHOTS = join(process.cwd(), 'test-output', 'screenshots');

const run = sirRun;

describe('evaluation jobs: sir jobs submit eval, status, and the jobs view in a real browser', function () {
  this.timeout(240_000);
  const tmp = tempDir('sir-jobs-view-');
  const docs = syntheticDocs(400);
  let server: Child;
  let url: string;
  let browser: Browser | undefined;
  let page: Page;
  let jobId: string;
  const violations: string[] = []; // CSP violations and uncaught page errors
  const outside: string[] = [];

  /** `sir jobs submit eval` of the live version on the test's queries and judgements. */
  const submitEval = () => [
    'jobs',
    'submit',
    'eval',
    '--index',
    'live',
    '--queries',
    join(tmp, 'queries.tsv'),
    '--qrels',
    join(tmp, 'qrels.tsv'),
  ];

  before(async () => {
    writeFileSync(join(tmp, 'corpus.jsonl'), docs.map((d) => JSON.stringify(d)).join('\n') + '\n');
    // Queries are documents' titles; the document and its neighbour are relevant.
    writeFileSync(
      join(tmp, 'queries.tsv'),
      docs
        .slice(0, 60)
        .map((d, i) => `q${i}\t${d.title}`)
        .join('\n') + '\n',
    );
    writeFileSync(
      join(tmp, 'qrels.tsv'),
      'query-id\tcorpus-id\tscore\n' +
        docs
          .slice(0, 60)
          .map((_, i) => `q${i}\tdoc-${i}\t2\nq${i}\tdoc-${i + 1}\t1`)
          .join('\n') +
        '\n',
    );
    assert.equal(
      (await run(['index', join(tmp, 'corpus.jsonl'), '--store', join(tmp, 'store')])).code,
      0,
    );
    server = sirChild(['serve', '--store', join(tmp, 'store'), '--port', '0', '--inputs', tmp]);
    assert.ok(await server.waitFor(/jobs +http:\/\/127\.0\.0\.1:\d+\/jobs/), server.output());
    url = /API +(http:\/\/127\.0\.0\.1:\d+)\//.exec(server.output())![1]!;
  });
  after(async () => {
    await browser?.close();
    server?.child.kill('SIGTERM');
    await server?.exit;
  });

  it('sir jobs submit eval --watch runs the grid and prints the table', async () => {
    const r = await run([
      ...submitEval(),
      '--run',
      'bm25 k1=0.6,0.9,1.2 b=0.3,0.4,0.75',
      '--run',
      'dirichlet mu=100,500,2000',
      '--run',
      'jelinek-mercer lambda=0.1,0.7',
      '--baseline',
      'bm25 k1=0.9 b=0.4',
      '--tune-metric',
      'ndcg_cut_10',
      '--folds',
      '3',
      '--watch',
      '--api',
      url,
    ]);
    assert.equal(r.code, 0, r.out);
    jobId = /submitted job (eval-[0-9a-f]{24})/.exec(r.out)![1]!;
    assert.match(r.stdout, /^14 configurations on 60 test queries; baseline bm25 k1=0\.9 b=0\.4$/m);
    assert.match(r.stdout, /^bm25 k1=0\.9 b=0\.4 \(baseline\) /m);
    assert.match(r.stdout, /3-fold cross-validation by nDCG@10/);
  });

  it('sir jobs status: --json is the result, --out DIR saves run files, measures and plots', async () => {
    const json = await run(['jobs', 'status', jobId, '--json', '--api', url]);
    assert.equal(json.code, 0, json.out);
    const job = JSON.parse(json.stdout) as { result: { table: unknown[]; kind: string } };
    assert.equal(job.result.kind, 'evaluate');
    assert.equal(job.result.table.length, 14);
    const out = join(tmp, 'out');
    const saved = await run(['jobs', 'status', jobId, '--out', out, '--api', url]);
    assert.equal(saved.code, 0, saved.out);
    const files = readdirSync(out, { recursive: true }).map(String).sort();
    assert.ok(files.includes('result.json'));
    assert.ok(files.includes('per-query.jsonl'));
    assert.ok(files.includes(join('runs', 'bm25_k1=0.9_b=0.4.trec')));
    assert.ok(files.includes(join('figures', 'heatmap-bm25.svg')));
    assert.ok(files.includes(join('figures', 'sweeps.svg')));
    assert.match(
      readFileSync(join(out, 'runs', 'dirichlet_mu=500.trec'), 'utf8'),
      /^q0 Q0 doc-\d+ 1 /,
    );
    const bad = await run([...submitEval(), '--run', 'bm25 b=2', '--api', url]);
    assert.equal(bad.code, 1);
    assert.match(
      bad.out,
      /^sir jobs: runs\[0\]\.grid\.b: ranker parameter b must be a number from 0 to 1 \(default 0\.4\), got 2$/m,
    );
    const usage = await run(['jobs', 'submit', 'eval', '--index', 'live', '--api', url]);
    assert.equal(usage.code, 2);
    assert.match(usage.out, /^sir jobs: --queries FILE\|URL is required for submit eval$/m);
  });

  it('serves the run files and figures, and refuses what is not there as problem+json', async () => {
    const get = (path: string) => fetch(`${url}/jobs/${jobId}${path}`);
    const run = await get('/files/bm25_k1=0.9_b=0.4.trec');
    assert.equal(run.status, 200);
    assert.match(await run.text(), /^q0 Q0 doc-\d+ 1 \S+ sir-bm25-k1=0\.9-b=0\.4$/m);
    const svg = await get('/figures/heatmap-bm25.svg?metric=map');
    assert.equal(svg.headers.get('content-type'), 'image/svg+xml; charset=utf-8');
    assert.match(svg.headers.get('content-security-policy')!, /default-src 'none'/);
    assert.match(await svg.text(), /aria-label="bm25 on 60 test queries: MAP over k1 × b"/);
    const refusals: Array<[string, number, RegExp]> = [
      [
        '/figures/heatmap-dirichlet.svg',
        404,
        /has no figure heatmap-dirichlet\.svg; it has heatmap-bm25\.svg, sweeps\.svg/,
      ],
      ['/figures/sweeps.svg?metric=P_5', 400, /metric/],
      ['/files/..%2Fresult.json', 400, /name/],
      ['/files/nothing.trec', 404, /has no result file nothing\.trec/],
    ];
    for (const [path, status, detail] of refusals) {
      const res = await get(path);
      assert.equal(res.status, status, path);
      assert.equal(res.headers.get('content-type'), 'application/problem+json', path);
      assert.match(((await res.json()) as { detail: string }).detail, detail, path);
    }
  });

  describe('the jobs view', () => {
    before(async function () {
      requireChromium(this);
      mkdirSync(SHOTS, { recursive: true });
      browser = await launchChromium();
      page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
      // Chromium reports a CSP violation on the console ("Refused to ..."); the page's expected
      // 400 (a bad grid submitted from the form) is a console error too, and is not one.
      page.on('console', (m) => {
        if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
      });
      page.on('pageerror', (err) => violations.push(err.message));
      await page.route('**/*', (route) => {
        if (!/^http:\/\/127\.0\.0\.1:\d+\//.test(route.request().url()))
          outside.push(route.request().url());
        return route.continue();
      });
    });

    it('opens the job from the list: sortable table and plots', async () => {
      const res = await page.goto(`${url}/jobs-view`);
      assert.match(res!.headers()['content-security-policy']!, /script-src 'self'/);
      await page.getByRole('button', { name: jobId }).click();
      await page.locator('#table tbody tr').nth(13).waitFor();
      const first = () => page.locator('#table tbody tr th').first().textContent();
      const sortBy = (column: string) =>
        page.locator('#table thead button').filter({ hasText: new RegExp(`^${column}$`) });
      await sortBy('ndcg_cut_10').click();
      const header = page.locator('#table thead th').nth(1);
      assert.equal(await header.getAttribute('aria-sort'), 'descending');
      const sortedFirst = await first();
      await sortBy('ndcg_cut_10').click();
      assert.equal(await header.getAttribute('aria-sort'), 'ascending');
      assert.notEqual(await first(), sortedFirst);
      const images = page.locator('#figures img');
      await images.nth(2).waitFor();
      await page.waitForFunction(() =>
        [...document.querySelectorAll<HTMLImageElement>('#figures img')].every(
          (i) => i.complete && i.naturalWidth > 0,
        ),
      );
      assert.deepEqual(
        (await images.evaluateAll((els) => els.map((e) => (e as HTMLImageElement).alt))).slice(
          0,
          2,
        ),
        ['heatmap bm25 (ndcg_cut_10)', 'sweeps (ndcg_cut_10)'],
      );
      await page.screenshot({ path: join(SHOTS, 'jobs-view-result.png'), fullPage: true });
    });

    it('submits an evaluation from the form and shows its progress and result', async () => {
      await page.goto(`${url}/jobs-view`);
      await page.fill('#queries', pathToFileURL(join(tmp, 'queries.tsv')).href);
      await page.fill('#qrels', pathToFileURL(join(tmp, 'qrels.tsv')).href);
      await page.fill(
        '#runs',
        JSON.stringify([{ ranker: 'bm25', grid: { k1: [0.5, 1.0], b: [0.5, 0.9] } }]),
      );
      await page.getByRole('button', { name: 'Submit' }).click();
      await page.locator('#submit-status', { hasText: /Submitted job eval-/ }).waitFor();
      await page.locator('#result:not([hidden])').waitFor({ timeout: 120_000 });
      assert.match(
        (await page.locator('#job-status').textContent())!,
        /succeeded · 20\/20 tasks done/,
      );
      assert.equal(await page.locator('#table tbody tr').count(), 5);
      await page.screenshot({ path: join(SHOTS, 'jobs-view-form.png'), fullPage: true });
      await page.fill('#runs', '[{"ranker": "bm25", "grid": {"k1": [-1]}}]');
      await page.getByRole('button', { name: 'Submit' }).click();
      await page.locator('#submit-status.error').waitFor();
      assert.match(
        (await page.locator('#submit-status').textContent())!,
        /runs\[0\]\.grid\.k1: ranker parameter k1 must be a number from 0 to 1000/,
      );
    });

    it('no CSP violation, no request outside 127.0.0.1', () => {
      assert.deepEqual(violations, []);
      assert.deepEqual(outside, []);
    });
  });

  describe('on an efs stack, where the API asks the reduce function which version is live', () => {
    let pipeline: LocalPipeline | undefined;
    let served: RunningServer | undefined;
    before(async function () {
      requireChromium(this);
      const store = join(tmp, 'efs-store');
      assert.equal((await run(['index', join(tmp, 'corpus.jsonl'), '--store', store])).code, 0);
      pipeline = await startLocalPipeline({
        storeDir: store,
        apiWithoutStore: true,
        inputRoots: [tmp],
        output: () => {},
      });
      const app = createApp({
        index: openLiveIndex(store, { store: true }),
        jobs: pipeline.service,
        log: silentLogger,
      });
      served = await listen({ fetch: app.fetch, host: '127.0.0.1', port: 0, log: silentLogger });
    });
    after(async () => {
      await served?.close();
      await pipeline?.close();
    });

    it('the form waits through a 503 with Retry-After and submits again by itself', async () => {
      // The reduce's mapping off: the API's 20 s wait for an answer runs out.
      await pipeline!.mappings.reduce.stop();
      await page.goto(`${served!.url}/jobs-view`);
      assert.equal(await page.inputValue('#index'), 'live');
      await page.fill('#queries', pathToFileURL(join(tmp, 'queries.tsv')).href);
      await page.fill('#qrels', pathToFileURL(join(tmp, 'qrels.tsv')).href);
      await page.fill('#runs', JSON.stringify([{ ranker: 'bm25', grid: { k1: [0.5, 1.0] } }]));
      await page.getByRole('button', { name: 'Submit' }).click();
      const waiting = page.locator('#submit-status', { hasText: /^Waiting: / });
      await waiting.waitFor({ timeout: 40_000 });
      assert.match(
        (await waiting.textContent())!,
        /has not said within 20 s which version "live" is .*submit again by themselves\)\. Submitting again in 10 s…$/,
      );
      await page.screenshot({ path: join(SHOTS, 'jobs-view-efs-waiting.png'), fullPage: true });
      pipeline!.mappings.reduce.start();
      await page
        .locator('#submit-status', { hasText: /Submitted job eval-/ })
        .waitFor({ timeout: 60_000 });
      await page.locator('#result:not([hidden])').waitFor({ timeout: 120_000 });
      assert.match((await page.locator('#job-status').textContent())!, /succeeded/);
      assert.deepEqual(violations, []);
      assert.deepEqual(outside, []);
    });
  });
});
