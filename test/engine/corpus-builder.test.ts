/** CorpusBuilder: bytes cut anywhere give the same index; line numbers count from `firstLine`. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  CorpusBuilder,
  DEFAULT_ANALYZER,
  EngineError,
  SearchIndex,
} from '../../runtime/engine/index.js';
import { syntheticDocs, tempDir } from '../fixtures/corpus.js';

const jsonl = (docs: object[]) => Buffer.from(docs.map((d) => JSON.stringify(d)).join('\n') + '\n');

function openBytes(bytes: Uint8Array): SearchIndex {
  return SearchIndex.fromBytes(bytes);
}

describe('CorpusBuilder', () => {
  const corpus = jsonl(syntheticDocs(3000));

  it('gives the same index whether the bytes come whole or cut at random places', () => {
    const whole = new CorpusBuilder({ spillDir: join(tempDir(), 'spill') });
    whole.push(corpus);
    const one = whole.finish();
    let seed = 11;
    const rand = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    const pieces = new CorpusBuilder({ spillDir: join(tempDir(), 'spill'), memoryBudgetMb: 1 });
    for (let at = 0; at < corpus.length;) {
      const n = 1 + Math.floor(rand() * 5000);
      pieces.push(corpus.subarray(at, at + n));
      at += n;
    }
    const many = pieces.finish();
    assert.equal(one.docs, 3000);
    assert.equal(many.docs, 3000);
    assert.equal(one.lines, 3000);
    assert.equal(many.lines, 3000);
    assert.ok(many.segments > 1, 'the 1 MiB budget spilled segments');
    const a = openBytes(one.bytes!);
    const b = openBytes(many.bytes!);
    for (const q of ['w1 w2', 'w7', 'w3 w40 w5']) {
      const ra = a.search(q, { size: 20 });
      const rb = b.search(q, { size: 20 });
      assert.deepEqual(
        rb.hits.map((h) => [b.externalId(h.doc), h.score]),
        ra.hits.map((h) => [a.externalId(h.doc), h.score]),
      );
    }
    a.free();
    b.free();
  });

  it('numbers lines from firstLine, counting blank lines and a last line without newline', () => {
    const b = new CorpusBuilder({ spillDir: join(tempDir(), 'spill'), firstLine: 41 });
    b.push(Buffer.from('{"_id":"a","text":"x"}\n\n{"_id":"b","text":"y"}\n{"_id":'));
    assert.throws(
      () => b.push(Buffer.from('"c" "text":"z"}\n')),
      (err: unknown) => err instanceof EngineError && /^line 44: /.test(err.message),
    );
    b.free();
    const skip = new CorpusBuilder({
      spillDir: join(tempDir(), 'spill'),
      firstLine: 10,
      skipBad: true,
    });
    skip.push(Buffer.from('{"_id":"a","text":"x"}\nnot json\n{"_id":"b","text":"y"}'));
    const out = skip.finish();
    assert.equal(out.docs, 2);
    assert.equal(out.lines, 3);
    assert.deepEqual(
      out.skipped.map((s) => s.line),
      [11],
    );
  });

  it('returns no bytes for a range without documents only when allowed', () => {
    const empty = new CorpusBuilder({ spillDir: join(tempDir(), 'spill') });
    empty.push(Buffer.from('\n\n'));
    const out = empty.finish({ allowEmpty: true });
    assert.equal(out.bytes, undefined);
    assert.equal(out.lines, 2);
    const strict = new CorpusBuilder({ spillDir: join(tempDir(), 'spill') });
    assert.throws(() => strict.finish(), /no documents/);
  });

  it('DEFAULT_ANALYZER is what the engine does when nothing is given', () => {
    const build = (options: object) => {
      const b = new CorpusBuilder({ spillDir: join(tempDir(), 'spill'), ...options });
      b.push(jsonl(syntheticDocs(5)));
      const index = openBytes(b.finish().bytes!);
      const { fields, analyzer } = index.info;
      index.free();
      return { fields, analyzer };
    };
    assert.deepEqual(
      build({ ...DEFAULT_ANALYZER, fields: [...DEFAULT_ANALYZER.fields] }),
      build({}),
    );
  });
});
