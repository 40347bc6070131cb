/**
 * `sir jobs submit eval`'s flags, translated into an evaluate request (runtime/jobs/evaluate): the
 * inputs (local files become URLs through the target: staged for --stack, file:// for --api), one
 * `--run` per ranker with its grid, the baseline, measures, depth and tuning. Grid values are
 * checked by the job's own validation (the ranker table), so the CLI and `POST /jobs` say the same.
 */
import { statSync } from 'node:fs';
import { CliError, numberFlag } from './command.js';
import { MAX_WINDOW } from '../engine/index.js';
import { DEFAULT_RUN_DEPTH } from '../eval/index.js';
import { DEFAULT_SHARDS, EVALUATE, LIVE_INDEX, MAX_SHARDS } from '../jobs/index.js';
import { isVersionId } from '../store/version-id.js';

export const EVAL_JOB_FLAG_OPTIONS = {
  index: { type: 'string' },
  queries: { type: 'string' },
  qrels: { type: 'string' },
  run: { type: 'string', multiple: true },
  baseline: { type: 'string' },
  metrics: { type: 'string' },
  k: { type: 'string' },
  'tune-metric': { type: 'string' },
  'tune-queries': { type: 'string' },
  'tune-qrels': { type: 'string' },
  folds: { type: 'string' },
  shards: { type: 'string' },
  trials: { type: 'string' },
  seed: { type: 'string' },
} as const;

export const EVAL_JOB_FLAGS_HELP = `Evaluation options (submit eval):
  --index WHICH          live (the store's live version), a version id, a built index folder
                         or file, or its URL (s3://... or file:///...); a folder is read in
                         place (--api) or staged like sir upload stages an index (--stack);
                         on an efs stack the reduce function resolves live and version ids
                         and copies the index out for the workers (up to 5 minutes)
  --queries FILE|URL     the test queries (BEIR queries.jsonl or TSV id<TAB>text)
  --qrels FILE|URL       the test judgements (BEIR TSV or TREC qrels)
  --run "RANKER P=V,V Q=V,V"
                         a ranker and its grid, e.g. --run "bm25 k1=0.6,0.9,1.2 b=0.3,0.4";
                         repeat for more rankers; a parameter left out takes its default
  --baseline "RANKER P=V"
                         what every configuration is compared with (default bm25's defaults)
  --metrics LIST         trec_eval names, comma-separated (default ndcg_cut_10, map, P_10,
                         recall_100, recall_1000, recip_rank)
  --k N                  hits per query (default ${DEFAULT_RUN_DEPTH}, at most ${MAX_WINDOW})
  --tune-metric NAME     tune without peeking by this measure, either on a tuning set
  --tune-queries FILE    (--tune-queries and --tune-qrels, e.g. SciFact's train split)
  --tune-qrels FILE
  --folds N              or by N-fold cross-validation over the test queries
  --shards N             query shards per configuration: map tasks (default ${DEFAULT_SHARDS}, at most ${MAX_SHARDS})
  --trials N, --seed N   the randomisation test's trials (default 10000) and seed (default 1)`;

export type EvalJobFlagValues = Partial<Record<keyof typeof EVAL_JOB_FLAG_OPTIONS, unknown>>;

/** `bm25 k1=0.6,0.9 b=0.4` → `{ranker: 'bm25', grid: {k1: [0.6, 0.9], b: [0.4]}}`. */
export function parseRunSpec(
  spec: string,
  flag = '--run',
): { ranker: string; grid: Record<string, number[]> } {
  const [ranker, ...assignments] = spec.trim().split(/\s+/);
  if (ranker === undefined || ranker === '' || ranker.includes('='))
    throw new CliError(
      `${flag} "${spec}": start with a ranker name, e.g. "bm25 k1=0.9,1.2 b=0.4"`,
      2,
    );
  const grid: Record<string, number[]> = {};
  for (const a of assignments) {
    const m = /^([A-Za-z][A-Za-z0-9_]*)=(.+)$/.exec(a);
    if (!m) throw new CliError(`${flag} "${spec}": "${a}" is not PARAMETER=VALUE[,VALUE...]`, 2);
    const values = m[2]!.split(',').map((v) => {
      const n = Number(v);
      if (v.trim() === '' || !Number.isFinite(n))
        throw new CliError(`${flag} "${spec}": ${m[1]} value "${v}" is not a finite number`, 2);
      return n;
    });
    if (Object.hasOwn(grid, m[1]!))
      throw new CliError(`${flag} "${spec}": ${m[1]} is given twice`, 2);
    grid[m[1]!] = values;
  }
  return { ranker, grid };
}

