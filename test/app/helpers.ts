/** A small fixture corpus, indexed into a temp dir, and the app over it (logs silenced). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildIndex } from '../../runtime/engine/index.js';
import { createApp, openLiveIndex } from '../../runtime/app/index.js';
import { silentLogger } from '../../runtime/log/logger.js';

export function fixtureDocs(n = 30): Array<Record<string, unknown>> {
  const docs = [];
  for (let i = 0; i < n; i++) {
    docs.push({
      _id: `doc-${i}`,
      title: `Address ${1850 + i}`,
      text:
        `The union ${'and liberty '.repeat((i % 5) + 1)}were discussed in year ${1850 + i}. <b>bold</b> & more` +
        (i === 0 ? ' running runners ran' : ''),
      year: 1850 + i * 5,
      party: i % 2 ? 'Whig' : 'Democratic',
    });
  }
  return docs;
}

export function buildFixtureIndex(dir: string, docs = fixtureDocs()): string {
  const corpus = join(dir, 'corpus.jsonl');
  writeFileSync(corpus, docs.map((d) => JSON.stringify(d)).join('\n') + '\n');
  const out = join(dir, 'index');
  buildIndex(corpus, out, { fields: ['title', 'text'], fieldMode: 'separate' });
  return out;
}

export function fixtureApp() {
  const tmp = mkdtempSync(join(tmpdir(), 'sir-app-'));
  const indexDir = buildFixtureIndex(tmp);
  const live = openLiveIndex(indexDir);
  const app = createApp({ index: live, log: silentLogger });
  return {
    app,
    live,
    indexDir,
    tmp,
    cleanup: async () => {
      await live.close();
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}
