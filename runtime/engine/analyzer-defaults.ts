/**
 * The analysis a build uses when an option is not given: the engine's own defaults
 * (index-core/src/indexer/options.rs), spelled out for callers that must write a request down in
 * full, such as a job's canonical request (test/engine/analyzer-defaults.test.ts holds them equal).
 */
import type { BuildOptions } from './build-index.js';

export const DEFAULT_ANALYZER = {
  fields: ['title', 'text'],
  fieldMode: 'combined',
  stemmer: 'porter',
  stopwords: 'lucene',
  norms: 'exact',
} as const satisfies BuildOptions;
