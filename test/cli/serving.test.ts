/**
 * The commands that serve until a signal, as processes: `sir demo` (what `npm start` runs) builds
 * the State of the Union corpus and index on its first run and reuses them after; `sir serve`
 * serves an index folder. Both stop on SIGINT with status 0.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIndex } from '../../runtime/engine/index.js';
import { tempDir, TINY_CORPUS, writeCorpus } from '../fixtures/corpus.js';
import { sirChild } from '../fixtures/sir.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('sir demo', function () {
  this.timeout(180_000);
  let dir: string;
  before(() => (dir = tempDir('sir-demo-')));
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function serveDemo() {
    const demo = sirChild(['demo', '--dir', dir], { PORT: '0' });
    assert.ok(await demo.waitFor(/search page {2}(http:\/\/\S+)\//, 150_000), demo.output());
    const url = /search page {2}(http:\/\/\S+)\//.exec(demo.output())![1]!;
    return { demo, url };
  }

  it('builds the corpus and index on first run, serves them, and stops on SIGINT', async () => {
    const { demo, url } = await serveDemo();
    assert.match(demo.output(), /building the demo corpus from @stdlib\/datasets-sotu/);
    assert.match(demo.output(), /indexed 16,618 paragraphs/);
    const res = await fetch(`${url}/search?q=liberty&filter=year>=1900&size=5`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as {
      total: number;
      hits: Array<{ metadata: { year: number } }>;
    };
    assert.ok(body.total > 0 && body.hits.length === 5);
    for (const h of body.hits) assert.ok(h.metadata.year >= 1900);
    const health = (await (await fetch(`${url}/health`)).json()) as { docCount: number };
    assert.equal(health.docCount, 16_618);
    assert.match(
      readFileSync(join(dir, 'corpus.jsonl'), 'utf8').split('\n')[0]!,
      /^\{"_id":"1790-washington-p1"/,
    );
    demo.child.kill('SIGINT');
    assert.equal(await demo.exit, 0);
  });

  it('reuses the index on the next run', async () => {
    assert.ok(existsSync(join(dir, 'index', 'index.sir')));
    const { demo, url } = await serveDemo();
    assert.doesNotMatch(demo.output(), /building the demo corpus/);
    assert.equal((await fetch(`${url}/health`)).status, 200);
    demo.child.kill('SIGINT');
    assert.equal(await demo.exit, 0);
  });

  it('rebuilds an index that an earlier format version wrote, saying why', async () => {
    copyFileSync(join(ROOT, 'index-core/tests/samples/v2.sir'), join(dir, 'index', 'index.sir'));
    const versions = () => readdirSync(join(dir, 'store', 'versions')).sort();
    const before = versions();
    const { demo, url } = await serveDemo();
    assert.match(
      demo.output(),
      /the demo index in \S+ does not open: the index has format version 2, this build reads version 6[^\n]*; rebuilding it\n/,
    );
    assert.match(demo.output(), /indexed 16,618 paragraphs/);
    // The rebuilt index is published as a new version, and that version is served.
    const after = versions();
    assert.equal(after.length, before.length + 1);
    const health = (await (await fetch(`${url}/health`)).json()) as {
      docCount: number;
      version: string;
    };
    assert.equal(health.docCount, 16_618);
    assert.equal(
      health.version,
      after.find((v) => !before.includes(v)),
    );
    demo.child.kill('SIGINT');
    assert.equal(await demo.exit, 0);
  });

  it('refuses a PORT that is not a port', async () => {
    const demo = sirChild(['demo', '--dir', dir], { PORT: 'eighty' });
    assert.equal(await demo.exit, 2);
    assert.equal(
      demo.output(),
      'sir demo: PORT must be an integer from 0 to 65535, got "eighty"\n',
    );
  });
});

describe('sir serve', function () {
  this.timeout(60_000);
  it('serves an index folder on the port asked for and stops on SIGINT', async () => {
    const dir = tempDir();
    buildIndex(writeCorpus(TINY_CORPUS, dir), join(dir, 'idx'));
    const serve = sirChild(['serve', '--index', join(dir, 'idx'), '--port', '0']);
    assert.ok(await serve.waitFor(/API {10}(http:\/\/\S+)\/search/), serve.output());
    const url = /API {10}(http:\/\/127\.0\.0\.1:\d+)\/search/.exec(serve.output())![1]!;
    const body = (await (await fetch(`${url}/search?q=carbon`)).json()) as { total: number };
    assert.equal(body.total, 3);
    serve.child.kill('SIGINT');
    assert.equal(await serve.exit, 0);
    rmSync(dir, { recursive: true, force: true });
  });
});
