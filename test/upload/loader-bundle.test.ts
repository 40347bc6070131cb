/**
 * The loader's tooling artifact: `dist/loader/bin/sir.mjs` (built here by the same function
 * `npm run build` calls) runs with plain node from a folder outside the repository, finds its
 * .wasm beside it, and as the loader agent publishes a staged corpus (indexing it) into a store.
 */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildLoaderTooling } from '../../scripts/build-lambdas.js';
import { IndexStore, silentLogger } from '../../runtime/store/index.js';
import {
  LocalTransport,
  makeS3Client,
  prepareCorpusUpload,
  runAgent,
  stageUpload,
} from '../../runtime/upload/index.js';
import { BUCKET, type LocalStack, startLocalStack } from './helpers.js';

describe('upload: the loader tooling bundle', function () {
  this.timeout(120_000);
  let stack: LocalStack;
  before(async () => (stack = await startLocalStack()));
  after(async () => {
    await stack?.stop();
    if (stack) rmSync(stack.tmp, { recursive: true, force: true });
  });

  it('dist/loader/bin/sir.mjs runs the loader agent with plain node and indexes a staged corpus', async () => {
    await buildLoaderTooling(() => {});
    const bundle = fileURLToPath(new URL('../../dist/loader/bin/sir.mjs', import.meta.url));
    const corpus = join(stack.tmp, 'c.jsonl');
    writeFileSync(
      corpus,
      `${JSON.stringify({ _id: 'x1', title: 'Bundled', text: 'alpha from the bundle' })}\n`,
    );
    const upload = await prepareCorpusUpload(corpus, { fields: ['title', 'text'] });
    await stageUpload({
      client: makeS3Client({ region: 'us-east-1', endpoint: stack.endpoint }),
      bucket: BUCKET,
      prefix: 'staging/',
      upload,
    });
    const transport = new LocalTransport({
      config: {
        storeDir: stack.storeDir,
        bucket: BUCKET,
        prefix: 'staging/',
        keep: 5,
        region: 'us-east-1',
        endpoint: stack.endpoint,
      },
      sirPath: bundle,
    });
    const lines: string[] = [];
    const { agent } = await runAgent(
      transport,
      { args: ['publish', '--version', upload.version], comment: 'bundle test' },
      (line) => lines.push(line),
    );
    assert.equal(agent.result, 'published');
    assert.ok(
      lines.some((l) => /indexed 1 documents/.test(l)),
      lines.join('\n'),
    );
    const store = new IndexStore(stack.storeDir, { logger: silentLogger });
    assert.equal(await store.current(), upload.version);
    await store.verify(upload.version);
  });
});
