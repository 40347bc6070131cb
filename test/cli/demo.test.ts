/**
 * `sir demo` (what `npm start` runs) as a process: the first run builds the State of the Union
 * corpus and index, serves them until SIGINT and exits 0; the next run reuses the index.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../fixtures/corpus.js';
import { sirChild } from '../fixtures/sir.js';

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

  it('refuses a PORT that is not a port', async () => {
    const demo = sirChild(['demo', '--dir', dir], { PORT: 'eighty' });
    assert.equal(await demo.exit, 2);
    assert.equal(
      demo.output(),
      'sir demo: PORT must be an integer from 0 to 65535, got "eighty"\n',
    );
  });
});