/**
 * The request the flags ask for; `inputUrl` turns a local file into a URL the target can read,
 * `indexUrl` a built index folder into the URL of its index file (staged for a stack).
 */
export async function evalRequestFromFlags(
  values: EvalJobFlagValues,
  inputUrl: (file: string) => Promise<string>,
  indexUrl: (dir: string) => Promise<string>,
): Promise<Record<string, unknown>> {
  const str = (k: keyof typeof EVAL_JOB_FLAG_OPTIONS) => values[k] as string | undefined;
  const need = (k: 'queries' | 'qrels' | 'index', what: string) => {
    const v = str(k);
    if (v === undefined) throw new CliError(`--${k} ${what} is required for submit eval`, 2);
    return v;
  };
  const index = need('index', 'live|VERSION|DIR|URL');
  const queries = need('queries', 'FILE|URL');
  const qrels = need('qrels', 'FILE|URL');
  const runs = ((values.run as string[] | undefined) ?? []).map((r) => parseRunSpec(r));
  if (runs.length === 0)
    throw new CliError(
      'give at least one --run "RANKER P=V,V ...", e.g. --run "bm25 k1=0.9,1.2 b=0.4"',
      2,
    );
  const request: Record<string, unknown> = {
    kind: EVALUATE,
    index: await indexInput(index, inputUrl, indexUrl),
    queries: await inputUrl(queries),
    qrels: await inputUrl(qrels),
    runs,
  };
  const baseline = str('baseline');
  if (baseline !== undefined) {
    const { ranker, grid } = parseRunSpec(baseline, '--baseline');
    const params: Record<string, number> = {};
    for (const [k, v] of Object.entries(grid)) {
      if (v.length !== 1) throw new CliError(`--baseline "${baseline}": ${k} takes one value`, 2);
      params[k] = v[0]!;
    }
    request.baseline = { ranker, params };
  }
  const metrics = str('metrics');
  if (metrics !== undefined) request.metrics = metrics.split(',').map((m) => m.trim());
  const int = (
    k: 'k' | 'folds' | 'shards' | 'trials' | 'seed',
    min: number,
    max: number,
    fallback: number,
  ) => numberFlag(str(k), k, fallback, { min, max, integer: true });
  if (str('k') !== undefined) request.k = int('k', 1, MAX_WINDOW, DEFAULT_RUN_DEPTH);
  if (str('shards') !== undefined) request.shards = int('shards', 1, MAX_SHARDS, DEFAULT_SHARDS);
  if (str('trials') !== undefined || str('seed') !== undefined)
    request.randomisation = {
      ...(str('trials') !== undefined ? { trials: int('trials', 1, 1_000_000, 10_000) } : {}),
      ...(str('seed') !== undefined ? { seed: int('seed', 0, 2 ** 32 - 1, 1) } : {}),
    };
  const tuneMetric = str('tune-metric');
  const tuneQueries = str('tune-queries');
  const tuneQrels = str('tune-qrels');
  const folds = str('folds');
  if (tuneMetric === undefined) {
    if (tuneQueries ?? tuneQrels ?? folds)
      throw new CliError('--tune-queries, --tune-qrels and --folds go with --tune-metric NAME', 2);
  } else if (folds !== undefined) {
    if (tuneQueries ?? tuneQrels)
      throw new CliError(
        'tune either on a set (--tune-queries, --tune-qrels) or by --folds, not both',
        2,
      );
    request.tune = { metric: tuneMetric, folds: int('folds', 2, 100, 5) };
  } else {
    if (tuneQueries === undefined || tuneQrels === undefined)
      throw new CliError('--tune-metric needs --tune-queries and --tune-qrels, or --folds N', 2);
    request.tune = {
      metric: tuneMetric,
      queries: await inputUrl(tuneQueries),
      qrels: await inputUrl(tuneQrels),
    };
  }
  return request;
}

/**
 * `live` and URLs as they are; an existing local folder is a built index (its `index.sir`), an
 * existing file an index file; otherwise a version id of the store. A local path wins over a
 * version id of the same spelling: it is what the user can see.
 */
async function indexInput(
  index: string,
  inputUrl: (file: string) => Promise<string>,
  indexUrl: (dir: string) => Promise<string>,
): Promise<string> {
  if (index === LIVE_INDEX || /^[a-z][a-z0-9+.-]*:\/\//i.test(index)) return index;
  const stat = statSync(index, { throwIfNoEntry: false });
  if (stat === undefined) {
    if (isVersionId(index)) return index;
    throw new CliError(`--index ${index} is not live, a version id, a URL, or an existing index`);
  }
  return stat.isDirectory() ? indexUrl(index) : inputUrl(index);
}
