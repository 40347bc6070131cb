/**
 * `sir jobs status ID --out DIR` for an evaluate job: the result as JSON, the per-query measures,
 * one TREC run file per configuration, and every plot (SVG, the first measure), so a researcher
 * has on disk what the page shows:
 *
 *     DIR/result.json  DIR/per-query.jsonl  DIR/runs/<configuration>.trec  DIR/figures/<name>.svg
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type EvaluateResult,
  type JobsApi,
  figureNames,
  parsePerQuery,
  renderFigure,
} from '../jobs/index.js';

/** Writes the files; returns how many. */
export async function saveEvaluation(
  api: JobsApi,
  id: string,
  result: EvaluateResult,
  dir: string,
): Promise<number> {
  await mkdir(join(dir, 'runs'), { recursive: true });
  await mkdir(join(dir, 'figures'), { recursive: true });
  await writeFile(join(dir, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
  const perQuery = await api.file(id, result.perQueryFile);
  await writeFile(join(dir, result.perQueryFile), perQuery);
  for (const row of result.table)
    await writeFile(join(dir, 'runs', row.runFile), await api.file(id, row.runFile));
  const table = parsePerQuery(new TextDecoder().decode(perQuery));
  const names = figureNames(result);
  for (const name of names)
    await writeFile(join(dir, 'figures', name), renderFigure(result, name, undefined, table)!);
  return 2 + result.table.length + names.length;
}
