/**
 * `checkIndexVersion`, the publish-time check (`verify: 'all'`), reads the whole file but never
 * holds it: the core is read at open, the lazy sections (stored documents, positions — most of the
 * bytes) are checked in pieces. Measured in a fresh process, on an index whose stored documents
 * are incompressible, by the process's peak resident memory; and a damaged byte in a lazy section,
 * which a plain open does not read, is found.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildIndex, checkIndexVersion, SearchIndex } from '../../runtime/engine/index.js';
import { tempDir } from '../fixtures/corpus.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** Peak resident memory the check adds in a fresh process, over the engine loaded and the core open. */
function checkGrowthBytes(dir: string): number {
  const script = `
    import { SearchIndex, checkIndexVersion } from './runtime/engine/index.ts';
    SearchIndex.open(${JSON.stringify(dir)}).free();
    const before = process.resourceUsage().maxRSS * 1024;
    checkIndexVersion(${JSON.stringify(dir)});
    console.log(process.resourceUsage().maxRSS * 1024 - before);
  `;
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', script],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
  return Number(out.trim());
}

describe('engine: checkIndexVersion streams the file', function () {
  this.timeout(120_000);
  let dir: string;
  let lazyBytes: number;
  before(() => {
    const tmp = tempDir('sir-check-');
    const corpus = join(tmp, 'corpus.jsonl');
    // 4,000 documents with 12 KB of random base64 each: ~40 MB of stored documents that DEFLATE
    // cannot shrink much, beside a small core.
    const lines = Array.from({ length: 4000 }, (_, i) =>
      JSON.stringify({
        _id: `d${i}`,
        title: `document ${i}`,
        text: `word${i % 97} word${i % 89}`,
        blob: randomBytes(9000).toString('base64'),
      }),
    );
    writeFileSync(corpus, lines.join('\n') + '\n');
    dir = join(tmp, 'index');
    buildIndex(corpus, dir);
    const index = SearchIndex.open(dir);
    const sections = index.sectionSizes();
    index.free();
    lazyBytes = (sections['stored documents'] ?? 0) + (sections['positions'] ?? 0);
    assert.ok(lazyBytes > 30e6, `stored documents and positions: ${lazyBytes} bytes`);
  });

  it('adds far less memory than the bytes it checks', () => {
    const growth = checkGrowthBytes(dir);
    assert.ok(
      growth < lazyBytes / 4,
      `the check grew the peak resident memory by ${growth} bytes for ${lazyBytes} bytes of lazy sections`,
    );
  });

  it('finds a damaged byte that opening does not read', () => {
    const file = join(dir, 'index.sir');
    const bytes = readFileSync(file);
    const at = Math.floor(statSync(file).size * 0.6);
    bytes[at] = bytes[at]! ^ 0xff;
    writeFileSync(file, bytes);
    SearchIndex.open(dir).free();
    assert.throws(() => checkIndexVersion(dir), /fails its checksum: the file is damaged/);
  });
});
