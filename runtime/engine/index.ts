export { EngineError, engineCall, type EngineErrorCode } from './engine-error.js';
export { engine, wasmCandidates } from './wasm-module.js';
export {
  SearchIndex,
  INDEX_FILE,
  RANKERS,
  type RankerName,
  type RankerParams,
  type SearchOptions,
  type SearchResult,
  type Hit,
  type IndexInfo,
  type FieldInfo,
} from './search-index.js';
export {
  CorpusBuilder,
  DEFAULT_ANALYZER,
  SegmentMerger,
  type CorpusBuildOptions,
  type CorpusBuilderOptions,
  type CorpusBuildOutput,
} from './corpus-builder.js';
export {
  buildIndex,
  type BuildOptions,
  type BuildProgress,
  type BuildResult,
} from './build-index.js';
