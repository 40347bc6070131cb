/**
 * One index format version, every place a user reads it agreeing with the engine's: FORMAT.md's
 * title and the README's upgrade section ("this one reads format N").
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { engine } from '../../runtime/engine/index.js';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

describe('engine: the index format version the docs name is the engine’s', () => {
  const version = engine().formatVersion();

  it('FORMAT.md describes the version the engine writes', () => {
    assert.match(
      read('index-core/FORMAT.md'),
      new RegExp(`^# index-core file format, version ${version}\\n`),
    );
  });

  it('the README says which format this release reads', () => {
    const said = /this one reads\s+format (\d+)\)/.exec(read('README.md'));
    assert.ok(said, 'the README names the format this release reads');
    assert.equal(Number(said[1]), version);
  });
});
