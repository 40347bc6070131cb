/**
 * The search page and the API docs in a real headless Chromium (playwright-core, system
 * /usr/bin/chromium, or SIR_TEST_CHROMIUM; skipped with the reason without one): type a query, submit, see <mark> highlights, page forward, open /docs (whose
 * Swagger UI assets the app serves itself: no request may leave 127.0.0.1).
 * Screenshots go to test-output/screenshots/ (gitignored).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import type { Browser, Page } from 'playwright-core';
import { createApp, openLiveIndex } from '../../runtime/app/index.js';
import { silentLogger } from '../../runtime/log/logger.js';
import { launchChromium } from '../fixtures/chromium.js';
import { requireChromium } from '../fixtures/external.js';
import { buildFixtureIndex, fixtureDocs } from './helpers.js';

const SHOTS = join(process.cwd(), 'test-output', 'screenshots');

describe('app: search page in a real browser', function () {
  this.timeout(120_000);
  let tmp: string | undefined;
  let live: ReturnType<typeof openLiveIndex> | undefined;
  let server: ServerType | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let base: string;

  before(async function () {
    requireChromium(this);
    mkdirSync(SHOTS, { recursive: true });
    tmp = mkdtempSync(join(tmpdir(), 'sir-browser-'));
    live = openLiveIndex(buildFixtureIndex(tmp, fixtureDocs(30)));
    const app = createApp({ index: live, log: silentLogger });
    await new Promise<void>((resolve) => {
      server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
        base = `http://127.0.0.1:${info.port}`;
        resolve();
      });
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  });

  after(async () => {
    await browser?.close();
    if (server) await new Promise<void>((r) => server!.close(() => r()));
    await live?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('searches, highlights and pages through results', async () => {
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    const res = await page.goto(`${base}/`);
    assert.equal(res?.status(), 200);
    await page.locator('#q').fill('liberty');
    await page.screenshot({ path: join(SHOTS, 'search-typed.png') });
    await page.getByRole('button', { name: 'Search' }).click();

    const hits = page.locator('#results li.hit');
    await hits.first().waitFor();
    assert.equal(await hits.count(), 10);
    const marks = page.locator('#results li.hit mark');
    assert.ok((await marks.count()) >= 10, 'snippets carry <mark> highlights');
    assert.match((await marks.first().textContent()) ?? '', /^liberty$/i);
    assert.match((await page.locator('#status').textContent()) ?? '', /^30 results/);
    assert.equal(await page.locator('#pageinfo').textContent(), 'Page 1');
    assert.ok(await page.locator('#prev').isHidden());
    const page1Titles = await hits.locator('h2 a').allTextContents();
    // Escaped text stays text: the fixture's "<b>bold</b>" must not become an element.
    assert.equal(await page.locator('#results b').count(), 0);
    assert.ok((await hits.first().textContent())?.includes('<b>bold</b>'));
    await page.screenshot({ path: join(SHOTS, 'search-page1.png'), fullPage: true });

    await page.locator('#next').click();
    await page.locator('#pageinfo', { hasText: 'Page 2' }).waitFor();
    assert.equal(await hits.count(), 10);
    const page2Titles = await hits.locator('h2 a').allTextContents();
    assert.ok(
      page2Titles.every((t) => !page1Titles.includes(t)),
      'page 2 shows other documents',
    );
    assert.equal(await page.locator('#results').getAttribute('start'), '11');
    assert.ok((await page.locator('#results li.hit mark').count()) >= 10);
    assert.ok(await page.locator('#prev').isVisible());
    assert.match(page.url(), /page=2/);
    await page.screenshot({ path: join(SHOTS, 'search-page2.png'), fullPage: true });
    assert.deepEqual(pageErrors, []);
  });

  it('opened with an address holding empty parameters, sends none of them', async () => {
    const sent: string[] = [];
    page.on('request', (r) => sent.push(r.url()));
    await page.goto(`${base}/?q=liberty&k1=&size=&page=&filter=&ranker=bm25`);
    await page.locator('#results li.hit').first().waitFor();
    const searches = sent.filter((u) => new URL(u).pathname === '/search');
    assert.equal(searches.length, 1, searches.join(' '));
    assert.deepEqual(
      [...new URL(searches[0]!).searchParams],
      [
        ['q', 'liberty'],
        ['ranker', 'bm25'],
      ],
    );
    assert.doesNotMatch((await page.locator('#status').textContent()) ?? '', /Error/);
  });

  it("/docs renders the search operation from the app's own assets, with no external request", async () => {
    const docsPage = await browser!.newPage({ viewport: { width: 1100, height: 900 } });
    try {
      const external: string[] = [];
      const problems: string[] = [];
      docsPage.on('request', (r) => {
        if (new URL(r.url()).hostname !== '127.0.0.1') external.push(r.url());
      });
      docsPage.on('requestfailed', (r) =>
        problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`),
      );
      docsPage.on('pageerror', (e) => problems.push(`page error: ${e}`));
      docsPage.on('console', (m) => {
        if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
      });
      // A CSP violation (inline script, eval, a blocked style or image) is a failure too.
      await docsPage.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (e) =>
          console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`),
        );
      });
      const res = await docsPage.goto(`${base}/docs`);
      assert.equal(res?.status(), 200);
      assert.match(res!.headers()['content-security-policy'] ?? '', /script-src 'self'/);
      const op = docsPage
        .locator('#swagger-ui .opblock-summary-path', { hasText: /^\/search$/ })
        .first();
      await op.waitFor({ timeout: 20_000 });
      assert.ok((await docsPage.locator('#swagger-ui').textContent())?.includes('/documents/{id}'));
      // Swagger UI's stylesheet applied: the GET operation block has its colour.
      const bg = await docsPage
        .locator('#swagger-ui .opblock.opblock-get')
        .first()
        .evaluate((el) => getComputedStyle(el).backgroundColor);
      assert.notEqual(bg, 'rgba(0, 0, 0, 0)', 'swagger-ui.css is applied');
      await op.click();
      const body = docsPage.locator('#swagger-ui .opblock-body').first();
      await body.waitFor();
      // "Try it out" runs a real search against the app (connect-src 'self') and highlights the JSON.
      await body.getByRole('button', { name: 'Try it out' }).click();
      await body.locator('tr[data-param-name="q"] input').fill('liberty');
      await body.getByRole('button', { name: 'Execute' }).click();
      const live = body.locator('.live-responses-table .response-col_status', { hasText: '200' });
      await live.first().waitFor({ timeout: 20_000 });
      assert.match(
        (await body
          .locator('.live-responses-table .microlight, .live-responses-table pre')
          .first()
          .textContent()) ?? '',
        /"hits"/,
      );
      await docsPage
        .locator('#swagger-ui .models-control, #swagger-ui section.models h4')
        .first()
        .click();
      await docsPage.screenshot({ path: join(SHOTS, 'docs.png'), fullPage: true });
      assert.deepEqual(external, [], 'no request leaves 127.0.0.1');
      assert.deepEqual(problems, []);
    } finally {
      await docsPage.close();
    }
  });
});
