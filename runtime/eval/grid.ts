/**
 * Parameter grids: which configurations does an evaluation compare? A run names a ranker and, per
 * parameter, the values to try; its configurations are every combination (the Cartesian product),
 * each with the ranker table's defaults filled in for the parameters the grid leaves out, so that
 * `bm25 {k1: 0.9}` and `bm25 {k1: 0.9, b: 0.4}` are one configuration (and one cached cell).
 *
 * Every value is checked by the engine's own validation (`validateRankerParams`, the one
 * definition `sir search` and the app use) before any work; errors name the run, the parameter,
 * the value and the accepted range.
 */
import {
  EngineError,
  RANKER_TABLE,
  RANKERS,
  validateRankerParams,
  type RankerName,
} from '../engine/index.js';
import { EvalInputError } from './input-error.js';

/** At most this many configurations in one evaluation (all runs together). */
export const MAX_CONFIGURATIONS = 256;

/** One run of an evaluation request: a ranker and, per parameter, the values to try. */
export interface RunGrid {
  ranker: RankerName;
  /** Parameter → values. A parameter left out takes the ranker's default; `{}` is one configuration. */
  grid?: Readonly<Record<string, readonly number[]>>;
}

/** A ranker with every one of its parameters set, in the ranker table's order. */
export interface Configuration {
  ranker: RankerName;
  params: Record<string, number>;
}

/**
 * Every configuration of `runs`, in order: run by run, and within a run the Cartesian product with
 * the LAST parameter varying fastest (in the order the ranker table lists the parameters). A
 * configuration that two runs share appears once, at its first place.
 * @param field the request field the runs came from, for messages (`runs`).
 * @throws EvalInputError naming the run, parameter, value and accepted range.
 */
export function expandGrids(runs: readonly RunGrid[], field = 'runs'): Configuration[] {
  if (runs.length === 0) throw new EvalInputError(`${field}: name at least one run`);
  const out = new Map<string, Configuration>();
  runs.forEach((run, i) => {
    for (const c of expandRun(run, `${field}[${i}]`)) {
      const id = configurationId(c);
      if (!out.has(id)) out.set(id, c);
      if (out.size > MAX_CONFIGURATIONS)
        throw new EvalInputError(
          `${field}: more than ${MAX_CONFIGURATIONS} configurations; split the evaluation or use fewer values`,
        );
    }
  });
  return [...out.values()];
}

function expandRun(run: RunGrid, where: string): Configuration[] {
  const spec = RANKER_TABLE.find((r) => r.name === run.ranker);
  if (spec === undefined)
    throw new EvalInputError(
      `${where}.ranker: unknown ranker ${JSON.stringify(run.ranker)}; use ${RANKERS.join(', ')}`,
    );
  const grid = run.grid ?? {};
  for (const name of Object.keys(grid)) {
    if (!spec.params.some((p) => p.name === name))
      throw new EvalInputError(
        `${where}.grid.${name}: ${run.ranker} has no parameter ${name} (its parameters: ${spec.params.map((p) => p.name).join(', ')})`,
      );
  }
  let configurations: Array<Record<string, number>> = [{}];
  for (const p of spec.params) {
    const values = grid[p.name] ?? [p.default];
    const at = `${where}.grid.${p.name}`;
    if (values.length === 0) throw new EvalInputError(`${at}: list at least one value`);
    const seen = new Set<number>();
    for (const v of values) {
      if (seen.has(v)) throw new EvalInputError(`${at}: the value ${v} is listed twice`);
      seen.add(v);
      checkValue(run.ranker, p.name, v, at);
    }
    configurations = configurations.flatMap((c) => values.map((v) => ({ ...c, [p.name]: v })));
  }
  return configurations.map((params) => ({ ranker: run.ranker, params }));
}

/** A single configuration as a request names it (`baseline`), defaults filled in and checked. */
export function completeConfiguration(
  ranker: RankerName,
  params: Readonly<Record<string, number>>,
  field: string,
): Configuration {
  const grid = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, [v]]));
  return expandRun({ ranker, grid }, field)[0]!;
}

function checkValue(ranker: RankerName, name: string, value: number, at: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new EvalInputError(`${at}: ${String(value)} is not a finite number`);
  try {
    validateRankerParams(ranker, { [name]: value });
  } catch (err) {
    if (err instanceof EngineError) throw new EvalInputError(`${at}: ${err.message}`);
    throw err;
  }
}

/**
 * The configuration as text, the same for the same configuration however it was written:
 * `bm25 k1=0.9 b=0.4`. Used as its id in results and in cache keys.
 */
export function configurationId({ ranker, params }: Configuration): string {
  const spec = RANKER_TABLE.find((r) => r.name === ranker);
  const names = spec ? spec.params.map((p) => p.name) : Object.keys(params).sort();
  return [ranker, ...names.map((n) => `${n}=${params[n]}`)].join(' ');
}

/** A configuration id as a file name: `bm25_k1=0.9_b=0.4`. */
export function configurationSlug(id: string): string {
  return id.replace(/ /g, '_');
}
