/**
 * `--index DIR` for the commands that read an index: opened and verified whole (a command reads a
 * local file once, so damage anywhere is refused up front), or a sentence saying why not.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from './command.js';
import { EngineError, INDEX_FILE, SearchIndex } from '../engine/index.js';

export function openIndexFlag(dir: string | undefined): SearchIndex {
  if (dir === undefined || dir === '')
    throw new CliError('--index DIR is required (a folder built by `sir index`)', 2);
  if (!existsSync(join(dir, INDEX_FILE))) {
    throw new CliError(
      `no index in ${dir}: ${join(dir, INDEX_FILE)} does not exist (build one with \`sir index CORPUS --out ${dir}\`)`,
    );
  }
  try {
    return SearchIndex.open(dir, { verify: 'all' });
  } catch (err) {
    if (err instanceof EngineError)
      throw new CliError(`cannot open the index in ${dir}: ${err.message}`);
    throw err;
  }
}

/** Runs an engine call, turning its errors into CLI errors with the engine's sentence. */
export function engineFailure<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof EngineError)
      throw new CliError(err.message, err.code === 'bad-query' ? 2 : 1);
    throw err;
  }
}
