/** DEFAULT_ANALYZER is what the engine does when no option is given. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DEFAULT_ANALYZER, SearchIndex, buildIndex } from '../../runtime/engine/index.js';
import { syntheticDocs, tempDir, writeCorpus } from '../fixtures/corpus.js';

describe('DEFAULT_ANALYZER', () => {
  it('builds the same index as no options at all', () => {
    const corpus = writeCorpus(syntheticDocs(20));
    const build = (options: object) => {
      const out = join(tempDir(), 'idx');
      buildIndex(corpus, out, options);
      const index = SearchIndex.open(out);
      const { fields, analyzer } = index.info;
      index.free();
      return { fields, analyzer };
    };
    assert.deepEqual(
      build({ ...DEFAULT_ANALYZER, fields: [...DEFAULT_ANALYZER.fields] }),
      build({}),
    );
    assert.notDeepEqual(
      build({ ...DEFAULT_ANALYZER, stemmer: 'none' }),
      build({}),
      'the test can tell',
    );
  });
});
