/**
 * Evaluation: how good is a ranker on a judged test collection?
 *
 * Reads queries (`queries.ts`) and judgements (`qrels.ts`), writes and reads TREC run files
 * (`run-file.ts`), orders hits as trec_eval does (`trec-order.ts`), computes nDCG@10, MAP, P@10,
 * R@100, R@1000 and MRR with trec_eval semantics and names (`metrics.ts`) and formats them (`report.ts`); `run-queries.ts`
 * runs a query set against an index. Bad input fails with
 * one error type, `EvalInputError` (`input-error.ts`). `sir run` and `sir eval` translate around
 * these functions. Verified against pytrec_eval (trec_eval 9) by `test/eval/trec-eval-crosscheck.test.ts`.
 */
export { EvalInputError, type InputLocation } from './input-error.js';
export {
  detectQueryFormat,
  parseQueries,
  readQueries,
  type Query,
  type QueryFileFormat,
} from './queries.js';
export { detectQrelsFormat, parseQrels, readQrels, type Qrels, type QrelsFormat } from './qrels.js';
export {
  formatRun,
  parseRun,
  readRun,
  runLines,
  writeRun,
  RUN_ITERATION,
  type Run,
  type RunHit,
} from './run-file.js';
export { compareBytes, trecOrder } from './trec-order.js';
export {
  evaluate,
  evaluateQuery,
  measureByName,
  meanMetrics,
  zeroMetrics,
  DEEP_RECALL_CUTOFF,
  MEASURES,
  NDCG_CUTOFF,
  PRECISION_CUTOFF,
  RECALL_CUTOFF,
  RELEVANCE_LEVEL,
  type Evaluation,
  type MeasureName,
  type Metrics,
} from './metrics.js';
export {
  byTrecName,
  fromTrecNames,
  evalReportJson,
  formatEvalTable,
  REPORT_DECIMALS,
  type EvalReportJson,
  type ReportOptions,
  type TrecMeasures,
} from './report.js';
export {
  DEFAULT_RUN_DEPTH,
  judgedQueries,
  readJudgedQueries,
  runQueries,
  type RunOptions,
  type RunOutcome,
  type SkippedQuery,
} from './run-queries.js';
export {
  DEFAULT_RANDOMISATION_SEED,
  DEFAULT_RANDOMISATION_TRIALS,
  holmBonferroni,
  pairedTTest,
  randomisationTest,
  winsLosses,
  type RandomisationOptions,
  type RandomisationResult,
  type TTestResult,
  type WinsLosses,
} from './significance.js';
export {
  completeConfiguration,
  configurationId,
  configurationSlug,
  expandGrids,
  MAX_CONFIGURATIONS,
  type Configuration,
  type RunGrid,
} from './grid.js';
export {
  crossValidate,
  tuneOnSet,
  type CrossValidated,
  type FoldChoice,
  type TunedOnSet,
  type TuningCell,
} from './tuning.js';
export {
  compareWithBaseline,
  type ComparisonRow,
  type ScoredConfiguration,
  type VersusBaseline,
} from './comparison.js';
export {
  colourScale,
  differenceSvg,
  heatMapSvg,
  sweepSvg,
  type HeatMap,
  type Sweep,
} from './plots.js';
