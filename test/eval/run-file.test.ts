import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { formatRun, parseRun, readRun, writeRun, type Run } from '../../runtime/eval/index.js';
import { throwsInput } from './throws-input.js';

describe('eval/run-file', () => {
  const run: Run = new Map([
    [
      'q1',
      [
        { docId: 'd7', score: 12.5 },
        { docId: 'd3', score: 12.5 },
        { docId: 'd1', score: -0.25 },
      ],
    ],
    ['q2', []],
    ['q10', [{ docId: 'x', score: 1e-7 }]],
  ]);

  it('writes one line per hit, ranks from 1 in the given order, Q0 and the tag', () => {
    assert.equal(
      formatRun(run, 'bm25'),
      'q1 Q0 d7 1 12.5 bm25\nq1 Q0 d3 2 12.5 bm25\nq1 Q0 d1 3 -0.25 bm25\nq10 Q0 x 1 1e-7 bm25\n',
    );
  });

  it('reads back what it writes (a query without hits has no lines)', () => {
    const back = parseRun(formatRun(run, 'bm25'));
    assert.deepEqual([...back.keys()], ['q1', 'q10']);
    assert.deepEqual(back.get('q1'), run.get('q1'));
    assert.deepEqual(back.get('q10'), run.get('q10'));
  });

  it('round-trips any run through a file (property)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sir-eval-'));
    try {
      const token = fc.stringMatching(/^[A-Za-z0-9_.:-]{1,12}$/);
      const hits = fc.uniqueArray(
        fc.record({ docId: token, score: fc.double({ noNaN: true, noDefaultInfinity: true }) }),
        {
          selector: (hit) => hit.docId,
          maxLength: 8,
        },
      );
      const runs = fc.uniqueArray(fc.tuple(token, hits), {
        selector: ([qid]) => qid,
        minLength: 1,
        maxLength: 5,
      });
      await fc.assert(
        fc.asyncProperty(runs, async (entries) => {
          const original: Run = new Map(entries.filter(([, h]) => h.length > 0));
          if (original.size === 0) return;
          const path = join(dir, 'run.trec');
          await writeRun(path, original, 'tag');
          const back = await readRun(path);
          // -0 is written as "0": compare scores by value.
          const plain = (r: Run) =>
            [...r].map(([q, h]) => [
              q,
              h.map(({ docId, score }) => [docId, score === 0 ? 0 : score]),
            ]);
          assert.deepEqual(plain(back), plain(original));
        }),
        { numRuns: 50 },
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses to write ids or tags with whitespace, and non-finite scores', () => {
    throwsInput(
      () => formatRun(run, 'my run'),
      /^run tag "my run" is empty or contains whitespace/,
    );
    throwsInput(
      () => formatRun(new Map([['q 1', [{ docId: 'd', score: 1 }]]]), 't'),
      /^query id "q 1"/,
    );
    throwsInput(
      () => formatRun(new Map([['q', [{ docId: 'd\t2', score: 1 }]]]), 't'),
      /^document id \(query "q"\) "d\\t2"/,
    );
    throwsInput(
      () => formatRun(new Map([['q', [{ docId: 'd', score: NaN }]]]), 't'),
      'score of document "d" for query "q" is NaN; scores must be finite',
    );
  });

  describe('reading validates', () => {
    it('column count', () => {
      throwsInput(
        () => parseRun('q1 Q0 d1 1 2.0 t\nq1 Q0 d2 2 1.0\n', 'run.trec'),
        'run.trec line 2: expected 6 columns "qid Q0 docid rank score tag", got 5: "q1 Q0 d2 2 1.0"',
      );
    });

    it('rank is a non-negative integer', () => {
      throwsInput(
        () => parseRun('q1 Q0 d1 first 2.0 t\n', 'run.trec'),
        'run.trec line 1: rank must be a non-negative integer, got "first"',
      );
      throwsInput(
        () => parseRun('q1 Q0 d1 -1 2.0 t\n', 'run.trec'),
        /rank must be a non-negative integer, got "-1"/,
      );
    });

    it('score is a finite decimal number', () => {
      for (const bad of ['abc', 'NaN', 'Infinity', '0x10', '1e999']) {
        throwsInput(
          () => parseRun(`q1 Q0 d1 1 ${bad} t\n`, 'run.trec'),
          `run.trec line 1: score must be a finite number, got "${bad}"`,
        );
      }
      assert.equal(parseRun('q1 Q0 d1 1 -.5e+2 t').get('q1')![0]!.score, -50);
    });

    it('a document appears once per query (trec_eval stops on duplicates)', () => {
      throwsInput(
        () => parseRun('q1 Q0 d1 1 2.0 t\nq2 Q0 d1 1 2.0 t\n\nq1 Q0 d1 2 1.0 t\n', 'run.trec'),
        'run.trec line 4: document "d1" appears twice for query "q1" (first on line 1); trec_eval refuses duplicate documents',
      );
    });

    it('the file is not empty', () => {
      throwsInput(
        () => parseRun('\n', 'run.trec'),
        'run.trec: no results: the file is empty (expected lines "qid Q0 docid rank score tag")',
      );
    });
  });
});
