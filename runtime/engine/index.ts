export { EngineError, engineCall, type EngineErrorCode, type EngineField } from './engine-error.js';
export { engine, engineBroken, wasmCandidates } from './wasm-module.js';
export {
  SearchIndex,
  INDEX_FILE,
  checkIndexVersion,
  DEFAULT_COUNT_LIMIT,
  MAX_WINDOW,
  type AnalyzedToken,
  type SearchOptions,
  type SearchResult,
  type Hit,
  type IndexInfo,
  type FieldInfo,
  type OpenOptions,
} from './search-index.js';
export type { PageHit, ShapedHit, DamagedHit } from './hit-page.js';
export { DEFAULT_ANALYZER } from './analyzer-defaults.js';
export {
  buildRange,
  countNewlines,
  mergeSegments,
  type RangeJob,
  type RangeResult,
} from './build-range.js';
export {
  buildIndex,
  buildIndexParallel,
  describeFieldDocs,
  threadsFor,
  type BuildOptions,
  type BuildProgress,
  type BuildResult,
} from './build-index.js';
export {
  DEFAULT_RANKER,
  PARAM_NAMES,
  RANKERS,
  RANKER_PARAMS,
  RANKER_TABLE,
  acceptedValues,
  paramSpec,
  rankerOfParam,
  validateRankerParams,
  type RankerName,
  type RankerParamSpec,
  type RankerParams,
  type RankerSpec,
} from './rankers.js';
