/**
 * The `evaluate` request: which ranker, with which parameters, is best on a judged collection —
 * and is the difference real? (issue 13; the field names are the contract).
 *
 *     {"kind": "evaluate", "index": "live", "queries": "file:///data/queries.jsonl",
 *      "qrels": "file:///data/qrels/test.tsv",
 *      "runs": [{"ranker": "bm25", "grid": {"k1": [0.9, 1.2], "b": [0.4, 0.75]}},
 *               {"ranker": "dirichlet", "grid": {"mu": [500, 1000, 2000]}}],
 *      "baseline": {"ranker": "bm25", "params": {"k1": 0.9, "b": 0.4}},
 *      "metrics": ["ndcg_cut_10", "map", "P_10", "recall_100", "recall_1000", "recip_rank"],
 *      "k": 1000,
 *      "tune": {"metric": "ndcg_cut_10", "queries": "file:///data/queries.jsonl",
 *               "qrels": "file:///data/qrels/train.tsv"}}
 *
 * `tune` is either a separate tuning set (`queries` and `qrels`) or `{"metric": ..., "folds": 5}`
 * (k-fold cross-validation over the test queries). Extensions of ours, all optional: `shards`
 * (query shards per configuration: the map step's tasks), `randomisation` (`trials` and `seed` of
 * the randomisation test) and `policy` (as every kind). `canonicalEvaluateRequest` fills the
 * defaults and checks every grid value with the ranker table.
 */
import { z } from '@hono/zod-openapi';
import { DEFAULT_RANKER, MAX_WINDOW } from '../../engine/index.js';
import {
  DEFAULT_RANDOMISATION_SEED,
  DEFAULT_RANDOMISATION_TRIALS,
  DEFAULT_RUN_DEPTH,
  EvalInputError,
  MAX_CONFIGURATIONS,
  MEASURES,
  completeConfiguration,
  configurationId,
  expandGrids,
  type Configuration,
  type RunGrid,
} from '../../eval/index.js';
import { JobError } from '../job-error.js';
import { DEFAULT_POLICY, type PolicySpec } from '../policies.js';
import { PolicySchema } from '../policy-schema.js';

export const EVALUATE = 'evaluate';
export const DEFAULT_SHARDS = 4;
export const MAX_SHARDS = 64;
export const MAX_RANDOMISATION_TRIALS = 1_000_000;
/** Every measure, in report order: the default `metrics`. */
export const MEASURE_NAMES = MEASURES.map((m) => m.trecName) as [string, ...string[]];

const url = (description: string) => z.string().min(1).max(2048).openapi({ description });
const MeasureSchema = z.enum(MEASURE_NAMES);
const ParamsSchema = z.record(z.string().min(1).max(64), z.number());

export const EvaluateRequestSchema = z
  .strictObject({
    kind: z.literal(EVALUATE),
    index: z.string().min(1).max(2048).openapi({
      description:
        '"live" (the store live version), a version id, or a built index: s3://BUCKET/KEY/index.sir or (locally) file:///PATH of the index file or its folder',
      example: 'live',
    }),
    queries: url('the test queries: BEIR queries.jsonl or TSV id<TAB>text (s3:// or file://)'),
    qrels: url('the judgements: BEIR TSV with header or TREC "qid 0 docid rel" (s3:// or file://)'),
    runs: z
      .array(
        z.strictObject({
          ranker: z.string().min(1).max(64),
          grid: z
            .record(z.string().min(1).max(64), z.array(z.number()).min(1).max(MAX_CONFIGURATIONS))
            .optional()
            .openapi({
              description: 'parameter → values to try; a parameter left out takes its default',
            }),
        }),
      )
      .min(1)
      .max(64)
      .openapi({
        example: [{ ranker: 'bm25', grid: { k1: [0.9, 1.2], b: [0.4, 0.75] } }],
      }),
    baseline: z
      .strictObject({ ranker: z.string().min(1).max(64), params: ParamsSchema.optional() })
      .optional()
      .openapi({
        description: `what every configuration is compared with (default ${DEFAULT_RANKER} with its defaults)`,
      }),
    metrics: z
      .array(MeasureSchema)
      .min(1)
      .max(MEASURE_NAMES.length)
      .optional()
      .openapi({
        description: `trec_eval measure names (default all: ${MEASURE_NAMES.join(', ')})`,
      }),
    k: z
      .number()
      .int()
      .min(1)
      .max(MAX_WINDOW)
      .optional()
      .openapi({ description: `hits per query in the run files (default ${DEFAULT_RUN_DEPTH})` }),
    tune: z
      .strictObject({
        metric: MeasureSchema,
        queries: url('the tuning queries').optional(),
        qrels: url('the tuning judgements').optional(),
        folds: z.number().int().min(2).max(100).optional(),
      })
      .optional()
      .openapi({
        description:
          'pick the best configuration per ranker without peeking: on a tuning set (queries and qrels) or by k-fold cross-validation over the test queries (folds)',
      }),
    shards: z
      .number()
      .int()
      .min(1)
      .max(MAX_SHARDS)
      .optional()
      .openapi({
        description: `query shards per configuration, one map task each (default ${DEFAULT_SHARDS})`,
      }),
    randomisation: z
      .strictObject({
        trials: z.number().int().min(1).max(MAX_RANDOMISATION_TRIALS).optional(),
        seed: z
          .number()
          .int()
          .min(0)
          .max(2 ** 32 - 1)
          .optional(),
      })
      .optional()
      .openapi({
        description: `the randomisation test's trials (default ${DEFAULT_RANDOMISATION_TRIALS}) and seed (default ${DEFAULT_RANDOMISATION_SEED})`,
      }),
    policy: PolicySchema.optional(),
  })
  .openapi('EvaluateRequest');

