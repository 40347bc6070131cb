import assert from 'node:assert/strict';
import { join } from 'node:path';
import { detectQrelsFormat, parseQrels, readQrels } from '../../runtime/eval/index.js';
import { SCIFACT_DIR, requireSciFact } from '../fixtures/external.js';
import { throwsInput } from './throws-input.js';

const asObject = (qrels: Map<string, Map<string, number>>) =>
  Object.fromEntries([...qrels].map(([qid, judged]) => [qid, Object.fromEntries(judged)]));

describe('eval/qrels', () => {
  it('reads BEIR TSV with its header, in file order', () => {
    const qrels = parseQrels(
      'query-id\tcorpus-id\tscore\n1\t31715818\t1\n3\t14717500\t2\n1\t13734012\t0\n',
      'test.tsv',
    );
    assert.deepEqual(asObject(qrels), {
      '1': { '31715818': 1, '13734012': 0 },
      '3': { '14717500': 2 },
    });
    assert.deepEqual([...qrels.keys()], ['1', '3']);
  });

  it('reads TREC qrels (qid iter docid rel), ignoring the iteration column and blank lines', () => {
    const qrels = parseQrels(
      '301 0 FBIS3-10082 1\n\n301  0 FBIS3-10169 0\r\n302 Q0 LA-1 -1\n',
      'qrels.trec',
    );
    assert.deepEqual(asObject(qrels), {
      '301': { 'FBIS3-10082': 1, 'FBIS3-10169': 0 },
      '302': { 'LA-1': -1 },
    });
  });

  it('reads a 3-column file without a header, and treats any non-integer third column on line 1 as a header', () => {
    assert.deepEqual(asObject(parseQrels('q1\td1\t1\n')), { q1: { d1: 1 } });
    assert.deepEqual(asObject(parseQrels('qid\tdocid\trel\nq1\td1\t2\n')), { q1: { d1: 2 } });
  });

  it('detects the format by column count', () => {
    assert.equal(detectQrelsFormat('query-id\tcorpus-id\tscore'), 'beir');
    assert.equal(detectQrelsFormat('1 0 d 1'), 'trec');
    assert.equal(detectQrelsFormat('1 d'), undefined);
  });

  it('refuses a non-integer relevance with the line number', () => {
    throwsInput(
      () => parseQrels('query-id\tcorpus-id\tscore\n1\td1\t1\n1\td2\t0.5\n', 'test.tsv'),
      'test.tsv line 3: relevance must be an integer (0 = not relevant, 1 or more = relevant), got "0.5"',
    );
    throwsInput(
      () => parseQrels('1 0 d1 1\n1 0 d2 yes\n', 'q.trec'),
      /^q\.trec line 2: relevance must be an integer/,
    );
  });

  it('refuses a row whose column count differs from the first line', () => {
    throwsInput(
      () => parseQrels('1 0 d1 1\n1 d2 1\n', 'q.trec'),
      'q.trec line 2: expected 4 columns "qid 0 docid rel" like the first line, got 3: "1 d2 1"',
    );
    throwsInput(
      () => parseQrels('query-id\tcorpus-id\tscore\n1\td1\t1\textra\n', 'test.tsv'),
      /^test\.tsv line 2: expected 3 columns "qid<TAB>docid<TAB>rel" like the first line, got 4/,
    );
  });

  it('refuses a first line that is neither format', () => {
    throwsInput(
      () => parseQrels('1 0 d1 1 extra\n', 'q.txt'),
      /^q\.txt line 1: expected BEIR TSV .* or TREC qrels .*, got 5 columns/,
    );
  });

  it('refuses a duplicate judgement, as trec_eval does', () => {
    throwsInput(
      () => parseQrels('1 0 d1 1\n1 0 d2 0\n1 0 d1 0\n', 'q.trec'),
      'q.trec line 3: duplicate judgement for query "1" and document "d1" (first on line 1); trec_eval refuses duplicates',
    );
  });

  it('refuses an empty file and a header without judgements', () => {
    throwsInput(() => parseQrels('\n', 'test.tsv'), /^test\.tsv: no judgements: the file is empty/);
    throwsInput(
      () => parseQrels('query-id\tcorpus-id\tscore\n', 'test.tsv'),
      /^test\.tsv: no judgements: only a header/,
    );
  });

  it('reads the SciFact test qrels: 300 queries, 339 judgements', async function () {
    requireSciFact(this, 'qrels/test.tsv');
    const qrels = await readQrels(join(SCIFACT_DIR, 'qrels/test.tsv'));
    assert.equal(qrels.size, 300);
    assert.equal(
      [...qrels.values()].reduce((n, judged) => n + judged.size, 0),
      339,
    );
  });
});
