/**
 * The `build-index` request: build an index from a JSONL corpus in parallel — the corpus cut into
 * byte ranges of `chunkMb`, one map task per range, one reduce step merging the segments — and
 * publish it as the store's new live version (`publish: true`) or keep it in the results bucket.
 *
 *     {"kind": "build-index", "corpus": "s3://bucket/key" | "file:///path", "chunkMb": 64,
 *      "analyzer": {"fields": ["title", "text"], "fieldMode": "combined", "stemmer": "porter",
 *                   "stopwords": "lucene", "norms": "exact"},
 *      "skipBad": false, "publish": true, "policy": {"name": "StaticProportional", "m": 4}}
 *
 * Every field but `kind` and `corpus` is optional; `canonicalBuildRequest` fills the defaults.
 */
import { z } from '@hono/zod-openapi';
import { DEFAULT_ANALYZER } from '../../engine/index.js';
import { DEFAULT_POLICY, type PolicySpec } from '../policies.js';
import { PolicySchema } from '../policy-schema.js';

export const BUILD_INDEX = 'build-index';
export const DEFAULT_CHUNK_MB = 64;
export const MAX_CHUNK_MB = 1024;
/** Stop words a request may list (the engine takes any list; this bounds the request size). */
const MAX_STOPWORDS = 5000;

export const AnalyzerSchema = z
  .strictObject({
    fields: z
      .array(z.string().min(1).max(256))
      .min(1)
      .max(32)
      .optional()
      .openapi({ description: 'corpus keys indexed (default title, text)' }),
    fieldMode: z
      .enum(['combined', 'separate'])
      .optional()
      .openapi({ description: 'combined (default): the fields as one; separate: each its own' }),
    stemmer: z.enum(['porter', 'none']).optional().openapi({ description: 'default porter' }),
    stopwords: z
      .union([z.enum(['lucene', 'none']), z.array(z.string().min(1).max(256)).max(MAX_STOPWORDS)])
      .optional()
      .openapi({ description: 'lucene (default), none, or the words themselves' }),
    norms: z
      .enum(['exact', 'lucene'])
      .optional()
      .openapi({ description: "document lengths: exact (default) or Lucene's one-byte norms" }),
  })
  .openapi('Analyzer', { description: 'the analysis options of `sir index`' });

export const BuildIndexRequestSchema = z
  .strictObject({
    kind: z.literal(BUILD_INDEX),
    corpus: z.string().min(1).max(2048).openapi({
      description:
        'the JSONL corpus: s3://BUCKET/KEY in the stack staging bucket, or file:///PATH locally',
      example: 's3://sir-staging-abc/staging/up-0123456789abcdef/corpus.jsonl',
    }),
    chunkMb: z
      .number()
      .int()
      .min(1)
      .max(MAX_CHUNK_MB)
      .optional()
      .openapi({ description: `MiB of corpus per map task (default ${DEFAULT_CHUNK_MB})` }),
    analyzer: AnalyzerSchema.optional(),
    skipBad: z
      .boolean()
      .optional()
      .openapi({ description: 'skip malformed lines (reported) instead of failing the job' }),
    publish: z.boolean().optional().openapi({
      description:
        'true (default): the index becomes the store live version; false: it is kept in the results bucket',
    }),
    policy: PolicySchema.optional(),
  })
  .openapi('BuildIndexRequest');

export type BuildIndexInput = z.infer<typeof BuildIndexRequestSchema>;

/** A build request with every default filled in. */
export interface BuildIndexRequest {
  kind: typeof BUILD_INDEX;
  corpus: string;
  chunkMb: number;
  analyzer: {
    fields: string[];
    fieldMode: 'combined' | 'separate';
    stemmer: 'porter' | 'none';
    stopwords: 'lucene' | 'none' | string[];
    norms: 'exact' | 'lucene';
  };
  skipBad: boolean;
  publish: boolean;
  policy: PolicySpec;
}

export function canonicalBuildRequest(input: BuildIndexInput): BuildIndexRequest {
  const a = input.analyzer ?? {};
  return {
    kind: BUILD_INDEX,
    corpus: input.corpus,
    chunkMb: input.chunkMb ?? DEFAULT_CHUNK_MB,
    analyzer: {
      fields: a.fields ?? [...DEFAULT_ANALYZER.fields],
      fieldMode: a.fieldMode ?? DEFAULT_ANALYZER.fieldMode,
      stemmer: a.stemmer ?? DEFAULT_ANALYZER.stemmer,
      stopwords: a.stopwords ?? DEFAULT_ANALYZER.stopwords,
      norms: a.norms ?? DEFAULT_ANALYZER.norms,
    },
    skipBad: input.skipBad ?? false,
    publish: input.publish ?? true,
    policy: input.policy ?? DEFAULT_POLICY,
  };
}
