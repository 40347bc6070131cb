/**
 * `--index DIR` for the commands that read an index: opened and verified whole (a command reads a
 * local file once, so damage anywhere is refused up front), or a sentence saying why not.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from './command.js';
import { EngineError, INDEX_FILE, SearchIndex } from '../engine/index.js';

export function openIndexFlag(dir: string | undefined): SearchIndex {
  if (dir === undefined || dir === '')
    throw new CliError('--index DIR is required (a folder built by `sir index`)', 2);
  const file = join(dir, INDEX_FILE);
  const stat = statSync(file, { throwIfNoEntry: false });
  if (stat === undefined)
    throw new CliError(
      `no index in ${dir}: ${file} does not exist (build one with \`sir index CORPUS --out ${dir}\`)`,
    );
  if (!stat.isFile())
    throw new CliError(`no index in ${dir}: ${file} is a folder, not an index file`);
  try {
    return SearchIndex.open(dir, { verify: 'all' });
  } catch (err) {
    if (err instanceof EngineError)
      throw new CliError(`cannot open the index in ${dir}: ${err.message}`);
    throw err;
  }
}
