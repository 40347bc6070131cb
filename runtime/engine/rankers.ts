/**
 * The ranker table: every ranker's name, parameters, defaults, accepted ranges and one-line
 * meanings, exactly as the engine defines them (`RANKERS` in index-core/src/scoring/rankers.rs),
 * read once from the WebAssembly module. It is the one definition the other layers derive from:
 * the HTTP request schemas and the OpenAPI document (app/schemas.ts), the CLI's ranker flags and
 * their help (cli/ranker-flags.ts), the README's table (checked by test/engine/rankers.test.ts),
 * and `validateRankerParams`, which checks a ranker and its parameters with the engine's own code
 * before any index is opened (a job's parameter grid, CLI flags).
 *
 * Ranges are closed, `[min, max]`, and chosen so that every score is finite on any index.
 */
import { engineCall } from './engine-error.js';
import { engine } from './wasm-module.js';

export interface RankerParamSpec {
  /** As on the CLI (`--k1`), in GET /search (`k1=`) and in `params` (`{"k1": 1.2}`). */
  name: string;
  default: number;
  /** Smallest accepted value (inclusive). */
  min: number;
  /** Largest accepted value (inclusive). */
  max: number;
  /** What the parameter does, in a few words. */
  meaning: string;
}

export interface RankerSpec {
  name: string;
  /** What the ranker is, in one line. */
  meaning: string;
  params: readonly RankerParamSpec[];
}

/** A ranker's name, one of `RANKERS`. */
export type RankerName = string;
/**
 * Ranker parameters by name; each ranker accepts only its own (bm25: k1, b; dirichlet: mu; ...).
 * An undefined value is an absent parameter (it takes the default).
 */
export type RankerParams = Readonly<Partial<Record<string, number>>>;

const table = JSON.parse(engine().rankersJson()) as {
  default: RankerName;
  rankers: RankerSpec[];
};

/** Every ranker, in the engine's order. */
export const RANKER_TABLE: readonly RankerSpec[] = table.rankers;
/** The ranker a search uses when it names none. */
export const DEFAULT_RANKER: RankerName = table.default;
/** The rankers' names. */
export const RANKERS: readonly RankerName[] = RANKER_TABLE.map((r) => r.name);
/** Every parameter of every ranker (names are unique across rankers), in table order. */
export const RANKER_PARAMS: readonly RankerParamSpec[] = RANKER_TABLE.flatMap((r) => r.params);
/** The parameters' names. */
export const PARAM_NAMES: readonly string[] = RANKER_PARAMS.map((p) => p.name);

/** The ranker a parameter belongs to. */
export function rankerOfParam(name: string): RankerSpec | undefined {
  return RANKER_TABLE.find((r) => r.params.some((p) => p.name === name));
}

/** The parameter called `name`, whichever ranker has it. */
export function paramSpec(name: string): RankerParamSpec | undefined {
  return RANKER_PARAMS.find((p) => p.name === name);
}

/** What a parameter accepts, as the engine words it: `a number from 0 to 1 (default 0.4)`. */
export function acceptedValues(p: RankerParamSpec): string {
  return `a number from ${p.min} to ${p.max} (default ${p.default})`;
}

/**
 * Checks `ranker` and `params` with the engine's own validation, without an index. Throws the
 * `EngineError` (`bad-query`, with the field at fault) a search would throw; returns the ranker
 * and parameters as given otherwise.
 */
export function validateRankerParams(
  ranker: RankerName,
  params: RankerParams,
): { ranker: RankerName; params: RankerParams } {
  engineCall(() => engine().checkRanker(ranker, JSON.stringify(params)));
  return { ranker, params };
}
