import assert from 'node:assert/strict';
import { join } from 'node:path';
import { detectQueryFormat, parseQueries, readQueries } from '../../runtime/eval/index.js';
import { SCIFACT_DIR, requireSciFact } from '../fixtures/external.js';
import { throwsInput } from './throws-input.js';

describe('eval/queries', () => {
  describe('BEIR queries.jsonl', () => {
    it('reads _id and text in file order, ignoring other fields and blank lines', () => {
      const content =
        '{"_id": "3", "text": "zinc and colds", "metadata": {}}\n\n{"_id": "1", "text": " tea "}\n';
      assert.deepEqual(parseQueries(content, 'queries.jsonl'), [
        { id: '3', text: 'zinc and colds', line: 1 },
        { id: '1', text: 'tea', line: 3 },
      ]);
    });

    it('accepts "id" for "_id", integer ids, CRLF line ends and a byte-order mark', () => {
      const content = '\uFEFF{"id": 7, "text": "a"}\r\n{"_id": "x", "text": "b"}\r\n';
      assert.deepEqual(parseQueries(content), [
        { id: '7', text: 'a', line: 1 },
        { id: 'x', text: 'b', line: 2 },
      ]);
    });

    it('names the file and line of invalid JSON, a missing _id or text, and a non-object', () => {
      throwsInput(
        () => parseQueries('{"_id": "1", "text": "a"}\n{"_id": "2", "text": ', 'q.jsonl'),
        /^q\.jsonl line 2: not valid JSON/,
      );
      throwsInput(
        () => parseQueries('{"text": "a"}', 'q.jsonl'),
        'q.jsonl line 1: missing "_id" (a string, or "id")',
      );
      throwsInput(
        () => parseQueries('{"_id": "1"}', 'q.jsonl'),
        'q.jsonl line 1: missing "text" (the query string)',
      );
      throwsInput(
        () => parseQueries('{"_id": "1", "text": 5}', 'q.jsonl'),
        'q.jsonl line 1: "text" must be a string, got number',
      );
      throwsInput(
        () => parseQueries('{"_id": [1], "text": "a"}', 'q.jsonl'),
        /line 1: "_id" must be a string or an integer/,
      );
      throwsInput(
        () => parseQueries('{"_id": "1", "text": "a"}\n[1, 2]', 'q.jsonl'),
        /^q\.jsonl line 2: expected a JSON object/,
      );
    });
  });

  describe('TSV id<TAB>text', () => {
    it('reads id and text, keeping tabs inside the text, and counts blank lines in line numbers', () => {
      const content = '\n101\tred wine\n\n102\tgreen\ttea\n';
      assert.deepEqual(parseQueries(content, 'queries.tsv'), [
        { id: '101', text: 'red wine', line: 2 },
        { id: '102', text: 'green\ttea', line: 4 },
      ]);
      throwsInput(
        () => parseQueries('1\ta\n2\tb\n\nthree c\n', 'queries.tsv'),
        'queries.tsv line 4: expected "id<TAB>text", got "three c" (no tab)',
      );
    });

    it('refuses an empty id, empty text, and an id with spaces', () => {
      throwsInput(
        () => parseQueries('\tsome text', 'queries.tsv'),
        'queries.tsv line 1: empty query id',
      );
      throwsInput(
        () => parseQueries('1\t  ', 'queries.tsv'),
        'queries.tsv line 1: query "1" has empty text',
      );
      throwsInput(
        () => parseQueries('a b\ttext', 'queries.tsv'),
        /line 1: query id "a b" contains whitespace/,
      );
    });
  });

  it('detects the format from the first non-blank line, not from the file name', () => {
    assert.equal(detectQueryFormat('  {"_id": "1"}'), 'jsonl');
    assert.equal(detectQueryFormat('1\tquery'), 'tsv');
    assert.deepEqual(parseQueries('{"_id":"1","text":"a"}', 'queries.tsv'), [
      { id: '1', text: 'a', line: 1 },
    ]);
  });

  it('refuses duplicate ids, naming both lines', () => {
    throwsInput(
      () => parseQueries('1\ta\n2\tb\n1\tc\n', 'queries.tsv'),
      'queries.tsv line 3: duplicate query id "1" (first on line 1); ids must be unique',
    );
  });

  it('refuses an empty or blank file and says what is accepted', () => {
    for (const content of ['', '\n\n  \n']) {
      throwsInput(
        () => parseQueries(content, 'queries.tsv'),
        /^queries\.tsv: no queries: the file is empty \(expected BEIR queries\.jsonl/,
      );
    }
  });

  it('reads the SciFact queries file', async function () {
    requireSciFact(this, 'queries.jsonl');
    const queries = await readQueries(join(SCIFACT_DIR, 'queries.jsonl'));
    assert.equal(queries.length, 1109);
    assert.ok(queries.every((q) => q.id !== '' && q.text !== ''));
  });
});