export type EvaluateInput = z.infer<typeof EvaluateRequestSchema>;

export type TuneSpec =
  { metric: string; queries: string; qrels: string } | { metric: string; folds: number };

/** An evaluate request with every default filled in and every grid checked. */
export interface EvaluateRequest {
  kind: typeof EVALUATE;
  /** As the request gave it: `live`, a version id, or a URL. */
  index: string;
  /** The index file the job reads, set at submission (`resolve`): part of the job's identity. */
  indexUrl?: string;
  /** The store version `live` (or a version id) named at submission. */
  indexVersion?: string;
  queries: string;
  qrels: string;
  runs: RunGrid[];
  baseline: Configuration;
  metrics: string[];
  k: number;
  tune: TuneSpec | null;
  shards: number;
  randomisation: { trials: number; seed: number };
  policy: PolicySpec;
}

export function canonicalEvaluateRequest(input: EvaluateInput): EvaluateRequest {
  const invalid = (err: unknown, field: string): never => {
    if (err instanceof EvalInputError) throw new JobError('invalid-request', err.message, field);
    throw err;
  };
  const runs: RunGrid[] = input.runs.map((r) =>
    r.grid ? { ranker: r.ranker, grid: r.grid } : { ranker: r.ranker },
  );
  try {
    expandGrids(runs, 'runs');
  } catch (err) {
    invalid(err, 'runs');
  }
  let baseline: Configuration;
  try {
    baseline = completeConfiguration(
      input.baseline?.ranker ?? DEFAULT_RANKER,
      input.baseline?.params ?? {},
      'baseline',
    );
  } catch (err) {
    return invalid(err, 'baseline');
  }
  return {
    kind: EVALUATE,
    index: input.index,
    queries: input.queries,
    qrels: input.qrels,
    runs,
    baseline,
    metrics: input.metrics
      ? MEASURE_NAMES.filter((m) => input.metrics!.includes(m))
      : [...MEASURE_NAMES],
    k: input.k ?? DEFAULT_RUN_DEPTH,
    tune: canonicalTune(input.tune),
    shards: input.shards ?? DEFAULT_SHARDS,
    randomisation: {
      trials: input.randomisation?.trials ?? DEFAULT_RANDOMISATION_TRIALS,
      seed: input.randomisation?.seed ?? DEFAULT_RANDOMISATION_SEED,
    },
    policy: input.policy ?? DEFAULT_POLICY,
  };
}

function canonicalTune(tune: EvaluateInput['tune']): TuneSpec | null {
  if (tune === undefined) return null;
  const { metric, queries, qrels, folds } = tune;
  const hasSet = queries !== undefined || qrels !== undefined;
  if (hasSet && folds !== undefined)
    throw new JobError(
      'invalid-request',
      'tune: give either a tuning set (queries and qrels) or folds for cross-validation, not both',
      'tune',
    );
  if (hasSet) {
    if (queries === undefined || qrels === undefined)
      throw new JobError(
        'invalid-request',
        `tune.${queries === undefined ? 'queries' : 'qrels'}: a tuning set needs both queries and qrels`,
        `tune.${queries === undefined ? 'queries' : 'qrels'}`,
      );
    return { metric, queries, qrels };
  }
  if (folds === undefined)
    throw new JobError(
      'invalid-request',
      'tune: name a tuning set (queries and qrels) or folds (k-fold cross-validation over the test queries)',
      'tune',
    );
  return { metric, folds };
}

/** The configurations the runs ask for (grid order), then the baseline if no run has it. */
export function testConfigurations(request: EvaluateRequest): Configuration[] {
  const grid = expandGrids(request.runs);
  const base = configurationId(request.baseline);
  return grid.some((c) => configurationId(c) === base) ? grid : [...grid, request.baseline];
}

/** The configurations tuning chooses among: the runs' (the baseline only if a run has it). */
export function tuningConfigurations(request: EvaluateRequest): Configuration[] {
  return request.tune !== null && 'queries' in request.tune ? expandGrids(request.runs) : [];
}
