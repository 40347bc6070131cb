/**
 * What a cold start reads, through the entry the Lambda handler and `sir serve` use
 * (`openLiveIndex` on a store): the core of the file, not the postings, positions and stored
 * documents — a return to hash-then-load would read the whole file at least once and fail here.
 */
import assert from 'node:assert/strict';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildIndex, INDEX_FILE } from '../../runtime/engine/index.js';
import { openLiveIndex } from '../../runtime/app/live.js';
import { IndexStore, silentLogger } from '../../runtime/store/index.js';
import { syntheticDocs, tempDir, writeCorpus } from '../fixtures/corpus.js';

describe('app/openLiveIndex: what a cold start reads', () => {
  const tmp = tempDir();
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it("reads the core of the live version only, then the query terms' postings and a few stored blocks per page", async () => {
    const built = join(tmp, 'built');
    buildIndex(writeCorpus(syntheticDocs(4000), tmp), built, { fields: ['title', 'text'] });
    const storeDir = join(tmp, 'store');
    const { version } = await new IndexStore(storeDir, { logger: silentLogger }).publish(built);
    const fileBytes = statSync(join(storeDir, 'versions', version, INDEX_FILE)).size;

    const live = openLiveIndex(storeDir, { logger: silentLogger });
    try {
      await live.with(({ value: index }) => {
        const sizes = index.sectionSizes();
        const lazy = sizes.postings! + sizes.positions! + sizes['stored documents']!;
        assert.ok(lazy > fileBytes / 2, `postings, positions and stored documents are most of it`);
        const atOpen = index.bytesRead;
        assert.ok(atOpen <= fileBytes - lazy, `open read ${atOpen} of ${fileBytes} bytes`);

        const result = index.search('w1 w2', { size: 10 });
        assert.equal(result.hits.length, 10);
        // The query read its two terms' postings, and a second one reads nothing more.
        const postingsRead = index.bytesRead - atOpen;
        assert.ok(
          postingsRead > 0 && postingsRead < sizes.postings! / 10,
          `two terms' postings are ${postingsRead} bytes`,
        );
        const afterFirst = index.bytesRead;
        index.search('w1 w2', { size: 10 });
        assert.equal(index.bytesRead, afterFirst, 'postings are read once, then kept');
        index.pageHits(
          result.hits.map((h) => h.doc),
          result.terms,
        );
        const perPage = index.bytesRead - afterFirst;
        assert.ok(perPage > 0 && perPage < 10 * 64 * 1024, `a page read ${perPage} bytes`);
      });
    } finally {
      await live.close();
    }
  });
});
